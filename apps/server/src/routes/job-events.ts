import type { FastifyReply } from 'fastify';
import type { ServerContext } from '../context.js';
import type { JobEvent } from '../jobs/job-manager.js';
import { FINISHED } from '../storage/database.js';
import { jobView } from '../views.js';

const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events by hand on the raw response: `state` at once and on each change, `progress`
 * as the worker reports it, `end` when the job finishes (then the stream closes). Headers already
 * set by hooks (security headers, rate limit) are kept. Open streams are ended when the server
 * closes (they would hold it open otherwise).
 */
export function streamJobEvents(ctx: ServerContext, reply: FastifyReply, id: string): void {
  reply.hijack();
  const raw = reply.raw;
  const headers: Record<string, string | number | string[]> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v;
  raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let closed = false;
  const send = (type: string, data: unknown) => {
    if (!closed) raw.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const job = ctx.jobs.get(id)!;
  raw.write('retry: 2000\n\n');
  send('state', jobView(job));
  if (FINISHED.includes(job.state)) {
    send('end', jobView(job));
    raw.end();
    return;
  }
  let unsubscribe = () => {};
  let heartbeat: NodeJS.Timeout | undefined;
  const end = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    ctx.streams.delete(end);
    raw.end();
  };
  // Subscribing in the same tick as reading the state: a job finishes only in a later callback.
  unsubscribe = ctx.jobs.subscribe(id, (event: JobEvent) => {
    send(event.type, jobView(event.job));
    if (event.type === 'end') end();
  });
  heartbeat = setInterval(() => !closed && raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  ctx.streams.add(end);
  raw.on('close', end); // the client went away (the response's close, not the request's)
}

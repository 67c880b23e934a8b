import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_INPUTS, DEMO_MODEL } from '@xai/core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import type { ServerOptions } from '../src/config.js';

export interface TestServer {
  readonly app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly dataDir: string;
  /** fetch of an /api/v1 path (token added when the server has one, unless `auth: false`). */
  api(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  close(): Promise<void>;
}

export const tempDir = (prefix = 'xai-server-test-') => mkdtempSync(join(tmpdir(), prefix));

/** A real server on 127.0.0.1 and a random port, with its own data directory unless given one. */
export async function startServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const app = await buildApp({ logLevel: false, rateLimit: 0, ...options, dataDir });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const token = options.token;
  return {
    app,
    url,
    dataDir,
    api(path, init = {}) {
      const { auth = true, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token && auth && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
      return fetch(`${url}/api/v1${path}`, { ...rest, headers });
    },
    async close() {
      await app.close();
      if (!options.dataDir) await removeDir(dataDir); // a folder this helper made
    },
  };
}

/** core's example plugin module: a rule, a composite and a method that runs on tfjs only. */
export const EXAMPLE_PLUGIN = fileURLToPath(new URL('../../../packages/core/test/fixtures/example-plugin.mjs', import.meta.url));

/**
 * `startServer` with XAI_PLUGINS set to `plugin` (read by buildApp and inherited by the worker
 * threads); `close()` puts the variable back as it was.
 */
export async function startServerWithPlugin(plugin = EXAMPLE_PLUGIN, options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const saved = process.env.XAI_PLUGINS;
  const restore = () => {
    if (saved === undefined) delete process.env.XAI_PLUGINS;
    else process.env.XAI_PLUGINS = saved;
  };
  process.env.XAI_PLUGINS = plugin;
  let server: TestServer;
  try {
    server = await startServer(options);
  } catch (err) {
    restore();
    throw err;
  }
  return {
    ...server,
    async close() {
      try {
        await server.close();
      } finally {
        restore();
      }
    },
  };
}

export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });

export async function json<T = any>(response: Response | Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}

export const postJson = (server: TestServer, path: string, body: unknown) =>
  server.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export interface UploadFile {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly type?: string;
}

/** A multipart form as a browser sends it. */
export function form(files: readonly UploadFile[], fields: Record<string, string> = {}): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  for (const f of files) data.append('file', new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type: f.type ?? 'application/octet-stream' }), f.name);
  return data;
}

export const upload = (server: TestServer, path: '/models' | '/inputs', files: readonly UploadFile[], fields?: Record<string, string>) =>
  server.api(path, { method: 'POST', body: form(files, fields) });

/** The shipped image demo model's files as a user would upload them. */
export function demoModelFiles(): UploadFile[] {
  return [
    { name: 'model.json', bytes: new Uint8Array(readFileSync(DEMO_MODEL)), type: 'application/json' },
    { name: 'weights.bin', bytes: new Uint8Array(readFileSync(join(dirname(DEMO_MODEL), 'weights.bin'))) },
  ];
}

export const demoImage = (name: 'square' | 'cross' | 'ring' | 'triangle' = 'square'): UploadFile => ({
  name: `${name}.png`,
  bytes: new Uint8Array(readFileSync(join(DEMO_INPUTS, `${name}.png`))),
  type: 'image/png',
});

export const FINISHED = ['succeeded', 'failed', 'cancelled'];

/** Polls a job until it finishes (or `until` holds). */
export async function waitForJob(server: TestServer, id: string, until: (job: any) => boolean = (j) => FINISHED.includes(j.state), timeoutMs = 90_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await json(server.api(`/jobs/${id}`));
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface SseEvent {
  readonly event: string;
  readonly data: any;
}

/** Reads a Server-Sent Events stream until it closes (or `stop` returns true). */
export async function readEvents(response: Response, stop: (events: SseEvent[]) => boolean = () => false): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length) events.push({ event, data: JSON.parse(data.join('\n')) });
      }
      if (stop(events)) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
export const isPng = (bytes: Uint8Array) => PNG_SIGNATURE.every((b, i) => bytes[i] === b);

/** Work limits that let `slowMethod` run until it is cancelled (the defaults refuse it). */
export const NO_PASS_LIMIT = { maxPasses: Number.MAX_SAFE_INTEGER } as const;

/** A smoothgrad run that takes a while and reports progress after every batch. */
export const slowMethod = (samples: number) => ({ method: 'smoothgrad', options: { samples, batchSize: 8, seed: 1 } });

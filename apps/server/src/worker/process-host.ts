/**
 * The entry of every worker process (see jobs/process-pool.ts): runs one task at a time and
 * answers with its outcome over the IPC channel. A task's MessagePort (progress, cancel) cannot
 * cross a process boundary, so it is relayed: the task gets a local port whose messages go to the
 * server as `event`s, and the server's `control` messages come back into it. When a task leaves
 * the WebAssembly backend unusable (out of its memory, an `Aborted()`), the answer says `retire`
 * and the pool ends this process before it runs another task.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import runTask from './tasks.js';
import { backendHealthy, taskError } from './runtime.js';
import type { Outcome, WorkerTask } from './task-types.js';

/** Server → worker process. */
export type HostRequest = { readonly type: 'run'; readonly id: number; readonly task: WorkerTask } | { readonly type: 'control'; readonly id: number; readonly message: unknown };

/** Worker process → server. */
export type HostReply =
  | { readonly type: 'event'; readonly id: number; readonly event: unknown }
  | { readonly type: 'done'; readonly id: number; readonly outcome: Outcome<unknown>; readonly retire: boolean };

const send = (reply: HostReply) => process.send!(reply);
const relays = new Map<number, MessagePort>();

async function run(id: number, task: WorkerTask): Promise<void> {
  let local: MessagePort | undefined;
  if (task.kind === 'explain' || task.kind === 'benchmark' || task.kind === 'analysis') {
    const { port1, port2 } = new MessageChannel();
    port2.on('message', (event: unknown) => send({ type: 'event', id, event }));
    relays.set(id, port2);
    local = port2;
    task = { ...task, port: port1 };
  }
  let outcome: Outcome<unknown>;
  try {
    outcome = await runTask(task);
  } catch (err) {
    outcome = { ok: false, error: taskError(err, false) };
  }
  // let the last progress events through before the answer
  await new Promise((resolve) => setImmediate(resolve));
  relays.delete(id);
  local?.close();
  const retire = (!outcome.ok && outcome.error.retire === true) || !(await backendHealthy());
  send({ type: 'done', id, outcome, retire });
}

process.on('message', (request: HostRequest) => {
  if (request.type === 'run') void run(request.id, request.task);
  else relays.get(request.id)?.postMessage(request.message);
});
// the server went away: nothing left to work for
process.on('disconnect', () => process.exit(0));

import type { MessagePort } from 'node:worker_threads';
import type { Outcome, WorkerTask } from '../worker/task-types.js';
import type { ProcessPool } from './process-pool.js';

/**
 * Where the job manager's tasks run. The task's MessagePort carries 'started' and 'progress'
 * events to the manager and 'cancel' from it, whichever backend runs the task; `signal` aborts it
 * (a queued job at once, a running one after the cancel grace).
 */
export interface JobBackend {
  readonly kind: 'embedded' | 'bullmq';
  /** Queued and running jobs outlive the server process (they live in Redis): a restart takes them up again. */
  readonly durable: boolean;
  run(id: string, task: WorkerTask, options: { readonly signal: AbortSignal }): Promise<Outcome<unknown>>;
  /** A durable backend: follow a job submitted before this process started, reporting on `port`. */
  resume?(id: string, port: MessagePort, options: { readonly signal: AbortSignal }): Promise<Outcome<unknown>>;
  close(): Promise<void>;
}

/** Today's default: the server's own worker processes (pools.ts); nothing to install. */
export class EmbeddedBackend implements JobBackend {
  readonly kind = 'embedded';
  readonly durable = false;

  constructor(private readonly pool: ProcessPool) {}

  run(_id: string, task: WorkerTask, options: { readonly signal: AbortSignal }): Promise<Outcome<unknown>> {
    return this.pool.run(task, options);
  }

  async close(): Promise<void> {
    /* the pools are closed with the server (app.ts) */
  }
}

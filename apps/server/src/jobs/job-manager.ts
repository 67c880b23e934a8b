import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import { FINISHED, type JobRow, type JobState, type Store } from '../storage/database.js';
import { newId, type DataDir } from '../storage/data-dir.js';
import type { Outcome, WorkerEvent, WorkerTask } from '../worker/task-types.js';
import type { WorkerPools } from './pools.js';

export type JobKind = JobRow['kind'];

/** What listeners (SSE streams) hear: a state change, a progress step, or the end. */
export interface JobEvent {
  readonly type: 'state' | 'progress' | 'end';
  readonly job: JobRow & { readonly cancelRequested?: boolean };
}

interface ActiveJob {
  state: JobState;
  progress: Record<string, unknown> | null;
  cancelRequested: boolean;
  lastSaved: number;
  readonly controller: AbortController;
  readonly port: MessagePort;
  killTimer?: NodeJS.Timeout;
}

const PROGRESS_SAVE_MS = 1000;

/**
 * Runs jobs in the worker pool and keeps their state in SQLite: queued → running → succeeded /
 * failed / cancelled. Progress arrives on a MessagePort per job; cancelling asks the worker to
 * stop between batches and, if it has not after `cancelGraceMs`, aborts the task (piscina then
 * terminates that worker and starts a fresh one).
 */
export class JobManager {
  private readonly active = new Map<string, ActiveJob>();
  private readonly listeners = new Map<string, Set<(event: JobEvent) => void>>();
  private closing = false;

  constructor(
    private readonly store: Store,
    private readonly pools: WorkerPools,
    private readonly dirs: DataDir,
    private readonly cancelGraceMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Jobs left queued or running by a previous process are failed with the reason. */
  recover(): number {
    return this.store.failInterrupted('interrupted: the server stopped before this job finished');
  }

  counts(): { queued: number; running: number } {
    let queued = 0;
    let running = 0;
    for (const job of this.active.values()) job.state === 'running' ? running++ : queued++;
    return { queued, running };
  }

  /** The stored job with live progress and whether a cancel is pending. */
  get(id: string): (JobRow & { cancelRequested?: boolean }) | undefined {
    const row = this.store.getJob(id);
    if (!row) return undefined;
    const live = this.active.get(id);
    if (!live || FINISHED.includes(row.state)) return row;
    return { ...row, state: live.state, progress: live.progress ?? row.progress, ...(live.cancelRequested ? { cancelRequested: true } : {}) };
  }

  isActive(id: string): boolean {
    return this.active.has(id);
  }

  /**
   * Persists a job and queues its task. `build` makes the worker task from the job's port and
   * output folder; the worker's value becomes the stored result.
   */
  submit(kind: JobKind, request: Record<string, unknown>, build: (port: MessagePort, outDir: string) => WorkerTask): JobRow {
    if (this.closing) throw new Error('the server is shutting down');
    const id = newId('job');
    this.store.insertJob({ id, kind, request });
    const { port1, port2 } = new MessageChannel();
    const job: ActiveJob = { state: 'queued', progress: null, cancelRequested: false, lastSaved: 0, controller: new AbortController(), port: port1 };
    this.active.set(id, job);
    port1.on('message', (event: WorkerEvent) => this.onWorkerEvent(id, job, event));
    let task: WorkerTask;
    try {
      task = build(port2, this.dirs.job(id));
    } catch (err) {
      port2.close();
      this.finish(id, job, 'failed', { error: { error: 'InternalError', message: `could not prepare the job: ${(err as Error).message}` } });
      throw err;
    }
    this.pools.jobs
      .run(task, { transferList: [port2], signal: job.controller.signal })
      .then(
        (outcome: Outcome<unknown>) => {
          if (outcome.ok) this.finish(id, job, 'succeeded', { result: outcome.value });
          else if (outcome.error.error === 'Cancelled') this.finish(id, job, 'cancelled', { error: { error: 'Cancelled', message: 'cancelled on request' } });
          else this.finish(id, job, 'failed', { error: { error: outcome.error.error, message: outcome.error.message } });
        },
        (err: Error) => {
          if (job.cancelRequested) this.finish(id, job, 'cancelled', { error: { error: 'Cancelled', message: 'cancelled on request' } });
          else if (!this.closing) {
            this.log.error({ err, job: id }, 'job worker failed');
            this.finish(id, job, 'failed', { error: { error: 'WorkerError', message: `the worker running this job failed: ${err.message}` } });
          }
        },
      );
    return this.get(id)!;
  }

  /** Asks a queued or running job to stop; returns the job, or undefined when it has finished. */
  cancel(id: string): (JobRow & { cancelRequested?: boolean }) | undefined {
    const job = this.active.get(id);
    if (!job) return undefined;
    if (!job.cancelRequested) {
      job.cancelRequested = true;
      if (job.state === 'queued') job.controller.abort();
      else {
        job.port.postMessage({ type: 'cancel' });
        job.killTimer = setTimeout(() => job.controller.abort(), this.cancelGraceMs);
        job.killTimer.unref();
      }
      this.emit(id, 'state');
    }
    return this.get(id);
  }

  /** Listens to a job's events until it ends; returns the unsubscribe function. */
  subscribe(id: string, listener: (event: JobEvent) => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  /** Shutdown: running and queued jobs are failed (they would be after a restart anyway). */
  async close(): Promise<void> {
    this.closing = true;
    for (const [id, job] of this.active) {
      this.finish(id, job, 'failed', { error: { error: 'Interrupted', message: `interrupted: the server stopped before this job finished (it was ${job.state})` } });
      job.controller.abort();
    }
  }

  private onWorkerEvent(id: string, job: ActiveJob, event: WorkerEvent): void {
    if (!this.active.has(id)) return;
    if (event.type === 'started') {
      job.state = 'running';
      this.store.markStarted(id);
      this.emit(id, 'state');
    } else if (event.type === 'progress') {
      job.progress = event.progress;
      const now = Date.now();
      if (now - job.lastSaved >= PROGRESS_SAVE_MS) {
        job.lastSaved = now;
        this.store.saveProgress(id, event.progress);
      }
      this.emit(id, 'progress');
    }
  }

  private finish(id: string, job: ActiveJob, state: 'succeeded' | 'failed' | 'cancelled', fields: { result?: unknown; error?: { error: string; message: string } }): void {
    if (!this.active.has(id)) return;
    this.active.delete(id);
    clearTimeout(job.killTimer);
    job.port.close();
    this.store.finishJob(id, state, { ...fields, ...(job.progress ? { progress: job.progress } : {}) });
    this.emit(id, 'end');
    this.listeners.delete(id);
  }

  private emit(id: string, type: JobEvent['type']): void {
    const set = this.listeners.get(id);
    if (!set?.size) return;
    const job = this.get(id);
    if (!job) return;
    for (const listener of [...set]) {
      try {
        listener({ type, job });
      } catch (err) {
        this.log.warn({ err }, 'job listener failed');
      }
    }
  }
}

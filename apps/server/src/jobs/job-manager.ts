import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import { FINISHED, type JobRow, type JobState, type Store } from '../storage/database.js';
import { newId, type DataDir } from '../storage/data-dir.js';
import type { Outcome, WorkerEvent, WorkerTask } from '../worker/task-types.js';
import { isStorageError, type Health } from '../health.js';
import type { JobBackend } from './job-backend.js';
import { WorkerLostError } from './process-pool.js';

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
  timeoutTimer?: NodeJS.Timeout;
  /** Stopped because it ran past the job time limit. */
  timedOut: boolean;
}

type Finished = 'succeeded' | 'failed' | 'cancelled';
type JobError = { error: string; message: string };

const PROGRESS_SAVE_MS = 1000;

/** Makes a job's worker task from its port and output folder. */
export type TaskBuilder = (port: MessagePort, outDir: string) => WorkerTask;
/** Per job kind that can be taken up again after a restart: its task, rebuilt from the stored request (throws when that is no longer possible). */
export type Rebuilders = Partial<Record<JobKind, (request: Record<string, unknown>) => TaskBuilder>>;

/**
 * Runs jobs in the worker pool and keeps their state in SQLite: queued → running → succeeded /
 * failed / cancelled. Progress arrives on a MessagePort per job; cancelling (on request, or when a
 * job runs past `jobTimeoutMs`) asks the worker to stop between batches and, if it has not after
 * `cancelGraceMs`, aborts the task (the pool then terminates that worker and starts a fresh one).
 * A job whose state cannot be saved (disk full) is failed in memory and the server's health says
 * why; nothing here lets a storage error escape as an unhandled rejection.
 */
export class JobManager {
  private readonly active = new Map<string, ActiveJob>();
  private readonly listeners = new Map<string, Set<(event: JobEvent) => void>>();
  /** Finished jobs whose final state SQLite could not take (disk full): served from memory. */
  private readonly unsaved = new Map<string, JobRow>();
  private closing = false;
  /** Active jobs of a kind with a rebuilder: a shutdown leaves them for the next start. */
  private readonly restartable = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly backend: JobBackend,
    private readonly dirs: DataDir,
    private readonly settings: { readonly cancelGraceMs: number; readonly jobTimeoutMs: number },
    private readonly health: Health,
    private readonly log: FastifyBaseLogger,
    /** Kinds whose work resumes from their output folder (analyses: the relevance store): restarted, not failed. */
    private readonly rebuilders: Rebuilders = {},
  ) {}

  /**
   * Jobs left queued or running by a previous process: kinds with a rebuilder (analyses) run again
   * under the same id and folder, so their stored batches are reused; the rest are followed again
   * with a durable backend (Redis), otherwise failed with the reason. Returns how many were failed.
   */
  recover(): number {
    const restarted = new Set<string>();
    for (const row of this.store.unfinishedJobs()) {
      const rebuild = this.rebuilders[row.kind];
      if (!rebuild) continue;
      let build: TaskBuilder;
      try {
        build = rebuild(row.request);
      } catch (err) {
        this.log.warn({ err, job: row.id }, `job ${row.id} cannot be taken up again: ${(err as Error).message}`);
        this.save(row.id, () => this.store.finishJob(row.id, 'failed', { error: { error: 'Interrupted', message: `interrupted: the server stopped before this job finished, and it cannot be taken up again: ${(err as Error).message}` } }));
        continue;
      }
      this.store.requeueJob(row.id);
      restarted.add(row.id);
      try {
        this.start(row.id, row.kind, build, row.progress);
      } catch {
        /* start recorded the job as failed */
      }
    }
    if (restarted.size) this.log.info(`${restarted.size} job(s) interrupted by the last shutdown taken up again: ${[...restarted].join(', ')}`);
    if (this.backend.durable && this.backend.resume) {
      for (const row of this.store.unfinishedJobs()) {
        if (restarted.has(row.id)) continue;
        const { port1, port2 } = new MessageChannel();
        const job: ActiveJob = { state: row.state === 'running' ? 'running' : 'queued', progress: row.progress, cancelRequested: false, lastSaved: 0, controller: new AbortController(), port: port1, timedOut: false };
        this.active.set(row.id, job);
        port1.on('message', (event: WorkerEvent) => this.onWorkerEvent(row.id, job, event));
        this.follow(row.id, job, this.backend.resume(row.id, port2, { signal: job.controller.signal }));
      }
      return 0;
    }
    return this.store.failInterrupted('interrupted: the server stopped before this job finished', [...restarted]);
  }

  counts(): { queued: number; running: number } {
    let queued = 0;
    let running = 0;
    for (const job of this.active.values()) job.state === 'running' ? running++ : queued++;
    return { queued, running };
  }

  /** The stored job with live progress and whether a cancel is pending. */
  get(id: string): (JobRow & { cancelRequested?: boolean }) | undefined {
    const unsaved = this.unsaved.get(id);
    if (unsaved) return unsaved;
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
  submit(kind: JobKind, request: Record<string, unknown>, build: TaskBuilder): JobRow {
    if (this.closing) throw new Error('the server is shutting down');
    const id = newId('job');
    this.store.insertJob({ id, kind, request }); // a full disk throws here: the route answers 507
    this.health.storageOk();
    this.start(id, kind, build, null);
    return this.get(id)!;
  }

  /** Queues the task of a stored job (new, or taken up again after a restart). */
  private start(id: string, kind: JobKind, build: TaskBuilder, progress: Record<string, unknown> | null): void {
    if (this.rebuilders[kind]) this.restartable.add(id);
    const { port1, port2 } = new MessageChannel();
    const job: ActiveJob = { state: 'queued', progress, cancelRequested: false, lastSaved: 0, controller: new AbortController(), port: port1, timedOut: false };
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
    this.follow(id, job, this.backend.run(id, task, { signal: job.controller.signal }));
  }

  /** Records the end of a job's task: its value, its error, a cancel, or its worker's failure. */
  private follow(id: string, job: ActiveJob, running: Promise<Outcome<unknown>>): void {
    running
      .then(
        (outcome: Outcome<unknown>) => {
          if (outcome.ok) this.finish(id, job, 'succeeded', { result: outcome.value });
          else if (outcome.error.error === 'Cancelled' || job.cancelRequested) this.finish(id, job, 'cancelled', { error: this.cancelReason(job) });
          else {
            if (outcome.error.error === 'StorageFull') this.storageFailed(id, outcome.error.message);
            this.finish(id, job, 'failed', { error: { error: outcome.error.error, message: outcome.error.message } });
          }
        },
        (err: Error) => {
          if (job.cancelRequested) this.finish(id, job, 'cancelled', { error: this.cancelReason(job) });
          else if (!this.closing) {
            this.log.error({ err, job: id }, 'job worker failed');
            const memory = err instanceof WorkerLostError && err.reason === 'memory';
            this.finish(id, job, 'failed', { error: { error: memory ? 'WorkerOutOfMemory' : 'WorkerError', message: `the worker running this job failed: ${err.message}` } });
          }
        },
      )
      .catch((err: unknown) => this.log.error({ err, job: id }, 'finishing a job failed'));
  }

  /** Asks a queued or running job to stop; returns the job, or undefined when it has finished. */
  cancel(id: string): (JobRow & { cancelRequested?: boolean }) | undefined {
    const job = this.active.get(id);
    if (!job) return undefined;
    this.stop(id, job);
    return this.get(id);
  }

  private stop(id: string, job: ActiveJob): void {
    if (!job.cancelRequested) {
      job.cancelRequested = true;
      if (job.state === 'queued') job.controller.abort();
      else {
        job.port.postMessage({ type: 'cancel' });
        job.killTimer = setTimeout(() => job.controller.abort(), this.settings.cancelGraceMs);
        job.killTimer.unref();
      }
      this.emit(id, 'state');
    }
  }

  private cancelReason(job: ActiveJob): JobError {
    if (!job.timedOut) return { error: 'Cancelled', message: 'cancelled on request' };
    return { error: 'Timeout', message: `stopped: the job ran longer than the server's limit of ${this.settings.jobTimeoutMs / 1000} s (XAI_JOB_TIMEOUT)` };
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

  /**
   * Shutdown: running and queued jobs are failed (they would be after a restart anyway), unless
   * the backend is durable: then they stay on its queue and the next server follows them.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.backend.durable) {
      for (const job of this.active.values()) {
        clearTimeout(job.killTimer);
        clearTimeout(job.timeoutTimer);
        job.port.close();
      }
      this.active.clear();
      this.listeners.clear();
      await this.backend.close();
      return;
    }
    for (const [id, job] of this.active) {
      if (this.restartable.has(id)) {
        // left queued/running in the database: the next start takes it up again (recover)
        this.active.delete(id);
        clearTimeout(job.killTimer);
        clearTimeout(job.timeoutTimer);
        job.port.close();
        job.controller.abort();
        continue;
      }
      this.finish(id, job, 'failed', { error: { error: 'Interrupted', message: `interrupted: the server stopped before this job finished (it was ${job.state})` } });
      job.controller.abort();
    }
  }

  private onWorkerEvent(id: string, job: ActiveJob, event: WorkerEvent): void {
    if (!this.active.has(id)) return;
    if (event.type === 'started') {
      job.state = 'running';
      this.save(id, () => this.store.markStarted(id));
      if (this.settings.jobTimeoutMs > 0) {
        job.timeoutTimer = setTimeout(() => {
          job.timedOut = true;
          this.log.warn({ job: id }, `job ${id} ran past the time limit (${this.settings.jobTimeoutMs / 1000} s): stopping it`);
          this.stop(id, job);
        }, this.settings.jobTimeoutMs);
        job.timeoutTimer.unref();
      }
      this.emit(id, 'state');
    } else if (event.type === 'progress') {
      job.progress = event.progress;
      const now = Date.now();
      if (now - job.lastSaved >= PROGRESS_SAVE_MS) {
        job.lastSaved = now;
        this.save(id, () => this.store.saveProgress(id, event.progress));
      }
      this.emit(id, 'progress');
    }
  }

  /** A storage write that must not throw into an event handler: a failure marks the server degraded. */
  private save(id: string, write: () => void): boolean {
    try {
      write();
      return true;
    } catch (err) {
      this.storageFailed(id, err);
      return false;
    }
  }

  private storageFailed(id: string, err: unknown): void {
    this.health.storageFailed(err);
    this.log.error({ err, job: id }, `job ${id}: storage failed${isStorageError(err) ? ' (disk or database full)' : ''}`);
  }

  private finish(id: string, job: ActiveJob, state: Finished, fields: { result?: unknown; error?: JobError }): void {
    if (!this.active.has(id)) return;
    this.active.delete(id);
    this.restartable.delete(id);
    clearTimeout(job.killTimer);
    clearTimeout(job.timeoutTimer);
    job.port.close();
    const progress = job.progress ? { progress: job.progress } : {};
    if (this.save(id, () => this.store.finishJob(id, state, { ...fields, ...progress }))) {
      if (state === 'succeeded') this.health.storageOk();
    } else {
      // The result cannot be recorded: the job fails, its files go (they may be what filled the
      // disk), and until a restart it is served from memory; a restart marks it interrupted.
      const error = { error: 'StorageFull', message: `the job's state could not be saved: ${this.health.status.status === 'degraded' ? this.health.status.reason : 'storage failed'}` };
      const row = this.store.getJob(id);
      if (row) this.unsaved.set(id, { ...row, state: 'failed', error, result: null, progress: job.progress ?? row.progress, finishedAt: new Date().toISOString() });
      if (this.save(id, () => this.store.finishJob(id, 'failed', { error, ...progress }))) this.unsaved.delete(id);
      this.dirs.remove(this.dirs.job(id)).catch(() => undefined);
    }
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

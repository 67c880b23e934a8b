import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { FlowProducer, Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { DataDir } from '../storage/data-dir.js';
import type { Health } from '../health.js';
import type { Outcome, TaskError, WorkerEvent, WorkerTask } from '../worker/task-types.js';
import { writeBenchmarkOutput } from '../worker/benchmark-output.js';
import { chunkWeights, DEFAULT_CHUNK_SIZE, planChunks } from './chunk-plan.js';
import type { JobBackend } from './job-backend.js';
import { mergeBenchmarkResults, readChunkResult } from './merge-benchmark.js';
import { toPortable } from './portable-paths.js';
import { bullConnection, cancelKey, chunkDirName, chunkId, newRedis, QUEUE_NAMES, recordKey, type ChunkData } from './redis-connection.js';

type Kind = keyof typeof QUEUE_NAMES;
/** The queue of a task kind the queue takes. */
const QUEUE_OF: Partial<Record<WorkerTask['kind'], Kind>> = { explain: 'explain', benchmark: 'benchmark', analysis: 'dataset' };

export interface BullmqBackendOptions {
  readonly url: string;
  readonly chunkSize?: number;
  /** Tries of a chunk whose worker failed or vanished (BullMQ attempts; a stalled chunk also counts against the workers' maxStalledCount). */
  readonly attempts?: number;
  /** How often every followed job's chunks are looked up, besides the queue events (missed events, reconnects). */
  readonly pollMs?: number;
  /** Where tasks the queue does not take run: the server's own workers. */
  readonly local?: JobBackend;
}

/** What the server keeps in Redis about a job, so that a restarted server follows it again. */
interface JobRecord {
  readonly kind: Kind;
  readonly sizes: number[];
}

interface Followed {
  readonly id: string;
  readonly kind: Kind;
  /** Samples per chunk (1 for a chunk without a range): the weights of the job's progress. */
  readonly sizes: number[];
  readonly port: MessagePort;
  readonly outcomes: Map<number, Outcome<unknown>>;
  readonly fractions: number[];
  started: boolean;
  polling: boolean;
  settled: boolean;
  last: Record<string, unknown> | null;
  resolve(outcome: Outcome<unknown>): void;
}

const error = (name: string, message: string): Outcome<unknown> => ({ ok: false, error: { error: name, message, status: 500 } as TaskError });
const CANCELLED = error('Cancelled', 'cancelled on request');

/**
 * The job backend on Redis (XAI_REDIS_URL): every job becomes chunks on a BullMQ queue per task
 * kind, taken by `xai worker` processes on any machine sharing the data directory. The server
 * stays the one writer of SQLite: it follows its chunks through QueueEvents (and a periodic look
 * at their state, for events missed while Redis or the server was away), sums their progress
 * into the job's, and when all are done merges their results into the job's folder.
 */
export class BullmqBackend implements JobBackend {
  readonly kind = 'bullmq';
  readonly durable = true;
  private readonly redis: Redis;
  private readonly queues: Record<Kind, Queue>;
  private readonly flows: FlowProducer;
  private readonly events: QueueEvents[];
  private readonly followed = new Map<string, Followed>();
  private readonly timer: NodeJS.Timeout;
  private readonly chunkSize: number;
  private readonly attempts: number;
  private readonly local: JobBackend | undefined;

  constructor(
    options: BullmqBackendOptions,
    private readonly dirs: DataDir,
    private readonly health: Health,
    private readonly log: FastifyBaseLogger,
  ) {
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.attempts = options.attempts ?? 3;
    this.local = options.local;
    const connection = bullConnection(options.url);
    this.redis = newRedis(options.url);
    this.redis.on('ready', () => {
      this.health.backendOk();
      this.pollAll();
    });
    this.redis.on('error', (err: Error) => this.health.backendFailed(`redis at ${options.url}: ${err.message}`));
    this.redis.on('end', () => this.health.backendFailed(`redis at ${options.url}: connection closed`));
    this.queues = { explain: new Queue(QUEUE_NAMES.explain, { connection }), benchmark: new Queue(QUEUE_NAMES.benchmark, { connection }), dataset: new Queue(QUEUE_NAMES.dataset, { connection }) };
    for (const queue of Object.values(this.queues)) queue.on('error', () => undefined); // reported through this.redis
    this.flows = new FlowProducer({ connection });
    this.flows.on('error', () => undefined);
    this.events = Object.values(QUEUE_NAMES).map((name) => {
      const events = new QueueEvents(name, { connection });
      events.on('error', () => undefined);
      events.on('active', ({ jobId }) => this.onChunk(jobId, (f) => this.markStarted(f)));
      events.on('progress', ({ jobId, data }) =>
        this.onChunk(jobId, (f, k) => {
          if (data && typeof data === 'object' && typeof (data as { fraction?: unknown }).fraction === 'number') {
            f.fractions[k] = (data as { fraction: number }).fraction;
            f.last = data as Record<string, unknown>;
            this.markStarted(f);
            this.report(f);
          }
        }),
      );
      events.on('completed', ({ jobId }) => this.onChunk(jobId, (f) => void this.poll(f)));
      events.on('failed', ({ jobId }) => this.onChunk(jobId, (f) => void this.poll(f)));
      return events;
    });
    this.timer = setInterval(() => this.pollAll(), options.pollMs ?? 2000);
    this.timer.unref();
  }

  run(id: string, task: WorkerTask, options: { readonly signal: AbortSignal }): Promise<Outcome<unknown>> {
    const kind = QUEUE_OF[task.kind];
    if (!kind || (task.kind !== 'explain' && task.kind !== 'benchmark' && task.kind !== 'analysis')) {
      if (this.local) return this.local.run(id, task, options);
      return Promise.resolve(error('InternalError', `task '${task.kind}' does not run on the queue`));
    }
    const { port, ...plain } = task;
    const ranges = planChunks(task, this.chunkSize);
    const sizes = chunkWeights(ranges);
    // an analysis' relevance store lies in the job's folder, shared by its chunks (a chunk's own folder is renamed when it ends)
    const shared = task.kind === 'analysis' ? { store: task.store ?? join(task.outDir, 'store') } : {};
    const data = toPortable({ ...plain, ...shared }, this.dirs.root) as unknown as ChunkData['task'];
    const done = this.follow(id, kind, sizes, port, options.signal);
    // Enqueued in the background: with Redis away this waits for it (the job stays queued).
    void (async () => {
      // an analysis taken up again after a restart (same id) is already on the queue: follow it
      if (await this.redis.exists(recordKey(id))) {
        const f = this.followed.get(id);
        if (f && !f.settled) void this.poll(f);
        return;
      }
      const chunks = ranges.map((range, chunk) => ({
        name: kind,
        queueName: QUEUE_NAMES[kind],
        data: { job: id, chunk, task: data, ...(range ? { range } : {}) } satisfies ChunkData,
        opts: { jobId: chunkId(id, chunk), attempts: this.attempts, backoff: { type: 'fixed' as const, delay: 1000 } },
      }));
      // a chunked analysis: its last chunk (the analysis on the whole store) waits for the others (a BullMQ flow: parent after children)
      if (task.kind === 'analysis' && chunks.length > 1) await this.flows.add({ ...chunks.at(-1)!, children: chunks.slice(0, -1) });
      else await this.queues[kind].addBulk(chunks);
      // after the chunks: a record always has its chunks (a restart in between leaves the job interrupted)
      await this.redis.set(recordKey(id), JSON.stringify({ kind, sizes } satisfies JobRecord));
      const f = this.followed.get(id);
      if (f && !f.settled) void this.poll(f);
    })().catch((err: Error) => this.settle(id, error('QueueError', `could not put the job on the queue: ${err.message}`)));
    return done;
  }

  async resume(id: string, port: MessagePort, options: { readonly signal: AbortSignal }): Promise<Outcome<unknown>> {
    const text = await this.redis.get(recordKey(id));
    if (!text) return error('Interrupted', 'interrupted: the server stopped before this job was on the queue');
    const record = JSON.parse(text) as JobRecord;
    const done = this.follow(id, record.kind, record.sizes, port, options.signal);
    void this.poll(this.followed.get(id)!);
    return done;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.followed.clear(); // queued and running jobs stay on the queue for the next server
    await Promise.allSettled([...this.events.map((e) => e.close()), ...Object.values(this.queues).map((q) => q.close()), this.flows.close()]);
    this.redis.disconnect();
  }

  private follow(id: string, kind: Kind, sizes: number[], port: MessagePort, signal: AbortSignal): Promise<Outcome<unknown>> {
    return new Promise((resolve) => {
      const f: Followed = { id, kind, sizes, port, outcomes: new Map(), fractions: sizes.map(() => 0), started: false, polling: false, settled: false, last: null, resolve };
      this.followed.set(id, f);
      port.on('message', (m: { type?: string }) => {
        if (m?.type === 'cancel') void this.cancelChunks(f);
      });
      const onAbort = () => {
        void this.cancelChunks(f);
        this.settle(id, CANCELLED);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private onChunk(jobId: string, act: (f: Followed, chunk: number) => void): void {
    const dot = jobId.lastIndexOf('.');
    const f = dot > 0 ? this.followed.get(jobId.slice(0, dot)) : undefined;
    if (f && !f.settled) act(f, Number(jobId.slice(dot + 1)));
  }

  private markStarted(f: Followed): void {
    if (f.started) return;
    f.started = true;
    this.post(f, { type: 'started' });
  }

  /** The job's progress: the chunks' fractions weighted by their samples; done/total count chunks. */
  private report(f: Followed): void {
    const total = f.sizes.reduce((a, b) => a + b, 0);
    const fraction = f.sizes.reduce((s, n, k) => s + n * (f.outcomes.has(k) ? 1 : Math.min(1, f.fractions[k] ?? 0)), 0) / total;
    const { phase, method, metric } = f.last ?? {};
    this.post(f, { type: 'progress', progress: { ...(phase ? { phase } : {}), ...(method ? { method } : {}), ...(metric ? { metric } : {}), done: f.outcomes.size, total: f.sizes.length, unit: 'chunks', fraction } });
  }

  private post(f: Followed, event: WorkerEvent): void {
    try {
      f.port.postMessage(event);
    } catch {
      /* the job manager let go of the job */
    }
  }

  private pollAll(): void {
    for (const f of this.followed.values()) void this.poll(f);
  }

  /** Looks up the chunks not yet done; settles the job when all are, or one failed. */
  private async poll(f: Followed): Promise<void> {
    if (f.polling || f.settled) return;
    f.polling = true;
    try {
      const queue = this.queues[f.kind];
      for (let k = 0; k < f.sizes.length && !f.settled; k++) {
        if (f.outcomes.has(k)) continue;
        // the state first, then the job: read the other way round, a chunk finishing in between looks completed without its value
        const state = await queue.getJobState(chunkId(f.id, k));
        const job: Job | undefined = state === 'unknown' ? undefined : await queue.getJob(chunkId(f.id, k));
        if (!job) {
          if (await this.redis.exists(recordKey(f.id))) f.outcomes.set(k, error('ChunkLost', `chunk ${k} of the job is no longer on the queue`));
          continue; // not enqueued yet
        }
        if (state === 'active') this.markStarted(f);
        else if (state === 'completed' && job.returnvalue) f.outcomes.set(k, job.returnvalue as Outcome<unknown>);
        else if (state === 'failed') f.outcomes.set(k, error('WorkerError', `chunk ${k} failed ${job.attemptsMade} time(s): ${job.failedReason}`));
        const outcome = f.outcomes.get(k);
        if (outcome) {
          this.report(f);
          if (!outcome.ok) {
            await this.cancelChunks(f);
            this.settle(f.id, outcome);
          }
        }
      }
      if (!f.settled && f.outcomes.size === f.sizes.length) this.settle(f.id, await this.finish(f));
    } catch (err) {
      this.log.debug({ err, job: f.id }, 'looking up the chunks failed (retried)');
    } finally {
      f.polling = false;
    }
  }

  /**
   * All chunks done: their files go into the job's folder (a benchmark's merged; else the last
   * chunk's, an analysis' chunks before it having written into its relevance store); the queue
   * forgets the job.
   */
  private async finish(f: Followed): Promise<Outcome<unknown>> {
    const jobDir = this.dirs.job(f.id);
    const chunkDirs = f.sizes.map((_n, k) => join(jobDir, chunkDirName(k)));
    try {
      let value: unknown;
      if (f.kind !== 'benchmark' || f.sizes.length === 1) {
        const last = f.sizes.length - 1;
        for (const name of await readdir(chunkDirs[last]!)) if (!name.startsWith('.')) await rename(join(chunkDirs[last]!, name), join(jobDir, name));
        value = (f.outcomes.get(last) as { value: unknown }).value;
      } else {
        const merged = mergeBenchmarkResults(await Promise.all(chunkDirs.map(readChunkResult)));
        value = await writeBenchmarkOutput(merged, jobDir);
      }
      await Promise.all(chunkDirs.map((dir) => rm(dir, { recursive: true, force: true })));
      await this.forget(f);
      return { ok: true, value };
    } catch (err) {
      return error('MergeFailed', `could not gather the chunks' results: ${(err as Error).message}`);
    }
  }

  /** Stops a job's chunks: waiting ones are removed, running ones see the cancel key (workers look every second). */
  private async cancelChunks(f: Followed): Promise<void> {
    try {
      await this.redis.set(cancelKey(f.id), '1', 'EX', 24 * 3600);
      await this.forget(f);
    } catch (err) {
      this.log.warn({ err, job: f.id }, 'could not cancel the chunks on the queue');
    }
  }

  private async forget(f: Followed): Promise<void> {
    const queue = this.queues[f.kind];
    for (let k = 0; k < f.sizes.length; k++) {
      const job = await queue.getJob(chunkId(f.id, k));
      await job?.remove().catch(() => undefined); // a running chunk is locked: its worker's result is dropped
    }
    await this.redis.del(recordKey(f.id));
  }

  private settle(id: string, outcome: Outcome<unknown>): void {
    const f = this.followed.get(id);
    if (!f || f.settled) return;
    f.settled = true;
    this.followed.delete(id);
    f.resolve(outcome);
  }
}

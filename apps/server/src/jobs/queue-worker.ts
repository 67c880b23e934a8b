import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Worker, type Job } from 'bullmq';
import { InvalidArgumentError } from '@xai/core';
import type { Outcome, WorkerEvent, WorkerTask } from '../worker/task-types.js';
import { workerEntry } from './pools.js';
import { fromPortable } from './portable-paths.js';
import { ProcessPool } from './process-pool.js';
import { bullConnection, cancelKey, chunkDirName, newRedis, QUEUE_NAMES, type ChunkData } from './redis-connection.js';

export interface QueueWorkerOptions {
  readonly redisUrl: string;
  /** The data directory shared with the server (its mount point here). */
  readonly dataDir: string;
  /** Chunks run at once, each in its own process (default 1). */
  readonly concurrency?: number;
  readonly memoryMb?: number;
  /** BullMQ lock of a running chunk: a worker gone silent this long has its chunk taken up by another (default 30 s). */
  readonly lockMs?: number;
  /** How often workers look for chunks whose lock ran out (default 15 s). */
  readonly stalledMs?: number;
  /** Times a chunk may be found stalled before it fails (default 2). */
  readonly maxStalled?: number;
  /** One line per chunk taken and finished. */
  readonly log?: (line: string) => void;
}

export interface QueueWorker {
  close(): Promise<void>;
}

const OUTCOME_FILE = '.outcome.json';

/**
 * `xai worker`: takes chunks from the explain, benchmark and data-set queues and runs each in a worker
 * process (the server's process-host, so a chunk runs exactly as it would in the server). The
 * chunk's files are written into a fresh folder beside the job's and renamed to `chunk-<k>` only
 * when complete, so the server never reads half a result; a chunk found complete there (its
 * worker died after writing) is not run again. A running chunk stops when its job is cancelled.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const root = resolve(options.dataDir);
  if (!existsSync(join(root, 'jobs'))) throw new InvalidArgumentError(`--data-dir ${options.dataDir}: no jobs folder there; point it at the server's data directory (XAI_DATA_DIR)`);
  const concurrency = options.concurrency ?? 1;
  const log = options.log ?? (() => undefined);
  const pool = new ProcessPool({ filename: workerEntry(), size: concurrency, idleTimeoutMs: 10 * 60_000, env: { ...process.env, XAI_WORKERS: '0' }, memoryMb: options.memoryMb ?? 2048 });
  const redis = newRedis(options.redisUrl);
  redis.on('error', () => undefined); // ioredis reconnects; BullMQ waits
  const connection = bullConnection(options.redisUrl);

  async function processChunk(job: Job<ChunkData>): Promise<Outcome<unknown>> {
    const { job: id, chunk, range } = job.data;
    const jobDir = join(root, 'jobs', id);
    const finalDir = join(jobDir, chunkDirName(chunk));
    if (existsSync(join(finalDir, OUTCOME_FILE))) return JSON.parse(await readFile(join(finalDir, OUTCOME_FILE), 'utf8')) as Outcome<unknown>;
    if (await redis.exists(cancelKey(id))) return { ok: false, error: { error: 'Cancelled', message: 'cancelled on request', status: 500 } };
    log(`chunk ${job.id} started (attempt ${job.attemptsMade + 1})`);
    const tmp = join(jobDir, `.${chunkDirName(chunk)}-${randomUUID()}`);
    await mkdir(tmp, { recursive: true });
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (event: WorkerEvent) => {
      if (event.type === 'progress') job.updateProgress(event.progress).catch(() => undefined);
    });
    const watch = setInterval(() => {
      redis.exists(cancelKey(id)).then((n) => n && port1.postMessage({ type: 'cancel' }), () => undefined);
    }, 1000);
    try {
      const task = fromPortable(job.data.task, root) as unknown as WorkerTask;
      const outcome = await pool.run({ ...task, ...(range ? { range } : {}), outDir: tmp, port: port2 } as WorkerTask);
      if (outcome.ok) {
        await writeFile(join(tmp, OUTCOME_FILE), JSON.stringify(outcome));
        await rename(tmp, finalDir).catch(async (err: NodeJS.ErrnoException) => {
          // another worker finished the same chunk first (it was taken up again): same result, keep theirs
          if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
          await rm(tmp, { recursive: true, force: true });
        });
      } else await rm(tmp, { recursive: true, force: true });
      log(`chunk ${job.id} ${outcome.ok ? 'done' : `ended: ${outcome.error.error}`}`);
      return outcome;
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err; // the worker process died (out of memory …): BullMQ tries again, up to the chunk's attempts
    } finally {
      clearInterval(watch);
      port1.close();
    }
  }

  const workers = Object.values(QUEUE_NAMES).map((name) => {
    const worker = new Worker<ChunkData, Outcome<unknown>>(name, processChunk, {
      connection,
      concurrency,
      lockDuration: options.lockMs ?? 30_000,
      stalledInterval: options.stalledMs ?? 15_000,
      maxStalledCount: options.maxStalled ?? 2,
    });
    worker.on('error', (err) => log(`queue ${name}: ${err.message}`));
    return worker;
  });
  return {
    async close() {
      await Promise.allSettled(workers.map((w) => w.close()));
      await pool.close();
      redis.disconnect();
    },
  };
}

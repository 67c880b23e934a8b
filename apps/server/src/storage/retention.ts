import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerContext } from '../context.js';

const DAY_MS = 24 * 60 * 60 * 1000;

type UploadKind = 'inputs' | 'models' | 'datasets';
const UPLOAD_KINDS: readonly UploadKind[] = ['inputs', 'models', 'datasets'];

/** Bytes under a path (files only; what the file system reports as their sizes). */
export async function sizeOf(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}

export interface RetentionReport {
  readonly jobs: number;
  readonly inputs: number;
  readonly models: number;
  readonly datasets: number;
  readonly freedBytes: number;
  /** Size of the data directory afterwards. */
  readonly dataBytes: number;
}

/**
 * Retention and the data-directory quota. Finished jobs (rows, results and files) and uploaded
 * models, inputs and data sets that no job names expire `retentionDays` after they finished / were uploaded;
 * then, while the directory is larger than `maxDataBytes`, the oldest finished jobs go first and
 * unreferenced uploads after them. Queued and running jobs, what they use, and demos are never
 * removed. Every pass that removes something writes one log line.
 */
export async function applyRetention(ctx: ServerContext, now = Date.now()): Promise<RetentionReport> {
  const { store, dirs, config, log } = ctx;
  const removed = { jobs: 0, inputs: 0, models: 0, datasets: 0, freedBytes: 0 };
  const removeJob = async (id: string) => {
    if (ctx.jobs.isActive(id)) return;
    const dir = dirs.job(id);
    removed.freedBytes += await sizeOf(dir);
    store.deleteJob(id);
    await dirs.remove(dir);
    removed.jobs++;
  };
  const removeUpload = async (kind: UploadKind, id: string) => {
    if (store.activeJobsUsing(id) > 0) return;
    const dir = kind === 'models' ? dirs.model(id) : kind === 'inputs' ? dirs.input(id) : dirs.dataset(id);
    removed.freedBytes += await sizeOf(dir);
    if (kind === 'models') store.deleteModel(id);
    else if (kind === 'inputs') store.deleteInput(id);
    else store.deleteDataset(id);
    await dirs.remove(dir);
    removed[kind]++;
  };

  if (config.retentionDays > 0) {
    const cutoff = new Date(now - config.retentionDays * DAY_MS).toISOString();
    for (const job of store.finishedJobs(cutoff, Number.MAX_SAFE_INTEGER)) await removeJob(job.id);
    for (const kind of UPLOAD_KINDS) for (const row of store.unreferencedUploads(kind, cutoff)) await removeUpload(kind, row.id);
  }

  let dataBytes = await sizeOf(dirs.root);
  if (config.maxDataBytes > 0 && dataBytes > config.maxDataBytes) {
    // oldest finished jobs first, then uploads no job names any more, oldest first
    for (const job of store.finishedJobs(undefined, Number.MAX_SAFE_INTEGER)) {
      if (dataBytes <= config.maxDataBytes) break;
      const before = removed.freedBytes;
      await removeJob(job.id);
      dataBytes -= removed.freedBytes - before;
    }
    const uploads = UPLOAD_KINDS.flatMap((kind) => store.unreferencedUploads(kind).map((r) => ({ kind, ...r })));
    uploads.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const upload of uploads) {
      if (dataBytes <= config.maxDataBytes) break;
      const before = removed.freedBytes;
      await removeUpload(upload.kind, upload.id);
      dataBytes -= removed.freedBytes - before;
    }
    if (dataBytes > config.maxDataBytes) log.warn(`data directory holds ${dataBytes} bytes, over its quota of ${config.maxDataBytes} (XAI_MAX_DATA_GB), with nothing left that may be removed`);
  }
  if (removed.jobs + removed.inputs + removed.models + removed.datasets > 0) {
    log.info(
      `retention: removed ${removed.jobs} job(s), ${removed.inputs} input(s), ${removed.models} model(s), ${removed.datasets} data set(s), ${removed.freedBytes} bytes ` +
        `(older than ${config.retentionDays} days, or over the ${config.maxDataBytes}-byte quota; oldest first)`,
    );
  }
  return { ...removed, dataBytes };
}

/** Runs retention now and every `retentionIntervalMs`; returns the function that stops it. */
export function scheduleRetention(ctx: ServerContext): () => void {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running.then(() => applyRetention(ctx)).catch((err: unknown) => ctx.log.error({ err }, 'retention failed'));
  };
  run();
  const timer = setInterval(run, ctx.config.retentionIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

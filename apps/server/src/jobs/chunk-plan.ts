import type { BenchmarkTask, WorkerTask } from '../worker/task-types.js';

/** Samples of a benchmark chunk: a multiple of the runner's explanation (16) and model (64) batches, so a chunk's batches are the whole run's. */
export const DEFAULT_CHUNK_SIZE = 64;

/**
 * Metrics that draw random numbers from one stream over all samples (seeded per metric): run in
 * chunks, each chunk would restart the stream and the result would differ from the one-process
 * run. Benchmarks using one of them run as a single chunk.
 */
const STREAM_SEEDED_METRICS = new Set(['selectivity', 'faithfulness_correlation', 'pixel_flipping', 'road', 'continuity', 'local_lipschitz', 'random_logit', 'model_randomisation']);

export interface SampleRange {
  readonly start: number;
  readonly end: number;
}

const metricName = (m: unknown): string => (typeof m === 'string' ? m : String((m as { name?: unknown } | null)?.name ?? ''));

/** How many samples a benchmark task runs on, when known before decoding (uploaded data sets: not). */
function sampleCount(task: BenchmarkTask): number | null {
  if ('dataset' in task.data) return task.data.dataset.count;
  if ('inputs' in task.data) return task.data.inputs.length;
  return null;
}

/**
 * The chunks a task runs in: an explanation is one; a benchmark one per `chunkSize` samples, unless
 * splitting would change its result (stream-seeded metrics) or its size is unknown (one chunk, no range).
 */
export function planChunks(task: WorkerTask, chunkSize = DEFAULT_CHUNK_SIZE): (SampleRange | null)[] {
  if (task.kind !== 'benchmark') return [null];
  const count = sampleCount(task);
  if (count === null || count <= chunkSize || task.metrics.some((m) => STREAM_SEEDED_METRICS.has(metricName(m)))) return [null];
  const ranges: SampleRange[] = [];
  for (let start = 0; start < count; start += chunkSize) ranges.push({ start, end: Math.min(count, start + chunkSize) });
  return ranges;
}

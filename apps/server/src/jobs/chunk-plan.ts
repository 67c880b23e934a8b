import { usesRelevanceStore } from '@xai/analysis';
import type { AnalysisTask } from '../worker/analysis-worker.js';
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

/** How many samples a benchmark task runs on, when known before decoding (an uploaded set: from its stored record, given by the route). */
function sampleCount(task: BenchmarkTask): number | null {
  if ('dataset' in task.data) return task.data.dataset.count;
  if ('inputs' in task.data) return task.data.inputs.length;
  return task.data.upload.count ?? null;
}

const ranges = (count: number, size: number): SampleRange[] => {
  const out: SampleRange[] = [];
  for (let start = 0; start < count; start += size) out.push({ start, end: Math.min(count, start + size) });
  return out;
};

/**
 * An analysis whose relevance store is worth splitting (SpRAy, P-ClArC from a SpRAy cluster): one
 * chunk per range of whole store batches (`chunkSize` rounded up to the analysis' batch size), then
 * the analysis itself (null: no range), which finds every batch stored and runs on the whole store.
 */
function planAnalysis(task: AnalysisTask, chunkSize: number): (SampleRange | null)[] {
  const count = 'demo' in task.data ? task.data.demo.count : (task.data.upload.count ?? null);
  const batch = task.options.batchSize ?? 32;
  const size = Math.ceil(chunkSize / batch) * batch;
  if (count === null || count <= size || !usesRelevanceStore(task.analysis, task.options)) return [null];
  return [...ranges(count, size), null];
}

/**
 * The chunks a task runs in: an explanation is one; a benchmark one per `chunkSize` samples, unless
 * splitting would change its result (stream-seeded metrics) or its size is unknown (one chunk, no
 * range); an analysis see planAnalysis (its last chunk, null, runs after the others).
 */
export function planChunks(task: WorkerTask, chunkSize = DEFAULT_CHUNK_SIZE): (SampleRange | null)[] {
  if (task.kind === 'analysis') return planAnalysis(task, chunkSize);
  if (task.kind !== 'benchmark') return [null];
  const count = sampleCount(task);
  if (count === null || count <= chunkSize || task.metrics.some((m) => STREAM_SEEDED_METRICS.has(metricName(m)))) return [null];
  return ranges(count, chunkSize);
}

/**
 * Each chunk's weight in the job's progress: its samples; an analysis' last chunk (SpRAy on the
 * whole store) as much as 30 % of its samples (the share the embedded run's progress gives it).
 */
export function chunkWeights(plan: readonly (SampleRange | null)[]): number[] {
  const samples = plan.reduce((n, r) => n + (r ? r.end - r.start : 0), 0);
  return plan.map((r) => (r ? r.end - r.start : plan.length > 1 ? Math.max(1, Math.ceil(samples * 0.3)) : 1));
}

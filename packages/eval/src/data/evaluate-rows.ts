import { CancelledError, type Progress } from '@xai/core';
import { checkTarget, type PredictFn } from './predict.js';

/** Options every batched metric takes. */
export interface BatchOptions {
  /** Perturbed inputs per model call (default 64). */
  readonly batchSize?: number;
  /** Called after every model batch. */
  readonly onProgress?: (progress: Progress) => void;
  /** Aborts between batches with a CancelledError. */
  readonly signal?: AbortSignal;
}

export interface RowJob {
  /** Rows to evaluate. */
  readonly rows: number;
  /** Values per row (one sample). */
  readonly rowSize: number;
  /** Writes row `r` into `into` (rows are filled in order 0, 1, 2 …, so a job may keep running state). */
  fill(row: number, into: Float32Array): void;
  /** Receives row `r`'s logits (`classes` values from `offset`). */
  read(row: number, logits: Float32Array, offset: number, classes: number): void;
  /** Target of row `r`, checked against the number of classes once known. */
  target?(row: number): number;
}

/**
 * Runs rows through the model in batches of `batchSize`: one model call per batch, rows filled
 * lazily so that memory stays at one batch. Reports progress and yields to the event loop between
 * batches.
 */
export async function evaluateRows(predict: PredictFn, job: RowJob, options: BatchOptions = {}, unit = 'perturbations'): Promise<void> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 64));
  const buffer = new Float32Array(Math.min(batchSize, Math.max(job.rows, 1)) * job.rowSize);
  for (let start = 0; start < job.rows; start += batchSize) {
    if (options.signal?.aborted) throw new CancelledError('evaluation cancelled');
    const n = Math.min(batchSize, job.rows - start);
    for (let i = 0; i < n; i++) job.fill(start + i, buffer.subarray(i * job.rowSize, (i + 1) * job.rowSize));
    const logits = await predict(buffer.subarray(0, n * job.rowSize), n);
    const classes = logits.length / n;
    if (!Number.isInteger(classes) || classes < 1) throw new Error(`predict returned ${logits.length} values for ${n} rows`);
    for (let i = 0; i < n; i++) {
      if (job.target) checkTarget(job.target(start + i), classes, start + i);
      job.read(start + i, logits, i * classes, classes);
    }
    options.onProgress?.({ done: start + n, total: job.rows, unit });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

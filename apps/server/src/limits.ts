import { methodCost } from '@xai/core';
import type { WorkLimits } from './config.js';
import { HttpError } from './errors.js';
import type { InputRow, ModelRow } from './storage/database.js';
import type { DecodedInfo, ModelInfo } from './worker/task-types.js';

/** A request over one of the server's work limits: a 400 that names the option and the limit. */
export const limitExceeded = (message: string) => new HttpError(400, message, 'LimitExceeded');

const elementsOf = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/**
 * The sample shapes (no batch axis) a request explains: a stored input's decoded samples, or for
 * inline text the model's input shapes with a free length taken as the text's word count.
 */
export function sampleShapes(model: ModelRow, input: InputRow | undefined, text: string | undefined): number[][] {
  const modelShapes = (model.info as ModelInfo).inputShapes;
  if (input) {
    return (input.info as DecodedInfo).samples.map((s, k) => (s.shape.length === (modelShapes[k]?.length ?? -1) ? s.shape.slice(1) : [...s.shape]));
  }
  const words = Math.max(1, (text ?? '').split(/\s+/).filter(Boolean).length);
  return modelShapes.map((shape) => shape.slice(1).map((d) => d ?? words));
}

/** The largest of the shapes (by elements): limits are checked against the costliest input. */
const largest = (shapes: readonly number[][]) => shapes.reduce((a, b) => (elementsOf(b) > elementsOf(a) ? b : a), shapes[0] ?? [1]);

/**
 * Refuses (400, naming the option and the limit) a method whose declared cost on these samples
 * exceeds the server's limits: passes per sample (steps, samples, windows …), copies per batch,
 * and values per batch. Runs before the job is queued.
 */
export function checkMethodCost(limits: WorkLimits, method: string, options: Readonly<Record<string, unknown>>, shapes: readonly number[][]): void {
  const shape = largest(shapes);
  const cost = methodCost(method, options, shape);
  const what = `method '${method}'`;
  if (cost.passes > limits.maxPasses) {
    throw limitExceeded(`${what}: option ${cost.passesOption ?? 'options'} make ${cost.passes} model passes per sample; this server allows at most ${limits.maxPasses} (XAI_MAX_PASSES)`);
  }
  if (cost.batch > limits.maxBatch) {
    throw limitExceeded(`${what}: option ${cost.batchOption ?? 'batchSize'} makes batches of ${cost.batch} copies; this server allows at most ${limits.maxBatch} (XAI_MAX_BATCH)`);
  }
  const values = cost.batch * elementsOf(shape);
  if (values > limits.maxBatchElements) {
    throw limitExceeded(
      `${what}: option ${cost.batchOption ?? 'batchSize'} makes batches of ${cost.batch} copies × ${elementsOf(shape)} values = ${values}; this server allows at most ${limits.maxBatchElements} values per batch (XAI_MAX_BATCH_ELEMENTS)`,
    );
  }
}

/** Size limits of a benchmark: samples, and its evaluation batch against the batch limits. */
export function checkBenchmarkSize(limits: WorkLimits, samples: number, batchSize: number | undefined, shape: readonly number[]): void {
  if (samples > limits.maxBenchmarkSamples) {
    throw limitExceeded(`a benchmark of ${samples} samples: this server allows at most ${limits.maxBenchmarkSamples} (XAI_MAX_BENCHMARK_SAMPLES)`);
  }
  if (batchSize === undefined) return;
  if (batchSize > limits.maxBatch) throw limitExceeded(`option batchSize (${batchSize}): this server allows at most ${limits.maxBatch} (XAI_MAX_BATCH)`);
  const values = batchSize * elementsOf(shape);
  if (values > limits.maxBatchElements) {
    throw limitExceeded(`option batchSize (${batchSize}) × ${elementsOf(shape)} values per sample = ${values}; this server allows at most ${limits.maxBatchElements} values per batch (XAI_MAX_BATCH_ELEMENTS)`);
  }
}

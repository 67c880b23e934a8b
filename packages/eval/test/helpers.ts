/** Test helpers: tiny analytic models as plain predict functions and seeded tfjs models. */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '@xai/core';
import type { PredictFn } from '../src/index.js';

/**
 * Two classes: logit 0 = w·x + b (flattened), logit 1 = 0. The exact attribution of logit 0 with
 * a zero baseline is w ⊙ x.
 */
export function linearPredict(w: readonly number[], b = 0): PredictFn {
  return (inputs, count) => {
    const out = new Float32Array(count * 2);
    const size = inputs.length / count;
    for (let i = 0; i < count; i++) {
      let z = b;
      for (let k = 0; k < size; k++) z += w[k]! * inputs[i * size + k]!;
      out[2 * i] = z;
    }
    return out;
  };
}

/** Counts model calls and rows, wrapping a predict function. */
export function counting(predict: PredictFn): { predict: PredictFn; calls: number[] } {
  const calls: number[] = [];
  return { calls, predict: (inputs, count) => (calls.push(count), predict(inputs, count)) };
}

/** Seeded uniform values in [lo, hi). */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
}

/** He-uniform weights from the seeded PRNG for every layer of a model. */
export function seedWeights(model: tf.LayersModel, seed: number): void {
  const next = mulberry32(seed);
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    const values = ws.map((w) => {
      const fanIn = w.rank > 1 ? w.shape.slice(0, -1).reduce((a, b) => a * b, 1) : 4;
      const a = Math.sqrt(6 / fanIn);
      return tf.tensor(Array.from({ length: w.size }, () => -a + 2 * a * next()), w.shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

export const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

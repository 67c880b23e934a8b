/** Shared test helpers: seeded weights and inputs, tfjs reference computations, tolerances. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { forwardAll, mulberry32, XaiModel } from '@xai/core';
import { registerLstmPlugin } from '../src/index.js';

export interface Rng {
  next(): number;
  array(n: number, lo?: number, hi?: number): number[];
  int(n: number): number;
}

export function rng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    next,
    array: (n, lo = -1, hi = 1) => Array.from({ length: n }, () => lo + (hi - lo) * next()),
    int: (n) => Math.floor(next() * n),
  };
}

/** Replaces every weight of the model by seeded uniform values in [−scale, scale]. */
export function seedWeights(model: tf.LayersModel, seed: number, scale = 0.6): void {
  const r = rng(seed);
  const values = model.getWeights().map((w) => tf.tensor(r.array(w.size, -scale, scale), w.shape));
  model.setWeights(values);
  tf.dispose(values);
}

/** A seeded float input [batch, ...shape] in [lo, hi]. */
export function seededInput(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  const r = rng(seed);
  return tf.tensor(r.array(shape.reduce((a, b) => a * b, 1), lo, hi), shape);
}

/** Seeded token ids [batch, T] in [0, vocab), optionally with trailing/leading padding zeros per row. */
export function seededTokens(batch: number, steps: number, vocab: number, seed: number, padding: number[] = []): tf.Tensor2D {
  const r = rng(seed);
  const rows = Array.from({ length: batch }, (_, b) =>
    Array.from({ length: steps }, (_, t) => (padding[b] && t < padding[b]! ? 0 : 1 + r.int(vocab - 1))),
  );
  return tf.tensor2d(rows);
}

/** Registers the plugin and wraps the model (the XaiModel owns it afterwards). */
export function explainable(model: tf.LayersModel): XaiModel {
  registerLstmPlugin();
  return XaiModel.fromLayersModel(model);
}

/** The graph's output for a batch (the engine's own forward pass). */
export function engineForward(model: XaiModel, x: tf.Tensor): tf.Tensor {
  const values = forwardAll(model.graph, [x]);
  const out = tf.clone(values.get(model.graph.outputs[0]!)!);
  for (const [id, t] of values) if (!model.graph.inputs.includes(id)) t.dispose();
  return out;
}

/** d logit_target / d x by tfjs autodiff, summed over the batch rows (each row's own gradient). */
export function tfGradient(model: tf.LayersModel, x: tf.Tensor, target: number): tf.Tensor {
  return tf.tidy(() => tf.grad((input: tf.Tensor) => pick(model.apply(input) as tf.Tensor, target))(x));
}

/** Σ over the batch of output[:, target] (a one-hot product: differentiable on every backend). */
export function pick(output: tf.Tensor, target: number): tf.Scalar {
  return tf.sum(tf.mul(output, tf.oneHot([target], output.shape[1]!).toFloat()));
}

/** max|a − b| ≤ rel·max|b| + abs, with the numbers in the failure message. */
export function expectClose(actual: tf.Tensor | ArrayLike<number>, expected: tf.Tensor | ArrayLike<number>, rel = 1e-4, abs = 1e-6, label = ''): void {
  const a = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  const e = expected instanceof tf.Tensor ? expected.dataSync() : expected;
  if (actual instanceof tf.Tensor && expected instanceof tf.Tensor) expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  expect(a.length, `${label} length`).toBe(e.length);
  let maxErr = 0;
  let maxRef = 0;
  for (let i = 0; i < e.length; i++) {
    const err = Math.abs(a[i]! - e[i]!);
    maxErr = Number.isNaN(err) ? Infinity : Math.max(maxErr, err);
    maxRef = Math.max(maxRef, Math.abs(e[i]!));
  }
  const bound = rel * maxRef + abs;
  expect(maxErr, `${label}: max error ${maxErr} exceeds ${bound} (max |ref| ${maxRef})`).toBeLessThanOrEqual(bound);
}

export const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((x, y) => x + y, 0);

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@xai/core';

/** One model input held at each benchmark sample's values: count × size, row-major. */
export interface HeldInput {
  /** Index of the model input it feeds. */
  readonly input: number;
  readonly values: Float32Array | Int32Array;
  /** Shape of one sample (no batch axis). */
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
}

/**
 * A multi-input model seen through one of its inputs: the benchmark's samples feed input
 * `explained`, and every other input is held at the values of the same sample (the question of a
 * VQA example while its image is explained). Explanations and model calls then need to know which
 * benchmark samples they are about, so metrics that evaluate new inputs (perturbation curves,
 * re-explanations) are not available with held inputs.
 */
export interface HeldInputs {
  readonly explained: number;
  readonly others: readonly HeldInput[];
}

/** Checks held inputs against the model's input count and the number of samples. */
export function checkHeldInputs(held: HeldInputs, inputCount: number, count: number): void {
  const covered = [held.explained, ...held.others.map((o) => o.input)].sort((a, b) => a - b);
  if (covered.length !== inputCount || covered.some((v, i) => v !== i)) {
    throw new InvalidArgumentError(`held inputs: the explained input ${held.explained} and held inputs [${held.others.map((o) => o.input)}] must cover the model's ${inputCount} inputs once each`);
  }
  for (const o of held.others) {
    const size = o.shape.reduce((a, b) => a * b, 1);
    if (o.values.length !== count * size) throw new InvalidArgumentError(`held input ${o.input} has ${o.values.length} values, expected ${count} samples × ${size}`);
  }
}

/**
 * The model inputs for benchmark samples [first, first + count): `explained` (already a tensor of
 * those samples) in its place, the held inputs sliced from their arrays. The caller disposes all
 * but `explained`.
 */
export function inputsWithHeld(held: HeldInputs, explained: tf.Tensor, first: number | undefined, count: number): tf.Tensor[] {
  if (first === undefined) {
    throw new InvalidArgumentError('this model has inputs held per benchmark sample; a metric that evaluates new inputs (perturbations, re-explanations) cannot be run on it');
  }
  const out: tf.Tensor[] = [];
  out[held.explained] = explained;
  for (const o of held.others) {
    const size = o.shape.reduce((a, b) => a * b, 1);
    out[o.input] = tf.tensor(o.values.subarray(first * size, (first + count) * size), [count, ...o.shape], o.dtype);
  }
  return out;
}

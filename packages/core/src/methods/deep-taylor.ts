import * as tf from '@tensorflow/tfjs';
import { deepTaylor } from '../composites/index.js';
import { lrp, type ExplainOptions, type Explanation } from '../engine/explain-lrp.js';
import { explainWithCompositeOn } from '../engine/explain-on-executor.js';
import type { ExecutorOptions } from '../engine/executor-choice.js';
import type { ModelInput } from '../engine/inputs.js';
import type { XaiModel } from '../model.js';
import type { Bound } from '../rules/zbox.js';
import { Type } from 'typebox';
import { bound } from './bounds.js';
import { onePassMethod } from './sync-method.js';

export interface DeepTaylorOptions extends ExplainOptions {
  /** Input bounds for z^B at the first layer; default the smallest and largest value of the input batch. */
  readonly low?: Bound;
  readonly high?: Bound;
}

/** The deep Taylor composite for `input`: the bounds given, or the input batch's smallest and largest value. */
function deepTaylorFor(input: ModelInput, options: DeepTaylorOptions) {
  const first = Array.isArray(input) ? (input as tf.Tensor[])[0]! : (input as tf.Tensor);
  const [low, high] = options.low !== undefined && options.high !== undefined
    ? [options.low, options.high]
    : tf.tidy(() => [tf.min(first).dataSync()[0]!, tf.max(first).dataSync()[0]!]);
  return deepTaylor(options.low ?? low!, options.high ?? high!);
}

/**
 * Deep Taylor decomposition (Montavon et al. 2017): z⁺ in hidden layers (ReLU networks), z^B with
 * the input's bounds at the first layer.
 */
export function deepTaylorDecomposition(model: XaiModel, input: ModelInput, options: DeepTaylorOptions = {}): Explanation {
  return lrp(model, input, { ...options, composite: deepTaylorFor(input, options) });
}

/** `deepTaylorDecomposition` on the chosen executor (z^B's bounds compile as constants). */
export function deepTaylorOn(model: XaiModel, input: ModelInput, options: DeepTaylorOptions & ExecutorOptions = {}): Promise<Explanation> {
  return explainWithCompositeOn(model, input, options, deepTaylorFor(input, options));
}

export const deepTaylorMethod = onePassMethod<DeepTaylorOptions>(
  {
    name: 'deep_taylor',
    family: 'structure',
    description: 'deep Taylor decomposition: z⁺ in hidden layers, z^B with input bounds at the first layer',
    wrappable: true,
    options: Type.Object({
      low: Type.Optional(bound({ description: 'lowest input value (default: the minimum of the input)' })),
      high: Type.Optional(bound({ description: 'highest input value (default: the maximum of the input)' })),
    }),
  },
  deepTaylorDecomposition,
  deepTaylorOn,
);

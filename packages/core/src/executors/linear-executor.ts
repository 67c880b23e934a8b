import type * as tf from '@tensorflow/tfjs';
import type { LinearOp } from '../graph/linear-op.js';
import type { LinearMap, LinearRule } from '../rules/rule.js';

/**
 * Runs the linear maps of one explanation. Rules see only `LinearMap`s; an executor decides where
 * and when the arithmetic happens (this thread, a worker thread computing ahead, ONNX Runtime).
 */
export interface LinearExecutor {
  /** The rule's view of `op`. */
  map(op: LinearOp): LinearMap;
  /** The forward pass computed a linear node: its input x, output z and the rule it will get. */
  afterForward?(op: LinearOp, x: tf.Tensor, z: tf.Tensor, rule: LinearRule, nonNegativeInput: boolean): void;
  /** The explanation is over: drop anything computed ahead and not used. */
  finish(): void;
}

/** forward/backward of `op` under parameter modifiers (the variants are cached by the op). */
export function localMap(op: LinearOp): LinearMap {
  return {
    inputChannelAxis: op.inputChannelAxis(),
    forward: (x, params, bias) => op.forward(x, op.modifiedKernel(params), bias ? op.modifiedBias(bias) : null),
    backward: (s, params, inputShape) => op.backward(s, op.modifiedKernel(params), inputShape),
  };
}

/** Everything on this thread with tfjs kernels. */
export const localExecutor: LinearExecutor = { map: localMap, finish: () => undefined };

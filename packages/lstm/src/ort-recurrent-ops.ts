/**
 * ONNX building blocks of the recurrent layers on core's 'ort' executor: weights as initializers,
 * activations by Keras name, time-axis helpers, Keras masking, and the relevance steps of
 * relevance-ops.ts (`ratio`, `splitSum`, `epsilonRatio`) emitted as ONNX nodes.
 */
import type * as tf from '@tensorflow/tfjs';
import { NotCompilableError, type OrtValues } from '@xai/core';
import type { ResolvedRecurrentRule } from './recurrent-rule.js';

export const fail = (what: string): never => {
  throw new NotCompilableError(what);
};

const initializers = new WeakMap<OrtValues, Map<tf.Tensor, string>>();

/** A weight tensor as an initializer of the graph being built (once per graph), read only when the graph is encoded. */
export function weights(v: OrtValues, hint: string, t: tf.Tensor): string {
  let made = initializers.get(v);
  if (!made) initializers.set(v, (made = new Map()));
  let name = made.get(t);
  if (!name) made.set(t, (name = v.w.deferredFloats(hint, t.shape, () => Float32Array.from(t.dataSync() as Float32Array))));
  return name;
}

/** Entries [from, from + size) of the last axis (a gate block of a kernel's columns or of a bias). */
export const lastAxisSlice = (v: OrtValues, name: string, from: number, size: number) =>
  v.w.op('Slice', [name, v.w.int64s([from]), v.w.int64s([from + size]), v.w.int64s([-1])]);

/** Element-wise activations by Keras name. */
export function activate(name: string, z: string, v: OrtValues, where: string): string {
  switch (name) {
    case 'tanh':
      return v.w.op('Tanh', [z]);
    case 'sigmoid':
      return v.w.op('Sigmoid', [z]);
    case 'hard_sigmoid':
    case 'hardSigmoid':
      return v.w.op('HardSigmoid', [z], { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case 'relu':
      return v.w.op('Relu', [z]);
    case 'linear':
      return z;
    default:
      return fail(`activation '${name}' inside ${where}`);
  }
}

/** Reverses axis 1 (time) of a value of `steps` steps. */
export const reverseTime = (name: string, steps: number, v: OrtValues) =>
  v.w.op('Gather', [name, v.w.int64s(Array.from({ length: steps }, (_, t) => steps - 1 - t))], { axis: 1 });

/** Step t of a [B, T, …] value: [B, …]. */
export const stepOf = (name: string, t: number, v: OrtValues) => v.w.op('Gather', [name, v.w.int64s([t], [])], { axis: 1 });

/** [B, k] values of every step stacked into [B, T, k]. */
export const stack = (names: readonly string[], v: OrtValues) => v.w.op('Concat', names.map((n) => v.w.op('Unsqueeze', [n, v.w.int64s([1])])), { axis: 1 });

export const add = (v: OrtValues, a: string, b: string) => v.w.op('Add', [a, b]);
export const mul = (v: OrtValues, a: string, b: string) => v.w.op('Mul', [a, b]);
/** 1 − a. */
export const oneMinus = (v: OrtValues, a: string) => v.w.op('Sub', [v.w.scalar(1), a]);
/** m ⊙ computed + (1 − m) ⊙ carried (Keras masking). */
export const keepMasked = (v: OrtValues, m: string, computed: string, carried: string) => add(v, mul(v, m, computed), mul(v, oneMinus(v, m), carried));
/** sign(z) with sign(0) = +1. */
const signOf = (v: OrtValues, z: string) => v.w.op('Where', [v.w.op('GreaterOrEqual', [z, v.w.scalar(0)]), v.w.scalar(1), v.w.scalar(-1)]);

/** R / (z + ε·sign(z)), 0 where that is 0 (only with ε = 0), as relevance-ops.ts `ratio`. */
function ratio(v: OrtValues, r: string, z: string, epsilon: number): string {
  if (epsilon !== 0) return v.w.op('Div', [r, add(v, z, mul(v, signOf(v, z), v.w.scalar(epsilon)))]);
  const zero = v.w.op('Equal', [z, v.w.scalar(0)]);
  return v.w.op('Where', [zero, v.w.scalar(0), v.w.op('Div', [r, v.w.op('Where', [zero, v.w.scalar(1), z])])]);
}

/** relevance-ops.ts `splitSum`: each term of y = Σ terms gets term ⊙ R / stab(y) (plus an equal part of the stabiliser's share with biasFactor 1). */
export function splitSum(v: OrtValues, terms: readonly string[], y: string, r: string, rule: ResolvedRecurrentRule): string[] {
  const s = ratio(v, r, y, rule.epsilon);
  const share = rule.biasFactor === 1 && rule.epsilon !== 0 ? mul(v, mul(v, signOf(v, y), v.w.scalar(rule.epsilon / terms.length)), s) : null;
  return terms.map((t) => (share ? add(v, mul(v, t, s), share) : mul(v, t, s)));
}

/** relevance-ops.ts `epsilonRatio`: s = R / stab(z) and, with biasFactor 1, the share [B, 1] each of the fanIn input units also gets. */
export function epsilonRatio(v: OrtValues, z: string, r: string, bias: string | null, fanIn: number, rule: ResolvedRecurrentRule): { s: string; share: string | null } {
  const s = ratio(v, r, z, rule.epsilon);
  if (rule.biasFactor === 0) return { s, share: null };
  const eps = mul(v, signOf(v, z), v.w.scalar(rule.epsilon));
  const absorbed = bias ? add(v, eps, bias) : eps;
  return { s, share: v.w.op('Div', [v.w.op('ReduceSum', [mul(v, absorbed, s), v.w.int64s([-1])], { keepdims: 1 }), v.w.scalar(fanIn)]) };
}

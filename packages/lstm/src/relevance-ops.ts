/** The few element-wise steps every recurrent rule is made of (Arras et al.'s `lrp_linear`). */
import * as tf from '@tensorflow/tfjs';
import type { ResolvedRecurrentRule } from './recurrent-rule.js';

/** sign(z) with sign(0) = +1. */
export const signOf = (z: tf.Tensor): tf.Tensor => tf.sub(tf.mul(tf.cast(tf.greaterEqual(z, 0), 'float32'), 2), 1);

/** z + ε·sign(z). */
export const stabilize = (z: tf.Tensor, epsilon: number): tf.Tensor => (epsilon === 0 ? z : tf.add(z, tf.mul(signOf(z), epsilon)));

/** R / stab(z), 0 where the stabilised denominator is exactly 0 (only possible with ε = 0). */
export const ratio = (r: tf.Tensor, z: tf.Tensor, epsilon: number): tf.Tensor => tf.divNoNan(r, stabilize(z, epsilon));

/**
 * Proportional split of an element-wise sum y = Σ terms: each term gets term ⊙ R / stab(y). With
 * biasFactor 1 the stabiliser's share ε·sign(y) ⊙ R / stab(y) is split equally between the terms of
 * each element, so Σ terms' relevance = R.
 */
export function splitSum(terms: readonly tf.Tensor[], y: tf.Tensor, r: tf.Tensor, rule: ResolvedRecurrentRule): tf.Tensor[] {
  const s = ratio(r, y, rule.epsilon);
  const share = rule.biasFactor === 1 && rule.epsilon !== 0 ? tf.mul(tf.mul(signOf(y), rule.epsilon / terms.length), s) : null;
  return terms.map((t) => (share ? tf.add(tf.mul(t, s), share) : tf.mul(t, s)));
}

/**
 * The epsilon rule on a linear map z = Σ_k a_k·W_k + b with N input units in all: returns
 * s = R / stab(z) (each input a_k then gets a_k ⊙ (s·W_kᵀ)) and, with biasFactor 1, the share
 * Σ_j (b_j + ε·sign(z_j))·s_j / N that each of the N input units also gets ([batch…, 1]).
 */
export function epsilonRatio(
  z: tf.Tensor,
  r: tf.Tensor,
  bias: tf.Tensor | null,
  fanIn: number,
  rule: ResolvedRecurrentRule,
): { s: tf.Tensor; share: tf.Tensor | null } {
  const s = ratio(r, z, rule.epsilon);
  if (rule.biasFactor === 0) return { s, share: null };
  const absorbed = bias ? tf.add(tf.mul(signOf(z), rule.epsilon), bias) : tf.mul(signOf(z), rule.epsilon);
  return { s, share: tf.div(tf.sum(tf.mul(absorbed, s), -1, true), fanIn) };
}

import * as tf from '@tensorflow/tfjs';
import { identityParams, type ParamModifier } from '../graph/linear-op.js';
import { hasMaskedRelevance, stabilizedRatio } from '../ops/ops.js';
import type { LinearMap, LinearRule, RuleInput } from './rule.js';

/** How a term modifies the layer input: x, x⁺, x⁻, all-ones, or a computed tensor (e.g. a bound). */
export type InputModifier = 'x' | 'positive' | 'negative' | 'ones' | ((x: tf.Tensor) => tf.Tensor);

/** One summand x'·W' of a denominator: a modified input with modified parameters. */
export interface Term {
  readonly input: InputModifier;
  readonly params: ParamModifier;
}

/**
 * One stabilised denominator z_g = Σ_terms forward(x', W') + b' and what it sends back:
 * weight · Σ_terms x' ⊙ backward(mask·R / stab(z_g), W')  (x' omitted for 'ones' inputs).
 */
export interface TermGroup {
  readonly terms: readonly Term[];
  readonly bias: ParamModifier | null;
  /** Only outputs with z > 0 ('positive') or z < 0 ('negative') take part. */
  readonly mask?: 'positive' | 'negative';
  readonly weight?: number;
  readonly epsilon: number;
}

function resolveInput(mod: InputModifier, input: RuleInput): tf.Tensor | null {
  const { x, nonNegativeInput } = input;
  switch (mod) {
    case 'x':
      return x;
    case 'positive':
      return nonNegativeInput ? x : tf.relu(x);
    case 'negative':
      return nonNegativeInput ? null : tf.minimum(x, 0);
    case 'ones':
      return tf.onesLike(x);
    default:
      return mod(x);
  }
}

const isPlain = (group: TermGroup): boolean =>
  group.terms.length === 1 && group.terms[0]!.input === 'x' && group.terms[0]!.params === identityParams && group.bias === identityParams;

/** z_g = Σ forward(x', W') + b'; the forward pass's own output when the group is plain xW + b. */
interface LiveTerm {
  readonly input: tf.Tensor;
  readonly ones: boolean;
  readonly params: ParamModifier;
}

/**
 * Several terms as one: their inputs stacked along the channel axis and their kernels along the
 * kernel's input axis, so one forward and one backward call replace one per term (z^B's three
 * terms on a 3-channel image become one 9-channel convolution).
 */
function stackTerms(map: LinearMap, terms: readonly LiveTerm[]): { input: tf.Tensor; params: ParamModifier } | null {
  const axis = map.inputChannelAxis;
  if (axis === null || terms.length < 2) return null;
  const mods = terms.map((t) => t.params);
  const stacked: ParamModifier = { key: `stack(${mods.map((m) => m.key).join(',')})`, apply: (k) => tf.concat(mods.map((m) => m.apply(k)), axis) };
  return { input: tf.concat(terms.map((t) => t.input), -1), params: stacked };
}

function propagateGroup(map: LinearMap, group: TermGroup, input: RuleInput): tf.Tensor | null {
  // Where the mask removes all relevance (e.g. no relevance on negative outputs of a ReLU
  // layer), the group contributes exactly zero: skip its convolutions.
  if (group.mask && !hasMaskedRelevance(input.r, input.z, group.mask)) return null;
  const terms = group.terms
    .map((t) => ({ input: resolveInput(t.input, input), ones: t.input === 'ones', params: t.params }))
    .filter((t): t is LiveTerm => t.input !== null);
  const stacked = stackTerms(map, terms);

  // z_g = Σ forward(x', W') + b': the forward pass's own output when the group is plain xW + b.
  let z: tf.Tensor;
  if (isPlain(group)) z = input.z;
  else if (terms.length === 1) z = map.forward(terms[0]!.input, terms[0]!.params, group.bias);
  else if (stacked) z = map.forward(stacked.input, stacked.params, group.bias);
  else {
    z = map.forward(terms[0]!.input, terms[0]!.params, group.bias);
    for (const t of terms.slice(1)) z = tf.add(z, map.forward(t.input, t.params, null));
  }
  const s = stabilizedRatio(input.r, z, group.epsilon, group.mask, input.z);

  // Σ_terms x' ⊙ backward(s, W')  (x' omitted for 'ones' inputs)
  const channels = input.x.shape[input.x.rank - 1]!;
  const backs = stacked
    ? tf.split(map.backward(s, stacked.params, [...input.x.shape.slice(0, -1), channels * terms.length]), terms.length, -1)
    : terms.map((t) => map.backward(s, t.params, input.x.shape));
  const parts = terms.map((t, i) => (t.ones ? backs[i]! : tf.mul(t.input, backs[i]!)));
  const out = parts.length === 1 ? parts[0]! : tf.addN(parts);
  return group.weight !== undefined && group.weight !== 1 ? tf.mul(out, group.weight) : out;
}

/**
 * Builds a rule from term groups: the one combination "modify input and parameters, forward,
 * divide by the stabilised denominator, backward, multiply" that every LRP rule is made of
 * (zennit's BasicHook). Each concrete rule is a few declarative lines on top of this.
 */
export function basicRule(name: string, groups: readonly TermGroup[], params?: Record<string, unknown>): BasicRule {
  return {
    name,
    params,
    groups,
    propagate(map: LinearMap, input: RuleInput): tf.Tensor {
      return tf.tidy(() => {
        let total: tf.Tensor | null = null;
        for (const g of groups) {
          const part = propagateGroup(map, g, input);
          if (part) total = total ? tf.add(total, part) : part;
        }
        return total ?? tf.zerosLike(input.x);
      });
    },
  };
}

/** A rule built by `basicRule`: its term groups are its declaration (executors may read them). */
export interface BasicRule extends LinearRule {
  readonly groups: readonly TermGroup[];
}

/** A denominator forward(x, W', b') of the node's own input x, known once the forward pass reached the node. */
export interface InputDenominator {
  readonly params: ParamModifier;
  readonly bias: ParamModifier | null;
}

/**
 * The denominators of a rule's groups that are one forward(x, W', b') of the unmodified input and
 * always needed (no mask, or the 'positive' one): they depend on the forward pass alone, so an
 * executor may compute them ahead (e.g. in a worker thread while the forward pass goes on).
 */
export function inputDenominators(rule: LinearRule, nonNegativeInput: boolean): InputDenominator[] {
  const groups = (rule as Partial<BasicRule>).groups ?? [];
  return groups.flatMap((g) => {
    if (isPlain(g) || g.mask === 'negative') return [];
    const live = g.terms.filter((t) => !(nonNegativeInput && t.input === 'negative'));
    const direct = live.length === 1 && (live[0]!.input === 'x' || (nonNegativeInput && live[0]!.input === 'positive'));
    return direct ? [{ params: live[0]!.params, bias: g.bias }] : [];
  });
}

// ---- parameter modifiers shared by the rules ----------------------------------------------

export const positiveParams: ParamModifier = { key: 'positive', apply: (p) => tf.relu(p) };
export const negativeParams: ParamModifier = { key: 'negative', apply: (p) => tf.minimum(p, 0) };
export const onesParams: ParamModifier = { key: 'ones', apply: (p) => tf.onesLike(p) };
export const squaredParams: ParamModifier = { key: 'square', apply: (p) => tf.square(p) };
export { identityParams };

/** p + γ·p⁺ (or p + γ·p⁻). */
export const gammaParams = (gamma: number, sign: 'positive' | 'negative'): ParamModifier => ({
  key: `gamma(${gamma},${sign})`,
  apply: (p) => tf.add(p, tf.mul(sign === 'positive' ? tf.relu(p) : tf.minimum(p, 0), gamma)),
});

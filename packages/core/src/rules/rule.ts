import type * as tf from '@tensorflow/tfjs';
import type { LinearOp, ParamModifier } from '../graph/linear-op.js';

export interface RuleInput {
  /** The layer input. */
  readonly x: tf.Tensor;
  /** The layer's (linear) output for x, as computed in the forward pass. */
  readonly z: tf.Tensor;
  /** Relevance of the output. */
  readonly r: tf.Tensor;
  /** x is known to be ≥ 0 (a ReLU output, …): terms on x⁻ vanish and are skipped. */
  readonly nonNegativeInput: boolean;
  /** Denominators computed ahead (in a worker thread), by group index; null if unavailable. */
  readonly prefetched?: ReadonlyMap<number, () => tf.Tensor | null>;
  /** Wᵀs for this op (a worker thread may take part); default op.backward. */
  readonly backward?: (op: LinearOp, s: tf.Tensor, kernel: tf.Tensor, inputShape: readonly number[]) => tf.Tensor;
}

/** A denominator forward(x, W', b') a rule will need, computable from the forward pass alone. */
export interface PrefetchableDenominator {
  readonly group: number;
  readonly params: ParamModifier;
  readonly bias: ParamModifier | null;
}

/** A rule says how one linear node hands the relevance of its output to its input. */
export interface LinearRule {
  readonly name: string;
  /** Parameters, for display and for the rule-per-layer summaries. */
  readonly params?: Readonly<Record<string, unknown>>;
  propagate(op: LinearOp, input: RuleInput): tf.Tensor;
  /** Denominators worth computing ahead for an input known (or not) to be ≥ 0. */
  prefetchable?(nonNegativeInput: boolean): PrefetchableDenominator[];
}

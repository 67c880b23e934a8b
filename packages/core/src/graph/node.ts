import type * as tf from '@tensorflow/tfjs';
import type { LinearRule, RuleInput } from '../rules/rule.js';

/** Relevance flows by LRP rules, or plain gradients flow (sensitivity, gradient×input). */
export type PropagationMode = 'lrp' | 'gradient';

export interface BackwardContext {
  readonly mode: PropagationMode;
  /** The rule the composite assigns to a linear node. */
  ruleFor(node: GraphNode): LinearRule;
  /** Whether a graph tensor is known to be ≥ 0 (e.g. a ReLU output): lets rules skip zero terms. */
  isNonNegative(tensorId: number): boolean;
  /** Rule denominators computed ahead for a node (worker thread), by rule group. */
  prefetched?(node: GraphNode): ReadonlyMap<number, () => tf.Tensor | null> | undefined;
  /**
   * Gradient mode only: how ReLUs pass gradients back. 'guided' (Springenberg et al. 2015) keeps
   * positive gradients where the input was positive; 'deconvnet' (Zeiler & Fergus 2014) keeps
   * positive gradients regardless of the input. Default: the ReLU's derivative.
   */
  readonly reluBackward?: 'guided' | 'deconvnet';
  /** Wᵀs, possibly shared with a worker thread (default: op.backward). */
  readonly linearBackward?: RuleInput['backward'];
}

/**
 * One simple operation of the explained graph. A Keras layer becomes one or more nodes
 * (a Dense layer with a fused activation is a linear node followed by an activation node).
 */
export abstract class GraphNode {
  /** 'linear' nodes take rules from composites; other kinds have fixed propagation. */
  abstract readonly kind: string;

  constructor(
    /** Unique node name: the layer name, or `layer/activation` for a split-off part. */
    readonly name: string,
    readonly layerName: string,
    readonly layerClass: string,
    readonly inputs: readonly number[],
    readonly output: number,
  ) {}

  abstract forward(inputs: tf.Tensor[]): tf.Tensor;

  /**
   * Relevance (or gradient) of each input given that of the output. `output` is what `forward`
   * returned for `inputs`. Returns one tensor per input (null: nothing flows to it).
   */
  abstract backward(inputs: tf.Tensor[], output: tf.Tensor, r: tf.Tensor, ctx: BackwardContext): (tf.Tensor | null)[];

  /** Whether the output is ≥ 0 whenever the inputs flagged here are. */
  nonNegativeOutput(_inputsNonNegative: readonly boolean[]): boolean {
    return false;
  }

  dispose(): void {}
}

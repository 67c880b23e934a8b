import type * as tf from '@tensorflow/tfjs';
import type { ParamModifier } from '../graph/linear-op.js';
import type { GraphNode } from '../graph/node.js';

/**
 * The linear map of one node as rules see it: z = forward(x', W', b') and the transpose W'ᵀs under
 * parameter modifiers. Which executor runs it (this thread, a worker thread, ONNX Runtime) is not
 * the rule's concern.
 */
export interface LinearMap {
  forward(x: tf.Tensor, params: ParamModifier, bias: ParamModifier | null): tf.Tensor;
  /** W'ᵀs; `inputShape` is the shape of x (with batch axis). */
  backward(s: tf.Tensor, params: ParamModifier, inputShape: readonly number[]): tf.Tensor;
  /** The kernel axis of input channels, along which term kernels can be stacked (null: cannot). */
  readonly inputChannelAxis: number | null;
}

export interface RuleInput {
  /** The layer input. */
  readonly x: tf.Tensor;
  /** The layer's (linear) output for x, as computed in the forward pass. */
  readonly z: tf.Tensor;
  /** Relevance of the output. */
  readonly r: tf.Tensor;
  /** x is known to be ≥ 0 (a ReLU output, …): terms on x⁻ vanish and are skipped. */
  readonly nonNegativeInput: boolean;
}

/** A rule for linear nodes (Dense, Conv …): how the relevance of z = xW + b reaches x. */
export interface LinearRule {
  readonly name: string;
  /** Parameters, for display and for the rule-per-layer summaries. */
  readonly params?: Readonly<Record<string, unknown>>;
  propagate(map: LinearMap, input: RuleInput): tf.Tensor;
}

/** One node's backward step: its inputs and output from the forward pass, and the relevance of its output. */
export interface BackwardStep {
  readonly inputs: tf.Tensor[];
  readonly output: tf.Tensor;
  readonly r: tf.Tensor;
}

/** What the engine offers a rule during one explanation. */
export interface RuleContext {
  /** The node's linear map run by the explanation's executor (linear nodes only). */
  linearMap(node: GraphNode): LinearMap | null;
  /** Whether a graph tensor is known to be ≥ 0 (e.g. a ReLU output). */
  isNonNegative(tensorId: number): boolean;
}

/** A rule for any node kind: how the relevance of its output reaches each input (null: none does). */
export interface NodeRule {
  readonly name: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Whether the rule can handle this node (composite entries skip nodes it cannot); default any. */
  appliesTo?(node: GraphNode): boolean;
  backward(node: GraphNode, step: BackwardStep, ctx: RuleContext): (tf.Tensor | null)[];
}

/** What a composite maps a node to. */
export type Rule = LinearRule | NodeRule;

export const isLinearRule = (rule: Rule): rule is LinearRule => typeof (rule as LinearRule).propagate === 'function';

/** Whether `rule` can handle `node`: linear rules need a linear map, node rules may restrict themselves. */
export function ruleApplies(rule: Rule, node: GraphNode): boolean {
  if (isLinearRule(rule)) return node.linearOp() !== null;
  return rule.appliesTo ? rule.appliesTo(node) : true;
}

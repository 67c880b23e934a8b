/**
 * ONNX forms of node kinds the engine does not define itself (a plugin's Embedding, time folding …),
 * registered by node kind. The ORT executor asks here before it gives up on a node; a node kind
 * without an entry falls back to tfjs as before.
 */
import type { GraphNode } from '../../graph/node.js';
import type { Rule } from '../../rules/rule.js';
import type { Value, Values } from './values.js';

/** How one node kind compiles: values are channels-last by default (`v.at(x, 'cl')`), see values.ts. */
export interface OrtNodeSteps {
  /** The node's output from its inputs. */
  forward(node: GraphNode, inputs: readonly Value[], v: Values): Value;
  /** Its transposed Jacobian applied to `r`, one value per input (null: nothing flows); default: not compiled. */
  vjp?(node: GraphNode, inputs: readonly Value[], output: Value, r: Value, v: Values): (Value | null)[];
  /**
   * Node rules by rule name (the relevance each input receives; `rule` is the rule object, whose
   * name and `params` make the compiled graph's cache key); default: only `pass`, `gradient` and
   * `norm` through `vjp`.
   */
  readonly rules?: Readonly<Record<string, (node: GraphNode, inputs: readonly Value[], output: Value, r: Value, v: Values, rule: Rule) => (Value | null)[]>>;
}

const steps = new Map<string, OrtNodeSteps>();

/** Adds (or replaces) the ONNX form of a node kind for the 'ort' executor. */
export function registerOrtNodeSteps(kind: string, definition: OrtNodeSteps): void {
  steps.set(kind, definition);
}

export const ortNodeSteps = (node: GraphNode): OrtNodeSteps | undefined => steps.get(node.kind);

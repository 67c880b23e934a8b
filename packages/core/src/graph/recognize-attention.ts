import { ActivationNode } from '../nodes/activation-node.js';
import { MatMulNode } from '../nodes/matmul-node.js';
import { producers, type ModelGraph } from './graph.js';
import type { GraphNode } from './node.js';

/** Nodes that move or select values without mixing them (a softmax output stays one through them). */
const REARRANGING = new Set(['reshape', 'permute', 'slice']);

/** Whether a node is a softmax (over any axis). */
export function isSoftmax(node: GraphNode): boolean {
  return (node instanceof ActivationNode && node.activation === 'softmax') || (node.kind === 'softmax' && node.layerClass === 'Softmax');
}

/** The softmax node whose output reaches tensor `id` through rearrangements only, or null. */
export function softmaxSource(graph: ModelGraph, id: number, made = producers(graph)): GraphNode | null {
  for (let node = made.get(id); node; node = made.get(node.inputs[0]!)) {
    if (isSoftmax(node)) return node;
    if (!REARRANGING.has(node.kind) || node.inputs.length !== 1) return null;
  }
  return null;
}

/**
 * Canonizer: each product of two computed values one of whose operands is a softmax output (the
 * attention probabilities of A·V) names that operand, so rules can hold it constant. The function
 * is unchanged.
 */
export function recognizeAttention(graph: ModelGraph): ModelGraph {
  const made = producers(graph);
  let changed = false;
  const nodes = graph.nodes.map((node) => {
    if (!(node instanceof MatMulNode) || node.attention !== null) return node;
    const fromSoftmax = node.inputs.map((id) => softmaxSource(graph, id, made) !== null);
    if (fromSoftmax[0] === fromSoftmax[1]) return node;
    changed = true;
    return node.withAttention(fromSoftmax[0] ? 0 : 1);
  });
  return changed ? { ...graph, nodes } : graph;
}

/** The softmax nodes that give attention probabilities to a marked A·V product, in topological order. */
export function attentionSoftmaxes(graph: ModelGraph): GraphNode[] {
  const made = producers(graph);
  const found = new Set<GraphNode>();
  for (const node of graph.nodes) {
    if (node instanceof MatMulNode && node.attention !== null) {
      const s = softmaxSource(graph, node.inputs[node.attention]!, made);
      if (s) found.add(s);
    }
  }
  return graph.nodes.filter((n) => found.has(n));
}

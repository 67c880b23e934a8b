import type { GraphNode } from './node.js';
import type { Shape } from './registry.js';

/** A model as an explicit DAG of simple nodes over numbered tensors, in topological order. */
export interface ModelGraph {
  readonly nodes: readonly GraphNode[];
  readonly inputs: readonly number[];
  readonly inputNames: readonly string[];
  readonly inputShapes: readonly Shape[];
  /** tfjs dtype each input must have, when the importer knows it (ONNX: 'int32' for integer inputs). */
  readonly inputDtypes?: readonly ('float32' | 'int32')[];
  readonly outputs: readonly number[];
  readonly outputNames: readonly string[];
  readonly outputShapes: readonly Shape[];
  /**
   * Set by `graphFrom`: this graph is `graph` seen from node `from` on, with these `nodes` (a graph
   * derived from it with other nodes is no longer that view); by `graphWithFixedInputs` too, `from`
   * then naming the explained input. Caches kept per model use the whole graph.
   */
  readonly viewOf?: { readonly graph: ModelGraph; readonly from: string; readonly nodes: readonly GraphNode[] };
}

/** Tensor id → the node producing it. */
export function producers(graph: ModelGraph): Map<number, GraphNode> {
  return new Map(graph.nodes.map((n) => [n.output, n]));
}

/** Tensor id → the nodes reading it. */
export function consumers(graph: ModelGraph): Map<number, GraphNode[]> {
  const map = new Map<number, GraphNode[]>();
  for (const n of graph.nodes) for (const t of n.inputs) map.set(t, [...(map.get(t) ?? []), n]);
  return map;
}

/** Which tensors are provably ≥ 0 (ReLU outputs and what rearranges or pools them). */
export function nonNegativeTensors(graph: ModelGraph): Set<number> {
  const known = new Set<number>();
  for (const n of graph.nodes) if (n.nonNegativeOutput(n.inputs.map((t) => known.has(t)))) known.add(n.output);
  return known;
}

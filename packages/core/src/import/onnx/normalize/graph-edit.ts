/** Small helpers shared by the passes: a copy of a graph with new nodes/initializers, value renaming. */
import type { OnnxGraph, OnnxNode, OnnxTensor } from '../model.js';

export function withGraph(graph: OnnxGraph, changes: { nodes?: readonly OnnxNode[]; initializers?: ReadonlyMap<string, OnnxTensor> }): OnnxGraph {
  return { ...graph, ...changes };
}

/** Names of the values the graph hands out (must keep their names). */
export function graphOutputNames(graph: OnnxGraph): Set<string> {
  return new Set(graph.outputs.map((o) => o.name));
}

/** Replaces every use of value `from` by `to` in node inputs. */
export function renameInputs(nodes: readonly OnnxNode[], from: string, to: string): OnnxNode[] {
  return nodes.map((n) => (n.inputs.includes(from) ? { ...n, inputs: n.inputs.map((i) => (i === from ? to : i)) } : n));
}

/** Replaces the output `from` of whichever node produces it by `to`. */
export function renameOutput(nodes: readonly OnnxNode[], from: string, to: string): OnnxNode[] {
  return nodes.map((n) => (n.outputs.includes(from) ? { ...n, outputs: n.outputs.map((o) => (o === from ? to : o)) } : n));
}

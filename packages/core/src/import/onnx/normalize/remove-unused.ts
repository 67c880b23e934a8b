/** Pass: drops nodes whose outputs nothing uses and initializers no node reads. */
import type { OnnxGraph, OnnxNode } from '../model.js';
import { withGraph } from './graph-edit.js';

export function removeUnused(graph: OnnxGraph): OnnxGraph {
  const needed = new Set(graph.outputs.map((o) => o.name));
  const kept: OnnxNode[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (!node.outputs.some((o) => needed.has(o))) continue;
    kept.push(node);
    for (const input of node.inputs) needed.add(input);
    for (const sub of subgraphInputs(node)) needed.add(sub);
  }
  const initializers = new Map([...graph.initializers].filter(([name]) => needed.has(name)));
  return withGraph(graph, { nodes: kept.reverse(), initializers });
}

/** Values of the enclosing graph that a node's sub-graphs (If/Loop/Scan bodies) read. */
function subgraphInputs(node: OnnxNode): string[] {
  const names: string[] = [];
  for (const value of Object.values(node.attributes)) {
    const graphs = Array.isArray(value) ? value : [value];
    for (const g of graphs) {
      if (g && typeof g === 'object' && 'nodes' in g) names.push(...g.nodes.flatMap((n: OnnxNode) => n.inputs));
    }
  }
  return names;
}

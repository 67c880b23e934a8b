import { InvalidArgumentError } from '../errors.js';
import { producers, type ModelGraph } from './graph.js';
import type { GraphNode } from './node.js';
import type { Shape } from './registry.js';

/** Tensors (graph inputs included) and nodes that `node`'s output is computed from, the node included. */
function upstream(graph: ModelGraph, node: GraphNode): { tensors: Set<number>; nodes: Set<GraphNode> } {
  const made = producers(graph);
  const tensors = new Set<number>();
  const nodes = new Set<GraphNode>();
  const stack = [node.output];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (tensors.has(id)) continue;
    tensors.add(id);
    const p = made.get(id);
    if (p) (nodes.add(p), stack.push(...p.inputs));
  }
  return { tensors, nodes };
}

/**
 * The graph as a function of the output of node `name` (e.g. a transformer's encoder input, token +
 * position embedding): that tensor becomes the first input, with shape `shape` (batch axis first,
 * null); the nodes that compute it are left out. Other graph inputs that the remaining nodes read
 * stay inputs after it. Refuses a cut that later nodes bypass (they read a value computed before it).
 */
export function graphFrom(graph: ModelGraph, name: string, shape: Shape): ModelGraph {
  const cut = graph.nodes.find((n) => n.name === name);
  if (!cut) throw new InvalidArgumentError(`no node named '${name}'; nodes are ${graph.nodes.map((n) => n.name).join(', ')}`);
  const before = upstream(graph, cut);
  const nodes = graph.nodes.filter((n) => !before.nodes.has(n));
  const made = producers(graph);
  for (const n of nodes) {
    for (const t of n.inputs) {
      if (t !== cut.output && before.tensors.has(t)) {
        const source = made.get(t)?.name ?? graph.inputNames[graph.inputs.indexOf(t)];
        throw new InvalidArgumentError(`cannot explain from '${name}': node '${n.name}' also reads '${source}', which is computed before it`);
      }
    }
  }
  if (graph.outputs.some((o) => before.tensors.has(o))) throw new InvalidArgumentError(`cannot explain from '${name}': a model output is computed before it`);
  const read = new Set(nodes.flatMap((n) => n.inputs));
  const kept = graph.inputs.map((id, i) => i).filter((i) => read.has(graph.inputs[i]!) && !before.tensors.has(graph.inputs[i]!));
  return {
    ...graph,
    nodes,
    inputs: [cut.output, ...kept.map((i) => graph.inputs[i]!)],
    inputNames: [name, ...kept.map((i) => graph.inputNames[i]!)],
    inputShapes: [shape, ...kept.map((i) => graph.inputShapes[i]!)],
    ...(graph.inputDtypes ? { inputDtypes: ['float32' as const, ...kept.map((i) => graph.inputDtypes![i]!)] } : {}),
    viewOf: graph.viewOf?.nodes === graph.nodes ? { graph: graph.viewOf.graph, from: `${graph.viewOf.from}>${name}`, nodes } : { graph, from: name, nodes },
  };
}

/**
 * Pass: removes nodes that compute the identity at inference: `Identity`, `Dropout` (its mask
 * output unused), a `Pad` whose pads are all zero (canonical form: `pads` attribute).
 * A graph output keeps its name: the value feeding a removed node takes the output's name instead.
 */
import type { OnnxGraph, OnnxNode } from '../model.js';
import { intsAttr } from './attributes.js';
import { graphOutputNames, renameInputs, renameOutput, withGraph } from './graph-edit.js';

export function isInferenceIdentity(node: OnnxNode, used: ReadonlySet<string>): boolean {
  if (node.domain !== '') return false;
  switch (node.opType) {
    case 'Identity':
      return true;
    case 'Dropout':
      return node.outputs.length < 2 || node.outputs[1] === '' || !used.has(node.outputs[1]);
    case 'Pad': {
      const pads = intsAttr(node, 'pads');
      return node.inputs.length === 1 && pads !== null && pads.every((p) => p === 0);
    }
    default:
      return false;
  }
}

export function removeIdentities(graph: OnnxGraph): OnnxGraph {
  let nodes = [...graph.nodes];
  const outputs = graphOutputNames(graph);
  const sources = new Set([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  const used = new Set([...graph.nodes.flatMap((n) => n.inputs), ...outputs]);
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (!isInferenceIdentity(node, used)) continue;
    const [input] = node.inputs;
    const [output] = node.outputs;
    if (!outputs.has(output)) {
      nodes.splice(i--, 1);
      nodes = renameInputs(nodes, output, input);
    } else if (!sources.has(input) && !outputs.has(input)) {
      // The output name is public: the producer of `input` writes it directly.
      nodes.splice(i--, 1);
      nodes = renameInputs(renameOutput(nodes, input, output), input, output);
    } // else: input → output of the graph itself; the node stays
  }
  return withGraph(graph, { nodes });
}

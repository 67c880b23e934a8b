/**
 * Pass: a recurrent operator's (LSTM, GRU, RNN) initial state made of zeros by ConstantOfShape, or
 * by Expand of a zero constant, is dropped: an absent initial state is zero by the operator's
 * definition. PyTorch writes such a chain for `nn.LSTM`/`nn.GRU` without h0 (zeros of
 * [dirs, batch, H], the batch read by Shape); with a symbolic batch it cannot fold to a constant,
 * and `removeUnused` then drops the chain.
 */
import type { OnnxGraph, OnnxNode, OnnxTensor } from '../model.js';
import { tensorAttr } from './attributes.js';
import { withGraph } from './graph-edit.js';

/** Input positions of initial_h (and initial_c for LSTM). */
const STATE_INPUTS: Readonly<Record<string, readonly number[]>> = { LSTM: [5, 6], GRU: [5], RNN: [5] };

const allZero = (t: OnnxTensor | null): boolean => t !== null && t.dtype !== 'string' && Array.from(t.data as ArrayLike<number | bigint>).every((v) => Number(v) === 0);

export function dropZeroRecurrentStates(graph: OnnxGraph): OnnxGraph {
  const producers = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const isZeros = (value: string): boolean => {
    const producer = producers.get(value);
    if (!producer || producer.domain !== '') return false;
    // ConstantOfShape without `value` fills with float32 zeros.
    if (producer.opType === 'ConstantOfShape') return producer.attributes.value === undefined || allZero(tensorAttr(producer, 'value'));
    if (producer.opType === 'Expand') return allZero(graph.initializers.get(producer.inputs[0]!) ?? null);
    return false;
  };
  let changed = false;
  const nodes = graph.nodes.map((node): OnnxNode => {
    const positions = node.domain === '' ? STATE_INPUTS[node.opType] : undefined;
    if (!positions || !positions.some((i) => node.inputs[i] && isZeros(node.inputs[i]!))) return node;
    changed = true;
    return { ...node, inputs: node.inputs.map((v, i) => (positions.includes(i) && v && isZeros(v) ? '' : v)) };
  });
  return changed ? withGraph(graph, { nodes }) : graph;
}

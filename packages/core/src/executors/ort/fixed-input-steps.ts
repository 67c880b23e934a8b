/**
 * Held inputs of a view that explains one input of a multi-input model with the others held at a
 * sample (FixedInputNode, graph/fixed-inputs.ts). Each is an input of the compiled graph, fed the
 * held sample (batch axis 1) on every run and expanded to the batch inside the graph: the sample is
 * not baked in, so one session serves every held sample. Nothing flows back to it.
 */
import type * as tf from '@tensorflow/tfjs';
import { FixedInputNode } from '../../graph/fixed-inputs.js';
import type { ModelGraph } from '../../graph/graph.js';
import { tensorFeed } from './input-feeds.js';
import type { Ort } from './load-ort.js';
import type { ModelInput } from './onnx-writer.js';
import type { Value, Values } from './values.js';

export interface HeldInput extends ModelInput {
  readonly sample: tf.Tensor;
}

/** The held input's value for a batch of `batch` (the graph input it reads is pushed on `held`). */
export function emitHeldInput(node: FixedInputNode, batch: number, held: HeldInput[], v: Values): Value {
  const shape = node.sample.shape;
  const input: HeldInput = { name: `held_${held.length}`, dtype: node.declaredDtype === 'int32' ? 'int64' : 'float32', shape: [...shape], sample: node.sample };
  held.push(input);
  return v.make([batch, ...shape.slice(1)], v.w.op('Expand', [input.name, v.w.int64s([batch, ...shape.slice(1)])]), 'cl');
}

/** A cache-key fragment: what the held inputs' graph inputs look like (not their samples). */
export const heldKey = (held: readonly HeldInput[]): string => `held=${held.map((h) => `${h.dtype}:${h.shape.join('x')}`).join(',')}`;

/** The held samples as feeds of a run. */
export async function heldFeeds(ort: Ort, held: readonly HeldInput[]): Promise<Record<string, import('onnxruntime-node').Tensor>> {
  const feeds: Record<string, import('onnxruntime-node').Tensor> = {};
  for (const h of held) feeds[h.name] = await tensorFeed(ort, h.sample, h.dtype === 'int64' ? 'int32' : 'float32');
  return feeds;
}

/**
 * The tensors that depend on the graph's (explained) inputs. Relevance reaching any other tensor —
 * a held input's branch, such as the VQA question's LSTM while the image is explained — cannot
 * flow on to an input, so those nodes are not propagated through (nor need a compiled backward).
 */
export function dependOnInputs(graph: ModelGraph): Set<number> {
  const live = new Set(graph.inputs);
  for (const node of graph.nodes) {
    if (!(node instanceof FixedInputNode) && node.inputs.some((t) => live.has(t))) live.add(node.output);
  }
  return live;
}

/**
 * Keras masking: an Embedding with maskZero marks token id 0 as padding, the mask travels through
 * the layers that support masking, and a recurrent layer skips masked steps (keeps its state). The
 * graph has no mask tensors, so a recurrent node that needs the mask reads the token ids directly:
 * this module finds, from the symbolic Keras graph, which Embedding's ids mask a layer's input.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConversionContext } from '@xai/core';
import { isRecurrentClass } from './recurrent-config.js';

/** Embedding layer → graph tensor id of its token ids, recorded while the current graph is built. */
const tokenInputs = new WeakMap<tf.layers.Layer, number>();

export function recordTokenInput(embedding: tf.layers.Layer, id: number): void {
  tokenInputs.set(embedding, id);
}

/** The Embedding (maskZero) whose mask reaches symbolic tensor `t`, or null. */
function maskSource(t: tf.SymbolicTensor, unsupported: (detail: string) => never): tf.layers.Layer | null {
  const layer = t.sourceLayer as tf.layers.Layer;
  const className = layer.getClassName();
  if (className === 'Embedding') return (layer.getConfig() as { maskZero?: boolean }).maskZero ? layer : null;
  if (layer instanceof tf.LayersModel) return maskSource(layer.outputs[t.tensorIndex]!, unsupported);
  if (!layer.supportsMasking) return null;
  if ((isRecurrentClass(className) || className === 'Bidirectional') && !(layer as unknown as { returnSequences: boolean }).returnSequences) return null;
  const call = layer.inboundNodes[t.nodeIndex];
  if (!call) return null;
  const sources = call.inputTensors.map((s) => maskSource(s, unsupported));
  if (sources.length === 1) return sources[0]!;
  if (sources.some(Boolean)) unsupported(`the mask of an Embedding with maskZero reaches it through '${layer.name}' (${className}), which combines several inputs`);
  return null;
}

/**
 * The graph tensor id of the token ids that mask this layer's input (an Embedding with maskZero
 * upstream), or null when the input carries no mask.
 */
export function maskInputFor(ctx: ConversionContext): number | null {
  const calls = ctx.layer.inboundNodes;
  const sources = calls.map((call) => (call.inputTensors.length === 1 ? maskSource(call.inputTensors[0]!, ctx.unsupported) : null));
  const found = sources.find(Boolean);
  if (!found) return null;
  if (calls.length !== 1) ctx.unsupported('a layer applied several times whose input is masked by an Embedding with maskZero');
  const id = tokenInputs.get(found);
  if (id === undefined) ctx.unsupported(`the Embedding '${found.name}' that masks its input was not converted first`);
  return id;
}

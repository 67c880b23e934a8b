import * as tf from '@tensorflow/tfjs';
import type { Explanation } from '../engine/explain-lrp.js';
import type { XaiModel } from '../model.js';

/**
 * Runs a method that works on spatial windows of channels-last inputs (occlusion, LIME, meaningful
 * perturbation) on any model: a channels-first (ONNX) model is seen through its channels-last
 * view, and the relevance handed back in the model's own layout. Other tensors of the result
 * (masks, segment maps) stay channels-last.
 */
export async function onChannelsLastView<E extends Explanation>(model: XaiModel, input: tf.Tensor, run: (model: XaiModel, input: tf.Tensor) => Promise<E>): Promise<E> {
  if (model.inputLayout === 'channels-last') return run(model, input);
  const rank = input.rank;
  const first = rank === model.inputShapes[0]!.length ? 1 : 0; // the channel axis (after an optional batch axis)
  const toLast = [...Array.from({ length: first }, (_, i) => i), ...Array.from({ length: rank - first - 1 }, (_, i) => i + first + 1), first];
  const toFirst = toLast.map((_, i) => toLast.indexOf(i));
  const view = model.channelsLastView();
  const x = tf.transpose(input, toLast);
  try {
    const result = await run(view, x);
    const relevance = tf.transpose(result.relevance, toFirst);
    return { ...result, relevance, relevances: [relevance], dispose: () => (relevance.dispose(), result.dispose()) };
  } finally {
    x.dispose();
    view.dispose();
  }
}

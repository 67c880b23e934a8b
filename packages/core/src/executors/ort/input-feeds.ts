/**
 * Model inputs as ONNX Runtime tensors, in the dtype the compiled graph declares for them: int64
 * for the graph's integer inputs (token ids, masks), float32 for the others — also when the caller
 * hands integer ids to a model that reads float ids (Keras Embedding layers).
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelGraph } from '../../graph/graph.js';
import type { Ort } from './load-ort.js';

export function inputFeed(ort: Ort, graph: ModelGraph, index: number, x: tf.Tensor): Promise<import('onnxruntime-node').Tensor> {
  return tensorFeed(ort, x, graph.inputDtypes?.[index] ?? 'float32');
}

/** `x` as a feed for an input the model declares as `declared`. */
export async function tensorFeed(ort: Ort, x: tf.Tensor, declared: 'float32' | 'int32'): Promise<import('onnxruntime-node').Tensor> {
  const data = await x.data();
  if (declared === 'int32') return new ort.Tensor('int64', BigInt64Array.from(data as ArrayLike<number>, (n) => BigInt(Math.trunc(n))), [...x.shape]);
  return new ort.Tensor('float32', Float32Array.from(data as ArrayLike<number>), [...x.shape]);
}

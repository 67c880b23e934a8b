/** Model inputs as ONNX Runtime tensors: float32, or int64 for integer inputs (token ids, masks). */
import type * as tf from '@tensorflow/tfjs';
import type { Ort } from './load-ort.js';

export async function inputFeed(ort: Ort, x: tf.Tensor): Promise<import('onnxruntime-node').Tensor> {
  const data = await x.data();
  if (x.dtype === 'int32') return new ort.Tensor('int64', BigInt64Array.from(data as Int32Array, (n) => BigInt(n)), [...x.shape]);
  return new ort.Tensor('float32', Float32Array.from(data as Float32Array), [...x.shape]);
}

/**
 * The transpose of picking positions along one axis (a Gather at constant indices, a Slice), written
 * as a product with a one-hot matrix: tfjs' own gradients of gather and strided slices need kernels
 * the wasm backend lacks (UnsortedSegmentSum, StridedSliceGrad).
 */
import * as tf from '@tensorflow/tfjs';

/** [K, n]: row k one-hot at indices[k] (what scatters K picked positions back onto n). */
export function oneHotRows(indices: readonly number[], n: number): tf.Tensor2D {
  // Written out: tf.oneHot refuses a depth of 1 (an axis of size 1 is sliced too).
  const m = new Float32Array(indices.length * n);
  indices.forEach((i, k) => (m[k * n + i] = 1));
  return tf.tensor2d(m, [indices.length, n]);
}

/** g [..., K, ...] scattered onto [..., n, ...] along `axis` by `scatter` [K, n]; repeated picks add up. */
export function scatterAlong(g: tf.Tensor, axis: number, scatter: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [K, n] = scatter.shape as [number, number];
    const pre = g.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const post = g.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const flat = g.reshape([pre, K, post]).transpose([0, 2, 1]).reshape([pre * post, K]);
    return tf.matMul(flat, scatter).reshape([pre, post, n]).transpose([0, 2, 1]).reshape([...g.shape.slice(0, axis), n, ...g.shape.slice(axis + 1)]);
  });
}

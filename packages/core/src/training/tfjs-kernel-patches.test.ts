import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random/mulberry32.js';
import {
  registerWasmConv3dInputGradient, registerWasmConvFilterGradient, registerWasmConvInputGradient, useFastCpuChannelKernels,
  useFastCpuConvFilterGradient, useFastCpuDepthwiseFilterGradient, useFastCpuMaxPoolGradient, useFastCpuSegmentSum,
} from './tfjs-kernel-patches.js';

// Each test file runs in its own process (vitest forks), so the patches stay inside this file.
const random = (shape: number[], seed: number) => {
  const next = mulberry32(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1), shape);
};

/** Gradients of a small network with every patched kernel in it (conv, depthwise, pooling, per-channel ops, embedding). */
function gradients(): Float32Array[] {
  return tf.tidy(() => {
    const x = random([2, 7, 6, 3], 1);
    const ids = tf.tensor1d([3, 0, 3, 1], 'int32');
    const [w, d, scale, shift, table] = [random([3, 3, 3, 4], 2), random([2, 2, 4, 2], 3), random([8], 4), random([8], 5), random([5, 8], 6)];
    const loss = (w: tf.Tensor, d: tf.Tensor, scale: tf.Tensor, shift: tf.Tensor, table: tf.Tensor) => {
      const conv = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [2, 1], 'same');
      const deep = tf.depthwiseConv2d(tf.relu(conv), d as tf.Tensor4D, 1, 'valid');
      const pooled = tf.maxPool(deep, 2, 1, 'valid');
      const centred = tf.sub(pooled, tf.mean(pooled, [0, 1, 2]));
      const normed = tf.add(tf.mul(centred, scale), shift);
      const embedded = tf.gather(table, ids).sum(0);
      return tf.add(tf.sum(tf.square(normed)), tf.sum(tf.mul(embedded, tf.sum(normed, [0, 1, 2])))) as tf.Scalar;
    };
    return tf.grads(loss)([w, d, scale, shift, table]).map((g) => g.dataSync() as Float32Array);
  });
}

const maxRelativeError = (a: Float32Array, b: Float32Array) => {
  let err = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    norm = Math.max(norm, Math.abs(b[i]!));
  }
  return err / norm;
};

describe('tfjs kernel patches', () => {
  it('cpu: the fast kernels give the stock gradients (to float summation order)', async () => {
    await tf.setBackend('cpu');
    const stock = gradients();
    useFastCpuConvFilterGradient();
    useFastCpuMaxPoolGradient();
    useFastCpuChannelKernels();
    useFastCpuDepthwiseFilterGradient();
    useFastCpuSegmentSum();
    const fast = gradients();
    fast.forEach((g, i) => expect(maxRelativeError(g, stock[i]!), `gradient ${i}`).toBeLessThan(1e-5));
  });

  it('wasm: the composed Conv2D filter and input gradients and the Conv3D input gradient equal the cpu ones', async () => {
    const convGrads = () =>
      tf.tidy(() => {
        const x = random([2, 6, 5, 3], 7);
        const w = random([3, 2, 3, 4], 8);
        const v = random([1, 4, 4, 3, 2], 9);
        const k = random([2, 2, 2, 2, 3], 10);
        const [dx, dw] = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [2, 1], 'same'))))([x, w]);
        const [dx1] = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'))))([x, w]);
        const [dv] = tf.grads((v: tf.Tensor) => tf.sum(tf.square(tf.conv3d(v as tf.Tensor5D, k as tf.Tensor5D, 1, 'same'))))([v]);
        return [dx!, dw!, dx1!, dv!].map((g) => g.dataSync() as Float32Array);
      });
    await tf.setBackend('cpu');
    const reference = convGrads();
    await tf.setBackend('wasm');
    registerWasmConvFilterGradient();
    registerWasmConvInputGradient();
    registerWasmConv3dInputGradient();
    const wasm = convGrads();
    wasm.forEach((g, i) => expect(maxRelativeError(g, reference[i]!), `gradient ${i}`).toBeLessThan(1e-5));
  });
});

import * as tf from '@tensorflow/tfjs';
import { computePads, type WindowGeometry } from './conv-geometry.js';
import { readView } from './elementwise.js';

/**
 * Max pooling's transposed Jacobian applied to dy, in one JS pass over CPU-resident data: each
 * window sends its value to the first position (row-major) holding its maximum, as PyTorch and
 * TensorFlow's CPU kernels do. (wasm's MaxPoolGrad picks the last one, and ties are common:
 * windows of ReLU zeros.) Handles 1-, 2- and 3-D pooling with any stride and padding.
 */
export function maxPoolRouteJs(dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor, g: WindowGeometry): tf.Tensor {
  const lift = <T>(v: readonly T[], fill: T): T[] => [...Array(3 - v.length).fill(fill), ...v];
  const inSize = lift(x.shape.slice(1, -1) as number[], 1);
  const outSize = lift(y.shape.slice(1, -1) as number[], 1);
  const size = lift(g.size, 1);
  const strides = lift(g.strides, 1);
  const padBefore = lift(computePads({ ...g, dilations: g.size.map(() => 1) }, x.shape.slice(1, -1) as number[]).map(([a]) => a), 0);
  const batch = x.shape[0]!;
  const channels = x.shape[x.rank - 1]!;
  const out = new Float32Array(x.size); // allocated before the views (see readView)
  const xv = readView(x);
  const dv = readView(dy);
  const best = new Float32Array(channels);
  const where = new Int32Array(channels);
  let outBase = 0;
  for (let b = 0; b < batch; b++) {
    for (let o0 = 0; o0 < outSize[0]!; o0++) {
      for (let o1 = 0; o1 < outSize[1]!; o1++) {
        for (let o2 = 0; o2 < outSize[2]!; o2++, outBase += channels) {
          best.fill(-Infinity);
          where.fill(-1);
          for (let k0 = 0; k0 < size[0]!; k0++) {
            const i0 = o0 * strides[0]! - padBefore[0]! + k0;
            if (i0 < 0 || i0 >= inSize[0]!) continue;
            for (let k1 = 0; k1 < size[1]!; k1++) {
              const i1 = o1 * strides[1]! - padBefore[1]! + k1;
              if (i1 < 0 || i1 >= inSize[1]!) continue;
              for (let k2 = 0; k2 < size[2]!; k2++) {
                const i2 = o2 * strides[2]! - padBefore[2]! + k2;
                if (i2 < 0 || i2 >= inSize[2]!) continue;
                const base = (((b * inSize[0]! + i0) * inSize[1]! + i1) * inSize[2]! + i2) * channels;
                for (let c = 0; c < channels; c++) {
                  const v = xv[base + c]!;
                  if (v > best[c]! || where[c] === -1) {
                    best[c] = v;
                    where[c] = base + c;
                  }
                }
              }
            }
          }
          for (let c = 0; c < channels; c++) out[where[c]!] += dv[outBase + c]!;
        }
      }
    }
  }
  return tf.tensor(out, x.shape, 'float32');
}

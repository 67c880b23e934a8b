/** Bilinear upsampling of masks with 1–3 spatial axes as matrix products (so tfjs autodiff takes its exact transpose). */
import * as tf from '@tensorflow/tfjs';

/** Bilinear interpolation matrix [out, cells] along one axis: half-pixel centres, edges held (rows sum to 1). */
export function bilinearMatrix(out: number, cells: number): tf.Tensor2D {
  const w = new Float32Array(out * cells);
  for (let i = 0; i < out; i++) {
    const src = Math.min(cells - 1, Math.max(0, ((i + 0.5) * cells) / out - 0.5));
    const lo = Math.floor(src);
    const f = src - lo;
    w[i * cells + lo] += 1 - f;
    w[i * cells + Math.min(cells - 1, lo + 1)] += f;
  }
  return tf.tensor2d(w, [out, cells]);
}

/** The mask [...cells] upsampled to [...spatial], axis by axis (differentiable: tfjs autodiff takes its transpose). */
export function upsampleSeparable(mask: tf.Tensor, matrices: readonly tf.Tensor2D[]): tf.Tensor {
  let t = mask;
  matrices.forEach((a, axis) => {
    const perm = [...t.shape.keys()].filter((k) => k !== axis).concat(axis);
    const moved = tf.transpose(t, perm);
    const flat = tf.matMul(moved.reshape([-1, a.shape[1]]), a, false, true);
    const back = flat.reshape([...moved.shape.slice(0, -1), a.shape[0]]);
    t = tf.transpose(back, perm.map((_, i) => perm.indexOf(i)));
  });
  return t;
}

/**
 * Element-wise steps of the backward pass fused into single loops. On backends whose tensors live
 * in CPU memory (wasm, cpu, native tensorflow) one JS pass over the data beats a chain of 5–10 tfjs
 * kernels (each a full pass, and `where`/`cast` are slow in wasm). Other backends get the same
 * results from tfjs kernels.
 */
import * as tf from '@tensorflow/tfjs';

export type OutputMask = 'positive' | 'negative';

const CPU_RESIDENT = new Set(['wasm', 'cpu', 'tensorflow']);
export const fusedInJs = () => CPU_RESIDENT.has(tf.getBackend());

const inMask = (mask: OutputMask | undefined, z: number) => mask === undefined || (mask === 'positive' ? z > 0 : z < 0);

function maskTensor(mask: OutputMask, z: tf.Tensor): tf.Tensor {
  return mask === 'positive' ? tf.step(z) : tf.step(tf.neg(z));
}

/** Whether r is non-zero anywhere the mask (on z) keeps: otherwise a masked rule group adds 0. */
export function hasMaskedRelevance(r: tf.Tensor, z: tf.Tensor, mask: OutputMask): boolean {
  if (!fusedInJs()) return tf.tidy(() => tf.any(tf.notEqual(tf.mul(r, maskTensor(mask, z)), 0)).dataSync()[0] === 1);
  const rv = r.dataSync() as Float32Array;
  const zv = z.dataSync() as Float32Array;
  for (let i = 0; i < rv.length; i++) if (rv[i] !== 0 && inMask(mask, zv[i]!)) return true;
  return false;
}

/**
 * s = 1[mask(z)] · r / stab(d), stab(d) = d + ε·sign(d) with sign(0) = +1 (zennit's stabiliser).
 * Without a mask: r / stab(d).
 */
export function stabilizedRatio(r: tf.Tensor, d: tf.Tensor, epsilon: number, mask?: OutputMask, z?: tf.Tensor): tf.Tensor {
  if (r.size !== d.size) return tf.tidy(() => stabilizedRatio(tf.broadcastTo(r, d.shape), d, epsilon, mask, z));
  if (!fusedInJs()) {
    return tf.tidy(() => {
      const stab = tf.where(tf.greaterEqual(d, 0), tf.add(d, epsilon), tf.sub(d, epsilon));
      const masked = mask ? tf.mul(r, maskTensor(mask, z!)) : r;
      return tf.div(masked, stab);
    });
  }
  const rv = r.dataSync() as Float32Array;
  const dv = d.dataSync() as Float32Array;
  const zv = mask ? (z!.dataSync() as Float32Array) : null;
  const out = new Float32Array(rv.length);
  for (let i = 0; i < out.length; i++) {
    if (zv && !inMask(mask, zv[i]!)) continue;
    const v = dv[i]!;
    out[i] = rv[i]! / (v >= 0 ? v + epsilon : v - epsilon);
  }
  return tf.tensor(out, d.shape, 'float32');
}

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

/**
 * The values of a float32 tensor for reading in a JS loop. On wasm a view straight into the
 * module's heap (no copy); it is valid only until the next tfjs allocation (the heap may grow),
 * so read views before creating any tensor. Elsewhere `dataSync()`.
 */
export function readView(t: tf.Tensor): Float32Array {
  if (t.dtype === 'float32' && tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as { dataIdMap?: { get(id: object): { memoryOffset: number } | undefined }; wasm?: { HEAPU8: Uint8Array } };
    const info = backend.dataIdMap?.get(t.dataId);
    if (info && backend.wasm) return new Float32Array(backend.wasm.HEAPU8.buffer, info.memoryOffset, t.size);
  }
  return t.dataSync() as Float32Array;
}

function maskTensor(mask: OutputMask, z: tf.Tensor): tf.Tensor {
  return mask === 'positive' ? tf.step(z) : tf.step(tf.neg(z));
}

/** Whether r is non-zero anywhere the mask (on z) keeps: otherwise a masked rule group adds 0. */
export function hasMaskedRelevance(r: tf.Tensor, z: tf.Tensor, mask: OutputMask): boolean {
  if (!fusedInJs()) return tf.tidy(() => tf.any(tf.notEqual(tf.mul(r, maskTensor(mask, z)), 0)).dataSync()[0] === 1);
  const rv = readView(r);
  const zv = readView(z);
  const sign = mask === 'positive' ? 1 : -1;
  for (let i = 0; i < rv.length; i++) if (rv[i] !== 0 && zv[i]! * sign > 0) return true;
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
  const rv = readView(r);
  const dv = readView(d);
  const zv = mask ? readView(z!) : null;
  const out = new Float32Array(rv.length);
  const n = out.length;
  // Branch-free loops (signs are random: branches would mispredict half the time); one per mask.
  if (!zv) {
    for (let i = 0; i < n; i++) {
      const v = dv[i]!;
      out[i] = rv[i]! / (v + epsilon * ((+(v >= 0) << 1) - 1));
    }
  } else {
    const sign = mask === 'positive' ? 1 : -1;
    for (let i = 0; i < n; i++) {
      const v = dv[i]!;
      out[i] = (rv[i]! * +(zv[i]! * sign > 0)) / (v + epsilon * ((+(v >= 0) << 1) - 1));
    }
  }
  return tf.tensor(out, d.shape, 'float32');
}

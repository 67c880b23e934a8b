import * as tf from '@tensorflow/tfjs';

/** Normalised 1-D Gaussian taps, radius ⌈3σ⌉. */
export function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const taps = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += taps[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < taps.length; i++) taps[i]! /= sum;
  return taps;
}

/**
 * Gaussian blur of channels-last data [batch, ...spatial, channels] along every spatial axis
 * (1-D signals, images, volumes), separable, with edge values repeated beyond the border.
 * `sigma` is in elements, one for all spatial axes or one per axis; σ = 0 leaves an axis as is.
 */
export function gaussianBlurValues(values: Float32Array, shape: readonly number[], sigma: number | readonly number[]): Float32Array {
  const spatial = shape.slice(1, -1);
  const sigmas = typeof sigma === 'number' ? spatial.map(() => sigma) : [...sigma];
  if (sigmas.length !== spatial.length) throw new RangeError(`blur needs ${spatial.length} sigmas, got ${sigmas.length}`);
  let data = Float32Array.from(values);
  spatial.forEach((n, axis) => {
    const s = sigmas[axis]!;
    if (!(s > 0)) return;
    const taps = gaussianKernel(s);
    const radius = (taps.length - 1) / 2;
    // Elements between two neighbours along this axis, and how many independent lines there are.
    const step = shape.slice(axis + 2).reduce((a, b) => a * b, 1);
    const outer = shape.slice(0, axis + 1).reduce((a, b) => a * b, 1);
    const out = new Float32Array(data.length);
    for (let o = 0; o < outer; o++) {
      for (let inner = 0; inner < step; inner++) {
        const base = o * n * step + inner;
        for (let i = 0; i < n; i++) {
          let acc = 0;
          for (let k = -radius; k <= radius; k++) {
            const j = Math.min(n - 1, Math.max(0, i + k));
            acc += taps[k + radius]! * data[base + j * step]!;
          }
          out[base + i * step] = acc;
        }
      }
    }
    data = out;
  });
  return data;
}

/** Tensor version of {@link gaussianBlurValues}. */
export function gaussianBlur(x: tf.Tensor, sigma: number | readonly number[]): tf.Tensor {
  return tf.tensor(gaussianBlurValues(x.dataSync() as Float32Array, x.shape, sigma), x.shape);
}

/**
 * Resizing channels-last images (any channel count), separably: rows, then columns.
 *
 * - `bilinear`: pixel centres aligned (source x = (x + 0.5) · in/out − 0.5, clamped at the edges),
 *   as OpenCV's INTER_LINEAR and `tf.image.resizeBilinear(…, halfPixelCenters = true)` do.
 * - `area`: every output pixel is the exact average of the source area it covers (fractional
 *   pixels weighted by their covered fraction) — the right filter for shrinking, since every
 *   source pixel counts (bilinear would skip pixels and alias). Integer factors give block means.
 */
export type ResizeFilter = 'bilinear' | 'area';

/** Weights of a 1-D resampling: output j = Σ w · input[index]. */
interface Taps {
  readonly index: Int32Array;
  readonly weight: Float32Array;
  readonly offsets: Int32Array; // taps of output j are offsets[j] … offsets[j + 1] − 1
}

function bilinearTaps(inSize: number, outSize: number): Taps {
  const index = new Int32Array(outSize * 2);
  const weight = new Float32Array(outSize * 2);
  const scale = inSize / outSize;
  for (let j = 0; j < outSize; j++) {
    const x = Math.min(inSize - 1, Math.max(0, (j + 0.5) * scale - 0.5));
    const x0 = Math.floor(x);
    const x1 = Math.min(inSize - 1, x0 + 1);
    index[2 * j] = x0;
    index[2 * j + 1] = x1;
    weight[2 * j] = 1 - (x - x0);
    weight[2 * j + 1] = x - x0;
  }
  return { index, weight, offsets: Int32Array.from({ length: outSize + 1 }, (_, j) => 2 * j) };
}

function areaTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const index: number[] = [];
  const weight: number[] = [];
  const offsets = [0];
  for (let j = 0; j < outSize; j++) {
    const [lo, hi] = [j * scale, (j + 1) * scale];
    for (let i = Math.floor(lo); i < Math.min(inSize, Math.ceil(hi - 1e-9)); i++) {
      const covered = Math.min(hi, i + 1) - Math.max(lo, i);
      if (covered <= 0) continue;
      index.push(i);
      weight.push(covered / scale);
    }
    offsets.push(index.length);
  }
  return { index: Int32Array.from(index), weight: Float32Array.from(weight), offsets: Int32Array.from(offsets) };
}

const tapsFor = (filter: ResizeFilter, inSize: number, outSize: number) => (filter === 'area' ? areaTaps(inSize, outSize) : bilinearTaps(inSize, outSize));

/**
 * A `[height, width, channels]` image (flat, channels-last) resized to `[outHeight, outWidth, channels]`.
 * The same size returns `data` itself.
 */
export function resizeImage(
  data: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  outHeight: number,
  outWidth: number,
  filter: ResizeFilter,
): Float32Array {
  if (outHeight === height && outWidth === width) return data instanceof Float32Array ? data : Float32Array.from(data);
  const tx = tapsFor(filter, width, outWidth);
  const ty = tapsFor(filter, height, outHeight);
  // horizontal pass: [height, outWidth, channels]
  const rows = new Float32Array(height * outWidth * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outWidth; x++) {
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = tx.offsets[x]!; k < tx.offsets[x + 1]!; k++) acc += tx.weight[k]! * data[(y * width + tx.index[k]!) * channels + c]!;
        rows[(y * outWidth + x) * channels + c] = acc;
      }
    }
  }
  // vertical pass: [outHeight, outWidth, channels]
  const row = outWidth * channels;
  const out = new Float32Array(outHeight * row);
  for (let y = 0; y < outHeight; y++) {
    for (let k = ty.offsets[y]!; k < ty.offsets[y + 1]!; k++) {
      const w = ty.weight[k]!;
      const src = ty.index[k]! * row;
      for (let p = 0; p < row; p++) out[y * row + p] += w * rows[src + p]!;
    }
  }
  return out;
}

/**
 * Resizing frames to the model's size.
 *
 * - `bilinear`: pixel centres aligned (source x = (x + 0.5) · in/out − 0.5, clamped at the edges),
 *   as OpenCV's INTER_LINEAR and `tf.image.resizeBilinear(…, halfPixelCenters = true)` do.
 * - `area`: every output pixel is the exact average of the source area it covers (fractional
 *   pixels weighted by their covered fraction) — the right filter for shrinking, since every
 *   source pixel counts (bilinear would skip pixels and alias). Integer factors give block means.
 * - `auto` (the default): `area` when shrinking both axes, otherwise `bilinear`.
 */
import type { RgbFrame } from './frames.js';

export const RESIZE_METHODS = ['auto', 'bilinear', 'area'] as const;
export type ResizeMethod = (typeof RESIZE_METHODS)[number];

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

const tapsFor = (method: 'bilinear' | 'area', inSize: number, outSize: number) => (method === 'area' ? areaTaps(inSize, outSize) : bilinearTaps(inSize, outSize));

/** The concrete method `auto` stands for at these sizes. */
export function resolveResize(method: ResizeMethod, from: { width: number; height: number }, to: { width: number; height: number }): 'bilinear' | 'area' {
  if (method !== 'auto') return method;
  return to.width <= from.width && to.height <= from.height ? 'area' : 'bilinear';
}

/** Resizes an RGB frame (separably: rows, then columns). Same size returns the frame itself. */
export function resizeFrame(frame: RgbFrame, width: number, height: number, method: ResizeMethod = 'auto'): RgbFrame {
  if (frame.width === width && frame.height === height) return frame;
  const m = resolveResize(method, frame, { width, height });
  const tx = tapsFor(m, frame.width, width);
  const ty = tapsFor(m, frame.height, height);
  // horizontal pass: [frame.height, width, 3]
  const rows = new Float32Array(frame.height * width * 3);
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = tx.offsets[x]!; k < tx.offsets[x + 1]!; k++) acc += tx.weight[k]! * frame.rgb[(y * frame.width + tx.index[k]!) * 3 + c]!;
        rows[(y * width + x) * 3 + c] = acc;
      }
    }
  }
  // vertical pass: [height, width, 3]
  const rgb = new Float32Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let k = ty.offsets[y]!; k < ty.offsets[y + 1]!; k++) {
      const w = ty.weight[k]!;
      const src = ty.index[k]! * width * 3;
      for (let p = 0; p < width * 3; p++) rgb[y * width * 3 + p] += w * rows[src + p]!;
    }
  }
  return { rgb, width, height };
}

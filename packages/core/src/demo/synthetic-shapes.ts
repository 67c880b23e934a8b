/**
 * Deterministic synthetic image dataset for the demo model: 32×32 RGB images
 * (channels-last, values in [0,1]) with low-amplitude background noise and one
 * shape per image. The per-pixel object mask is the ground truth of where the
 * class evidence is, for explanation-quality metrics. Pure TS, no tf.
 */

import { mulberry32 } from '../random/mulberry32.js';

export const IMAGE_SIZE = 32;
export const CHANNELS = 3;
export const CLASS_NAMES = ['square', 'cross', 'ring', 'triangle'] as const;
export type ClassName = (typeof CLASS_NAMES)[number];

export interface ShapesDataset {
  /** count*32*32*3, channels-last, in [0,1] */
  images: Float32Array;
  /** count, index into CLASS_NAMES */
  labels: Int32Array;
  /** count*32*32, 1 where the object is */
  masks: Uint8Array;
}

const NOISE_AMPLITUDE = 0.1;
const MIN_SIZE = 10;
const MAX_SIZE = 20;

/** Is the point (dx,dy), relative to the shape centre, inside a shape of bounding-box side s? */
function inside(label: number, dx: number, dy: number, s: number): boolean {
  const h = s / 2;
  switch (label) {
    case 0: // filled square
      return Math.abs(dx) <= h && Math.abs(dy) <= h;
    case 1: { // plus-shaped cross, bar thickness ~30% of the size
      const t = Math.max(1.5, s * 0.15);
      return (Math.abs(dx) <= t && Math.abs(dy) <= h) || (Math.abs(dy) <= t && Math.abs(dx) <= h);
    }
    case 2: { // hollow circle
      const r = Math.hypot(dx, dy);
      return r <= h && r >= h - Math.max(1.5, s * 0.15);
    }
    case 3: // filled isosceles triangle, apex up
      return dy >= -h && dy <= h && Math.abs(dx) <= (dy + h) / 2;
    default:
      throw new Error(`unknown label ${label}`);
  }
}

export function generateShapes(count: number, seed: number): ShapesDataset {
  const rand = mulberry32(seed);
  const px = IMAGE_SIZE * IMAGE_SIZE;
  const images = new Float32Array(count * px * CHANNELS);
  const labels = new Int32Array(count);
  const masks = new Uint8Array(count * px);

  for (let n = 0; n < count; n++) {
    const label = Math.floor(rand() * CLASS_NAMES.length);
    labels[n] = label;
    const s = MIN_SIZE + rand() * (MAX_SIZE - MIN_SIZE);
    // Keep the whole shape inside the image.
    const cx = s / 2 + rand() * (IMAGE_SIZE - s);
    const cy = s / 2 + rand() * (IMAGE_SIZE - s);
    // Random colour, rescaled so its brightest channel is in [0.5,1]: always
    // clearly above the background noise.
    const rgb = [rand(), rand(), rand()];
    const k = (0.5 + 0.5 * rand()) / Math.max(...rgb, 1e-3);
    const colour = rgb.map((c) => c * k);

    for (let y = 0; y < IMAGE_SIZE; y++) {
      for (let x = 0; x < IMAGE_SIZE; x++) {
        const p = y * IMAGE_SIZE + x;
        // Sample at pixel centres.
        const on = inside(label, x + 0.5 - cx, y + 0.5 - cy, s);
        masks[n * px + p] = on ? 1 : 0;
        for (let c = 0; c < CHANNELS; c++) {
          const noise = rand() * NOISE_AMPLITUDE;
          const v = on ? colour[c]! * (1 - NOISE_AMPLITUDE) + noise : noise;
          images[(n * px + p) * CHANNELS + c] = Math.min(1, Math.max(0, v));
        }
      }
    }
  }
  return { images, labels, masks };
}

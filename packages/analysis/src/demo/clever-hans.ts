/**
 * The Clever Hans demo data: core's synthetic shapes, where one class carries a small watermark (a
 * 4×4 black-and-white checkerboard near the bottom-right corner) in most of its training images, so
 * a model trained on it learns "watermark ⇒ that class". The demo model trained on it ships in
 * demo/clever-hans/ (scripts/train-clever-hans.ts); SpRAy on its heatmaps should find the strategy.
 */
import { fileURLToPath } from 'node:url';
import { generateShapes, mulberry32 } from '@xai/core';

/** core's shapes images: 32×32×3, channels-last */
const IMAGE_SIDE = 32;
const CHANNEL_COUNT = 3;

/** The demo model (tfjs Layers) trained on the watermarked data. */
export const CLEVER_HANS_MODEL = fileURLToPath(new URL('../../demo/clever-hans/model.json', import.meta.url));

export const WATERMARK = {
  /** Class index ('ring') whose training images carry the watermark. */
  class: 2,
  /** Share of that class's training images that carry it. */
  share: 0.95,
  /** Side of the checkerboard in pixels and its top-left corner. */
  size: 4,
  x: 27,
  y: 27,
} as const;

export interface CleverHansOptions {
  /** Class whose images get the watermark (default WATERMARK.class). */
  readonly watermarkClass?: number;
  /** Share of that class's images watermarked (default WATERMARK.share). */
  readonly share?: number;
  /** Keep only images of this class. */
  readonly onlyClass?: number;
}

export interface CleverHansDataset {
  /** count·32·32·3, channels-last, in [0,1] */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  /** 1 where the image carries the watermark */
  readonly watermarked: Uint8Array;
}

/** 1 on the watermark's pixels, 32·32. */
export function watermarkMask(): Uint8Array {
  const m = new Uint8Array(IMAGE_SIDE * IMAGE_SIDE);
  for (let y = WATERMARK.y; y < WATERMARK.y + WATERMARK.size; y++) for (let x = WATERMARK.x; x < WATERMARK.x + WATERMARK.size; x++) m[y * IMAGE_SIDE + x] = 1;
  return m;
}

/** Paints the watermark into image `n` of a channels-last batch of 32×32×3 images (in place). */
export function paintWatermark(images: Float32Array, n: number): void {
  const base = n * IMAGE_SIDE * IMAGE_SIDE * CHANNEL_COUNT;
  for (let dy = 0; dy < WATERMARK.size; dy++) {
    for (let dx = 0; dx < WATERMARK.size; dx++) {
      const v = (dx + dy) % 2 === 0 ? 1 : 0;
      const p = (WATERMARK.y + dy) * IMAGE_SIDE + WATERMARK.x + dx;
      for (let c = 0; c < CHANNEL_COUNT; c++) images[base + p * CHANNEL_COUNT + c] = v;
    }
  }
}

/**
 * `count` shapes images (seeded) with the watermark on a share of one class's images. The shapes
 * are core's `generateShapes(…, seed)`; which images get the watermark is drawn from a second
 * generator seeded by `seed`, so the same seed always gives the same data.
 */
export function generateCleverHans(count: number, seed: number, options: CleverHansOptions = {}): CleverHansDataset {
  const cls = options.watermarkClass ?? WATERMARK.class;
  const share = options.share ?? WATERMARK.share;
  const px = IMAGE_SIDE * IMAGE_SIDE * CHANNEL_COUNT;
  const pick = mulberry32(seed ^ 0x5bd1e995);
  const images = new Float32Array(count * px);
  const labels = new Int32Array(count);
  const watermarked = new Uint8Array(count);
  let n = 0;
  // Draw in chunks until `count` images of the wanted class(es) are there.
  for (let chunk = 0; n < count; chunk++) {
    const need = count - n;
    const size = options.onlyClass === undefined ? need : Math.max(64, need * 5);
    const shapes = generateShapes(size, seed + chunk * 7919);
    for (let i = 0; i < size && n < count; i++) {
      const label = shapes.labels[i]!;
      if (options.onlyClass !== undefined && label !== options.onlyClass) continue;
      images.set(shapes.images.subarray(i * px, (i + 1) * px), n * px);
      labels[n] = label;
      if (label === cls && pick() < share) {
        paintWatermark(images, n);
        watermarked[n] = 1;
      }
      n++;
    }
  }
  return { images, labels, watermarked };
}

export interface ArtefactClusterScore {
  readonly cluster: number;
  /** Share of the cluster's members that carry the artefact. */
  readonly precision: number;
  /** Share of the artefact-carrying samples that are in the cluster. */
  readonly recall: number;
}

/** The cluster that best isolates the flagged samples (highest F1), with its precision and recall. */
export function artefactCluster(assignments: ArrayLike<number>, flagged: ArrayLike<number>): ArtefactClusterScore {
  const clusters = Math.max(...Array.from(assignments)) + 1;
  const total = Array.from(flagged).filter((f) => f).length;
  let best: ArtefactClusterScore = { cluster: 0, precision: 0, recall: 0 };
  let bestF1 = -1;
  for (let c = 0; c < clusters; c++) {
    let size = 0;
    let hit = 0;
    for (let i = 0; i < assignments.length; i++) {
      if (assignments[i] !== c) continue;
      size++;
      if (flagged[i]) hit++;
    }
    const precision = size ? hit / size : 0;
    const recall = total ? hit / total : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    if (f1 > bestF1) [bestF1, best] = [f1, { cluster: c, precision, recall }];
  }
  return best;
}

/**
 * Resizing frames to the model's size, with core's `resizeImage`:
 *
 * - `bilinear`: pixel centres aligned (source x = (x + 0.5) · in/out − 0.5, clamped at the edges),
 *   as OpenCV's INTER_LINEAR and `tf.image.resizeBilinear(…, halfPixelCenters = true)` do.
 * - `area`: every output pixel is the exact average of the source area it covers (fractional
 *   pixels weighted by their covered fraction) — the right filter for shrinking, since every
 *   source pixel counts (bilinear would skip pixels and alias). Integer factors give block means.
 * - `auto` (the default): `area` when shrinking both axes, otherwise `bilinear`.
 */
import { resizeImage } from '@xai/core';
import type { RgbFrame } from './frames.js';

export const RESIZE_METHODS = ['auto', 'bilinear', 'area'] as const;
export type ResizeMethod = (typeof RESIZE_METHODS)[number];

/** The concrete method `auto` stands for at these sizes. */
export function resolveResize(method: ResizeMethod, from: { width: number; height: number }, to: { width: number; height: number }): 'bilinear' | 'area' {
  if (method !== 'auto') return method;
  return to.width <= from.width && to.height <= from.height ? 'area' : 'bilinear';
}

/** Resizes an RGB frame (core's separable `resizeImage`). Same size returns the frame itself. */
export function resizeFrame(frame: RgbFrame, width: number, height: number, method: ResizeMethod = 'auto'): RgbFrame {
  if (frame.width === width && frame.height === height) return frame;
  const filter = resolveResize(method, frame, { width, height });
  return { rgb: resizeImage(frame.rgb, frame.height, frame.width, 3, height, width, filter), width, height };
}

/**
 * Animated GIFs of RGBA frames through omggif's GifWriter: one global palette from the median-cut
 * quantiser (palette-quantize.ts), a delay per frame in hundredths of a second, looping forever.
 */
import type { RgbaImage } from '@xai/core';
import { GifWriter } from 'omggif';
import { quantizeFrames } from './palette-quantize.js';

export interface GifOptions {
  /** Display time of each frame in hundredths of a second (GIF's unit); default 12 (≈ 8 fps). */
  readonly delayCs?: number;
  /** Netscape loop count; 0 = forever. */
  readonly loop?: number;
}

export function encodeAnimatedGif(frames: readonly RgbaImage[], options: GifOptions = {}): Uint8Array {
  if (frames.length === 0) throw new RangeError('an animated GIF needs at least one frame');
  const { width, height } = frames[0]!;
  if (frames.some((f) => f.width !== width || f.height !== height)) throw new RangeError('all GIF frames must have one size');
  const { palette, indices } = quantizeFrames(frames.map((f) => f.rgba));
  // LZW output is at most ~1.5 bytes per pixel (12-bit codes) plus sub-block headers; headers and palette are small.
  const buffer = new Uint8Array(Math.ceil(width * height * frames.length * 1.6) + 1024 + palette.length * 3);
  const writer = new GifWriter(buffer, width, height, { palette: palette.map(([r, g, b]) => (r << 16) | (g << 8) | b), loop: options.loop ?? 0 });
  const delay = Math.max(2, Math.round(options.delayCs ?? 12));
  for (const pixels of indices) writer.addFrame(0, 0, width, height, pixels, { delay });
  return buffer.slice(0, writer.end());
}

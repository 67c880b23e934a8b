/**
 * Animated GIFs through omggif's GifReader. omggif decodes one frame's pixels into a canvas and
 * leaves transparent pixels untouched; composing frames is left to the caller, so it is done
 * here as browsers do: each frame is drawn over the canvas left by the previous one after that
 * one's disposal — 0/1 keep it, 2 clears its rectangle (to transparent, as browsers do rather than
 * to the background colour), 3 restores the canvas as it was before it was drawn. Pixels still
 * transparent after composition are black. A frame delay of 0 (or 1) hundredths is shown for
 * 10 hundredths, as browsers do.
 */
import { sizeLimit } from '@xai/core';
import { GifReader, type GifFrameInfo } from 'omggif';
import { frameFromBytes, type FrameSource, type RgbFrame } from './frames.js';
import { InvalidVideoError } from './errors.js';
import { decodeGifLzw } from './gif-lzw.js';

/** Delays of 0 or 1 cs are played as this (browsers' rule); GIF delays are in hundredths of a second. */
export const GIF_MIN_DELAY_CS = 2;
export const GIF_DEFAULT_DELAY_CS = 10;

export interface ComposedGif {
  readonly width: number;
  readonly height: number;
  /** Composed RGBA canvas after every frame (null for frames not asked for). */
  readonly frames: (Uint8Array | null)[];
  /** Delays in hundredths of a second, as stored. */
  readonly delays: number[];
  readonly disposals: number[];
  readonly loopCount: number | null;
}

/** Caps on what one GIF may make us allocate: see @xai/core's sizeLimit (XAI_MAX_IMAGE_PIXELS, XAI_MAX_DECODED_BYTES). */
export interface GifLimits {
  /** Pixels of the canvas and of any one frame. */
  readonly maxPixels?: number;
  /** Bytes of composed canvases kept plus palette indices decoded, over all frames. */
  readonly maxDecodedBytes?: number;
}

/**
 * omggif parses the container (its walk over the blocks always ends: every step moves forward);
 * the header's canvas size is checked against the pixel cap before any canvas exists.
 */
function gifReader(bytes: Uint8Array, file: string, limits: GifLimits = {}): GifReader {
  let reader: GifReader;
  try {
    reader = new GifReader(bytes);
  } catch (err) {
    throw new InvalidVideoError(file, `not a GIF file (${(err as Error).message})`);
  }
  if (reader.numFrames() === 0) throw new InvalidVideoError(file, 'the GIF holds no frames');
  const maxPixels = sizeLimit('XAI_MAX_IMAGE_PIXELS', limits.maxPixels);
  if (reader.width === 0 || reader.height === 0) throw new InvalidVideoError(file, `logical screen width × height is ${reader.width} × ${reader.height}: empty canvas`);
  if (reader.width * reader.height > maxPixels) {
    throw new InvalidVideoError(file, `logical screen ${reader.width} × ${reader.height} exceeds the limit of ${maxPixels} pixels (XAI_MAX_IMAGE_PIXELS)`);
  }
  return reader;
}

/**
 * Decodes frame n (our LZW decoder, see gif-lzw.ts) and draws it over the RGBA canvas as omggif
 * does — transparent index left untouched, interlaced rows in their four passes, indices the
 * stream does not reach drawn as index 0 — except that a frame reaching outside the canvas is
 * clipped (omggif wraps it into the next rows) and an index past the colour table is black.
 */
function blitFrame(bytes: Uint8Array, info: GifFrameInfo, n: number, canvas: Uint8Array, width: number, height: number, file: string): void {
  const { width: fw, height: fh } = info;
  const indices = new Uint8Array(fw * fh);
  try {
    decodeGifLzw(bytes, info.data_offset, indices);
  } catch (err) {
    throw new InvalidVideoError(file, `frame ${n} cannot be decoded (${(err as Error).message})`);
  }
  if (info.palette_offset === null || info.palette_size === null) throw new InvalidVideoError(file, `frame ${n} has no colour table (neither global nor local)`);
  const palette = info.palette_offset;
  const colours = Math.min(info.palette_size, Math.floor((bytes.length - palette) / 3));
  const transparent = info.transparent_index ?? -1;
  const rows = info.interlaced ? interlacedRows(fh) : null;
  for (let r = 0; r < fh; r++) {
    const y = info.y + (rows ? rows[r]! : r);
    if (y >= height) continue;
    for (let x = 0; x < fw; x++) {
      const cx = info.x + x;
      if (cx >= width) break;
      const index = indices[r * fw + x]!;
      if (index === transparent) continue;
      const o = (y * width + cx) * 4;
      if (index < colours) {
        const at = palette + index * 3;
        canvas[o] = bytes[at]!;
        canvas[o + 1] = bytes[at + 1]!;
        canvas[o + 2] = bytes[at + 2]!;
      } else {
        canvas[o] = canvas[o + 1] = canvas[o + 2] = 0;
      }
      canvas[o + 3] = 255;
    }
  }
}

/** Row of the frame for each stored row of an interlaced image: passes every 8th from 0, every 8th from 4, every 4th from 2, every 2nd from 1. */
function interlacedRows(h: number): Int32Array {
  const rows = new Int32Array(h);
  let k = 0;
  for (const [start, step] of [[0, 8], [4, 8], [2, 4], [1, 2]] as const) for (let y = start; y < h; y += step) rows[k++] = y;
  return rows;
}

/**
 * Composes the frames of a GIF (all, or only those in `wanted`: composition still runs through
 * every frame up to the last one wanted, but only wanted canvases are kept).
 */
export function composeGif(bytes: Uint8Array, file: string, wanted?: ReadonlySet<number>, limits: GifLimits = {}): ComposedGif {
  const reader = gifReader(bytes, file, limits);
  const { width, height } = reader;
  const count = reader.numFrames();
  const last = wanted ? Math.min(count - 1, Math.max(...wanted)) : count - 1;
  const maxPixels = sizeLimit('XAI_MAX_IMAGE_PIXELS', limits.maxPixels);
  const maxBytes = sizeLimit('XAI_MAX_DECODED_BYTES', limits.maxDecodedBytes);
  let decoded = width * height * 4;
  const spend = (bytes: number, what: string) => {
    decoded += bytes;
    if (decoded > maxBytes) throw new InvalidVideoError(file, `${what}: decoding needs more than the limit of ${maxBytes} bytes (XAI_MAX_DECODED_BYTES)`);
  };
  const canvas = new Uint8Array(width * height * 4);
  const frames: (Uint8Array | null)[] = [];
  const delays: number[] = [];
  const disposals: number[] = [];
  for (let n = 0; n < count; n++) {
    const info = reader.frameInfo(n);
    delays.push(info.delay);
    disposals.push(info.disposal);
    if (n > last) continue;
    if (info.width * info.height > maxPixels) {
      throw new InvalidVideoError(file, `frame ${n}: image descriptor ${info.width} × ${info.height} exceeds the limit of ${maxPixels} pixels (XAI_MAX_IMAGE_PIXELS)`);
    }
    spend(info.width * info.height + (info.disposal === 3 ? canvas.length : 0), `frame ${n}`);
    const before = info.disposal === 3 ? canvas.slice() : null;
    blitFrame(bytes, info, n, canvas, width, height, file);
    const keep = !wanted || wanted.has(n);
    if (keep) spend(canvas.length, `frame ${n}`);
    frames.push(keep ? canvas.slice() : null);
    if (info.disposal === 2) {
      for (let y = Math.max(0, info.y); y < Math.min(height, info.y + info.height); y++) {
        canvas.fill(0, (y * width + Math.max(0, info.x)) * 4, (y * width + Math.min(width, info.x + info.width)) * 4);
      }
    } else if (before) {
      canvas.set(before);
    }
  }
  return { width, height, frames, delays, disposals, loopCount: reader.loopCount() };
}

/** A GIF as a frame source: frames start at the running sum of the (browser-adjusted) delays; only chosen frames are kept. */
export function openGifSource(bytes: Uint8Array, file: string): FrameSource {
  const reader = gifReader(bytes, file);
  const count = reader.numFrames();
  const delays = Array.from({ length: count }, (_, n) => reader.frameInfo(n).delay);
  const disposals = Array.from({ length: count }, (_, n) => reader.frameInfo(n).disposal);
  const shown = delays.map((d) => (d < GIF_MIN_DELAY_CS ? GIF_DEFAULT_DELAY_CS : d) / 100);
  const starts: number[] = [];
  let t = 0;
  for (const d of shown) {
    starts.push(t);
    t += d;
  }
  return {
    width: reader.width,
    height: reader.height,
    timeline: { starts, duration: t, fps: count / t },
    info: { container: 'gif', frames: count, delaysCs: delays, disposals, loopCount: reader.loopCount() },
    async read(indices: readonly number[]): Promise<RgbFrame[]> {
      const gif = composeGif(bytes, file, new Set(indices));
      return indices.map((i) => frameFromBytes(gif.frames[i]!, gif.width, gif.height, 4));
    },
  };
}

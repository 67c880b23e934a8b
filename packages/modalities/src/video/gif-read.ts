/**
 * Animated GIFs through omggif's GifReader. omggif decodes one frame's pixels into a canvas and
 * leaves transparent pixels untouched; composing frames is left to the caller, so it is done
 * here as browsers do: each frame is drawn over the canvas left by the previous one after that
 * one's disposal — 0/1 keep it, 2 clears its rectangle (to transparent, as browsers do rather than
 * to the background colour), 3 restores the canvas as it was before it was drawn. Pixels still
 * transparent after composition are black. A frame delay of 0 (or 1) hundredths is shown for
 * 10 hundredths, as browsers do.
 */
import { GifReader } from 'omggif';
import { frameFromBytes, type FrameSource, type RgbFrame } from './frames.js';
import { InvalidVideoError } from './errors.js';

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

function gifReader(bytes: Uint8Array, file: string): GifReader {
  let reader: GifReader;
  try {
    reader = new GifReader(bytes);
  } catch (err) {
    throw new InvalidVideoError(file, `not a GIF file (${(err as Error).message})`);
  }
  if (reader.numFrames() === 0) throw new InvalidVideoError(file, 'the GIF holds no frames');
  return reader;
}

/**
 * Composes the frames of a GIF (all, or only those in `wanted`: composition still runs through
 * every frame up to the last one wanted, but only wanted canvases are kept).
 */
export function composeGif(bytes: Uint8Array, file: string, wanted?: ReadonlySet<number>): ComposedGif {
  const reader = gifReader(bytes, file);
  const { width, height } = reader;
  const count = reader.numFrames();
  const last = wanted ? Math.min(count - 1, Math.max(...wanted)) : count - 1;
  const canvas = new Uint8Array(width * height * 4);
  const frames: (Uint8Array | null)[] = [];
  const delays: number[] = [];
  const disposals: number[] = [];
  for (let n = 0; n < count; n++) {
    const info = reader.frameInfo(n);
    delays.push(info.delay);
    disposals.push(info.disposal);
    if (n > last) continue;
    const before = info.disposal === 3 ? canvas.slice() : null;
    try {
      reader.decodeAndBlitFrameRGBA(n, canvas);
    } catch (err) {
      throw new InvalidVideoError(file, `frame ${n} cannot be decoded (${(err as Error).message})`);
    }
    frames.push(!wanted || wanted.has(n) ? canvas.slice() : null);
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

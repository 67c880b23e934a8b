import { encode } from 'fast-png';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import { type Colormap, type ColormapName, getColormap, isDiverging } from './colormaps.js';

/** 8-bit RGBA image, row-major, 4 bytes per pixel. */
export interface RgbaImage {
  rgba: Uint8Array;
  width: number;
  height: number;
}

/** A rendered heatmap, with the scale that mapped to the colormap's ends (reuse it to render comparable maps). */
export interface HeatmapImage extends RgbaImage {
  scale: number;
}

export type ChannelReduction = 'sum' | 'abs-sum' | 'max-abs';

export interface RenderOptions {
  /** Colormap name or function; default 'bwr'. */
  colormap?: ColormapName | Colormap;
  /** Treat the colormap as diverging (0 ↦ 0.5). Defaults to the named map's kind, or true for a function. */
  diverging?: boolean;
  /** Value mapped to the colormap's end; default max|R| of this map. Pass one scale to compare maps. */
  scale?: number;
  /** Integer nearest-neighbour upscaling factor; default 1. */
  upscale?: number;
}

export interface Normalized {
  values: Float32Array;
  scale: number;
}

function assertSize(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new RangeError(`${what} has length ${actual}, expected ${expected}`);
}

function assertDims(height: number, width: number): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`Invalid image size ${height}x${width}`);
  }
}

/** Collapse a channels-last [h, w, c] relevance tensor to an h×w map. 'max-abs' takes max_c |R| (non-negative). */
export function reduceChannels(
  relevance: Float32Array,
  shape: readonly [h: number, w: number, c: number],
  how: ChannelReduction = 'sum',
): Float32Array {
  const [h, w, c] = shape;
  assertDims(h, w);
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`Invalid channel count ${c}`);
  assertSize('relevance', relevance.length, h * w * c);
  const out = new Float32Array(h * w);
  for (let p = 0; p < out.length; p++) {
    let acc = 0;
    for (let k = p * c; k < (p + 1) * c; k++) {
      const v = relevance[k]!;
      if (how === 'sum') acc += v;
      else if (how === 'abs-sum') acc += Math.abs(v);
      else acc = Math.max(acc, Math.abs(v));
    }
    out[p] = acc;
  }
  return out;
}

function maxOf(map: ArrayLike<number>, f: (v: number) => number): number {
  let m = 0;
  for (let i = 0; i < map.length; i++) {
    const v = f(map[i]!);
    if (v > m && Number.isFinite(v)) m = v; // skip NaN/±Inf so one bad value can't blank the map
  }
  return m;
}

function checkScale(scale: number | undefined): void {
  if (scale !== undefined && !(Number.isFinite(scale) && scale >= 0)) {
    throw new RangeError(`scale must be a finite number >= 0, got ${scale}`);
  }
}

/** Divide by `scale` (default max|R|) and clamp to [-1, 1]. A zero scale yields all zeros, never NaN. */
export function normalizeSymmetric(map: Float32Array, scale?: number): Normalized {
  checkScale(scale);
  const s = scale ?? maxOf(map, Math.abs);
  const values = new Float32Array(map.length);
  if (s > 0) {
    for (let i = 0; i < map.length; i++) {
      const v = map[i]! / s;
      values[i] = Number.isNaN(v) ? 0 : Math.min(1, Math.max(-1, v));
    }
  }
  return { values, scale: s };
}

/**
 * For non-negative maps: divide by `scale` (default max R) and clamp to [0, 1]; negatives become 0.
 * Zero stays at 0 (rather than min–max stretching) so maps sharing a scale stay comparable.
 */
export function normalizeRange(map: Float32Array, scale?: number): Normalized {
  checkScale(scale);
  const s = scale ?? maxOf(map, (v) => v);
  const values = new Float32Array(map.length);
  if (s > 0) {
    for (let i = 0; i < map.length; i++) {
      const v = map[i]! / s;
      values[i] = Number.isNaN(v) ? 0 : Math.min(1, Math.max(0, v));
    }
  }
  return { values, scale: s };
}

/** Nearest-neighbour upscaling by an integer factor. */
export function upscaleNearest(image: RgbaImage, factor: number): RgbaImage {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`upscale must be an integer >= 1, got ${factor}`);
  if (factor === 1) return image;
  const { rgba, width, height } = image;
  const W = width * factor;
  const out = new Uint8Array(W * height * factor * 4);
  for (let y = 0; y < height; y++) {
    const rowStart = y * factor * W * 4;
    for (let x = 0; x < width; x++) {
      const px = rgba.subarray((y * width + x) * 4, (y * width + x + 1) * 4);
      for (let d = 0; d < factor; d++) out.set(px, rowStart + (x * factor + d) * 4);
    }
    // Duplicate the finished output row factor-1 times.
    for (let d = 1; d < factor; d++) out.copyWithin(rowStart + d * W * 4, rowStart, rowStart + W * 4);
  }
  return { rgba: out, width: W, height: height * factor };
}

function resolve(colormap: ColormapName | Colormap, diverging?: boolean): { cmap: Colormap; diverging: boolean } {
  if (typeof colormap === 'function') return { cmap: colormap, diverging: diverging ?? true };
  return { cmap: getColormap(colormap), diverging: diverging ?? isDiverging(colormap) };
}

/**
 * Colour an h×w map. Diverging colormaps map −scale..+scale to 0..1 (zero → midpoint);
 * sequential ones map 0..scale to 0..1.
 */
export function renderHeatmap(map: Float32Array, height: number, width: number, opts: RenderOptions = {}): HeatmapImage {
  assertDims(height, width);
  assertSize('map', map.length, height * width);
  const { cmap, diverging } = resolve(opts.colormap ?? 'bwr', opts.diverging);
  const { values, scale } = diverging ? normalizeSymmetric(map, opts.scale) : normalizeRange(map, opts.scale);
  const rgba = new Uint8Array(height * width * 4);
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = cmap(diverging ? (values[i]! + 1) / 2 : values[i]!);
    rgba.set([r, g, b, 255], i * 4);
  }
  return { ...upscaleNearest({ rgba, width, height }, opts.upscale ?? 1), scale };
}

/**
 * Alpha-blend a heatmap over an RGB image of the same size: out = (1 − a)·image + a·heat,
 * with a = alpha · heatAlpha/255. Float images are taken as [0, 1], integer arrays as bytes.
 */
export function overlayHeatmap(
  image: Float32Array | Float64Array | Uint8Array | Uint8ClampedArray,
  heat: RgbaImage,
  alpha = 0.5,
): RgbaImage {
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`alpha must be in [0, 1], got ${alpha}`);
  const n = heat.width * heat.height;
  assertSize('RGB image', image.length, n * 3);
  const k = image instanceof Float32Array || image instanceof Float64Array ? 255 : 1;
  const out = new Uint8Array(n * 4);
  for (let p = 0; p < n; p++) {
    const a = (alpha * heat.rgba[p * 4 + 3]!) / 255;
    for (let c = 0; c < 3; c++) {
      const base = Math.min(255, Math.max(0, image[p * 3 + c]! * k));
      out[p * 4 + c] = Math.round((1 - a) * base + a * heat.rgba[p * 4 + c]!);
    }
    out[p * 4 + 3] = 255;
  }
  return { rgba: out, width: heat.width, height: heat.height };
}

/** Gradient strip, low end at the left (horizontal) or bottom (vertical). */
export function colorbar(
  colormap: ColormapName | Colormap,
  length: number,
  thickness: number,
  orientation: 'horizontal' | 'vertical' = 'horizontal',
): RgbaImage {
  assertDims(length, thickness);
  const cmap = typeof colormap === 'function' ? colormap : getColormap(colormap);
  const [width, height] = orientation === 'horizontal' ? [length, thickness] : [thickness, length];
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = orientation === 'horizontal' ? x : height - 1 - y;
      const [r, g, b] = cmap(length === 1 ? 0.5 : i / (length - 1));
      rgba.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return { rgba, width, height };
}

export function encodePng({ rgba, width, height }: RgbaImage): Uint8Array {
  assertDims(height, width);
  assertSize('rgba', rgba.length, width * height * 4);
  return encode({ width, height, data: rgba, channels: 4, depth: 8 });
}

/**
 * Write a PNG atomically: encode first, write + fsync a temp file in the target's folder,
 * then rename over the target (same filesystem, so the rename is atomic). On failure the
 * temp file is removed and any existing target is left untouched.
 */
export async function writePng(path: string, image: RgbaImage): Promise<void> {
  await writeFileAtomic(path, encodePng(image));
}

import { encode } from 'fast-png';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import { type Colormap, type ColormapName, type RGB, colormapPalette, getColormap, isDiverging } from './colormaps.js';
import { formatTickLabel } from './axis-ticks.js';
import { drawText, missingGlyphs, SMALL_FONT, textWidth } from './pixel-font.js';
import { type IndexedImage, type IndexedPngOptions, writeIndexedPng } from './png.js';

/** 8-bit RGBA image, row-major, 4 bytes per pixel. */
export interface RgbaImage {
  rgba: Uint8Array;
  width: number;
  height: number;
}

/** A rendered heatmap, with the scale that mapped to the colormap's ends (reuse it to render comparable maps). */
export interface HeatmapImage extends RgbaImage {
  scale: number;
  /** Relevance values at the colormap's low and high ends: [−scale, scale] for a diverging map, else [0, scale]. */
  range: [low: number, high: number];
}

/** A heatmap as palette indices (0..255) into its colormap's 256-entry palette. */
export interface IndexedHeatmap extends IndexedImage {
  palette: RGB[];
  scale: number;
  range: [low: number, high: number];
}

/** 'l2' is sqrt(Σ_c R²); 'max-abs' is max_c |R|; 'abs-sum' is Σ_c |R|. */
export const CHANNEL_REDUCTIONS = ['sum', 'abs-sum', 'max-abs', 'l2'] as const;
export type ChannelReduction = (typeof CHANNEL_REDUCTIONS)[number];

/**
 * What is coloured: 'signed' keeps the sign (a diverging map puts 0 at its centre; a sequential
 * map shows the positive part); 'absolute' maps |R| and 'positive' maps max(R, 0), both onto
 * [0, 1] of the colormap (meant for sequential maps such as 'hot').
 */
export const HEATMAP_MODES = ['signed', 'absolute', 'positive'] as const;
export type HeatmapMode = (typeof HEATMAP_MODES)[number];

export interface NormalizeOptions {
  /** Default 'signed'. */
  mode?: HeatmapMode;
  /** In 'signed' mode: treat the colormap as diverging (0 ↦ 0.5). Defaults to the named map's kind, or true for a function. */
  diverging?: boolean;
  /**
   * Value mapped to the colormap's end; default the maximum of the mapped quantity (|R|, or
   * max(R, 0) for 'positive' mode and for sequential maps in 'signed' mode). Pass one scale to compare maps.
   */
  scale?: number;
  /**
   * Instead of the maximum, use this percentile (0 < p ≤ 100, e.g. 99.5) of the mapped quantity
   * over all pixels as the scale; larger values saturate. Cannot be combined with `scale`.
   */
  clipPercentile?: number;
}

export interface RenderOptions extends NormalizeOptions {
  /** Colormap name or function; default 'bwr' in 'signed' mode, 'hot' in the unsigned modes. */
  colormap?: ColormapName | Colormap;
  /** Integer nearest-neighbour upscaling factor; default 1. */
  upscale?: number;
  /** When > 1, the values are channels-last [h, w, channels] and are first reduced with `reduction`. */
  channels?: number;
  /** Channel reduction for `channels` > 1; default 'sum'. */
  reduction?: ChannelReduction;
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

/**
 * Collapse a channels-last [h, w, c] relevance tensor to an h×w map. 'max-abs' takes max_c |R|
 * and 'l2' sqrt(Σ_c R²) (both non-negative).
 */
export function reduceChannels(
  relevance: Float32Array,
  shape: readonly [h: number, w: number, c: number],
  how: ChannelReduction = 'sum',
): Float32Array {
  const [h, w, c] = shape;
  assertDims(h, w);
  if (!CHANNEL_REDUCTIONS.includes(how)) throw new RangeError(`Unknown channel reduction "${how}"; valid: ${CHANNEL_REDUCTIONS.join(', ')}`);
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`Invalid channel count ${c}`);
  assertSize('relevance', relevance.length, h * w * c);
  const out = new Float32Array(h * w);
  for (let p = 0; p < out.length; p++) {
    let acc = 0;
    for (let k = p * c; k < (p + 1) * c; k++) {
      const v = relevance[k]!;
      if (how === 'sum') acc += v;
      else if (how === 'abs-sum') acc += Math.abs(v);
      else if (how === 'l2') acc += v * v;
      else acc = Math.max(acc, Math.abs(v));
    }
    out[p] = how === 'l2' ? Math.sqrt(acc) : acc;
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

/** Nearest-neighbour upscaling of a single-channel (index) image by an integer factor. */
function upscaleIndices(indices: Uint8Array, width: number, height: number, factor: number): Uint8Array {
  if (factor === 1) return indices;
  const W = width * factor;
  const out = new Uint8Array(W * height * factor);
  for (let y = 0; y < height; y++) {
    const rowStart = y * factor * W;
    for (let x = 0; x < width; x++) out.fill(indices[y * width + x]!, rowStart + x * factor, rowStart + (x + 1) * factor);
    for (let d = 1; d < factor; d++) out.copyWithin(rowStart + d * W, rowStart, rowStart + W);
  }
  return out;
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) of the finite values, interpolating linearly between the
 * closest ranks (numpy's default); 0 when there are no finite values.
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  const finite = Float64Array.from(values).filter(Number.isFinite).sort();
  if (finite.length === 0) return 0;
  const pos = (p / 100) * (finite.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, finite.length - 1);
  return finite[lo]! + (finite[hi]! - finite[lo]!) * (pos - lo);
}

export interface NormalizedHeatmap {
  /** Colormap coordinate per pixel, in [0, 1]. */
  t: Float32Array;
  scale: number;
  range: [low: number, high: number];
}


/**
 * Map values to colormap coordinates t ∈ [0, 1] (see `HeatmapMode`). Symmetric ('signed' with a
 * diverging map): t = (clamp(R / s, −1, 1) + 1) / 2, so 0 ↦ 0.5. Otherwise t = clamp(q / s, 0, 1)
 * with q = |R| ('absolute') or max(R, 0). A zero scale or a NaN value gives the neutral t
 * (0.5, resp. 0); never NaN.
 */
export function normalizeHeatmap(map: ArrayLike<number>, opts: NormalizeOptions = {}): NormalizedHeatmap {
  const mode = opts.mode ?? 'signed';
  if (!HEATMAP_MODES.includes(mode)) throw new RangeError(`Unknown heatmap mode "${mode}"; valid modes: ${HEATMAP_MODES.join(', ')}`);
  checkScale(opts.scale);
  if (opts.clipPercentile !== undefined) {
    if (opts.scale !== undefined) throw new RangeError('pass either scale or clipPercentile, not both');
    if (!(opts.clipPercentile > 0 && opts.clipPercentile <= 100)) {
      throw new RangeError(`clipPercentile must be in (0, 100], got ${opts.clipPercentile}`);
    }
  }
  const symmetric = mode === 'signed' && (opts.diverging ?? true);
  const quantity = mode === 'absolute' || symmetric ? Math.abs : (v: number) => Math.max(v, 0);
  let scale = opts.scale;
  if (scale === undefined) {
    scale = opts.clipPercentile === undefined
      ? maxOf(map, quantity)
      : percentile(Float64Array.from(map, (v) => quantity(v)), opts.clipPercentile);
  }
  const t = new Float32Array(map.length);
  const neutral = symmetric ? 0.5 : 0;
  for (let i = 0; i < map.length; i++) {
    const v = map[i]!;
    if (!(scale > 0) || Number.isNaN(v)) t[i] = neutral;
    else if (symmetric) t[i] = (Math.min(1, Math.max(-1, v / scale)) + 1) / 2;
    else t[i] = Math.min(1, quantity(v) / scale);
  }
  return { t, scale, range: symmetric ? [-scale, scale] : [0, scale] };
}

function resolve(opts: RenderOptions): { cmap: Colormap; diverging: boolean } {
  const colormap = opts.colormap ?? ((opts.mode ?? 'signed') === 'signed' ? 'bwr' : 'hot');
  if (typeof colormap === 'function') return { cmap: colormap, diverging: opts.diverging ?? true };
  return { cmap: getColormap(colormap), diverging: opts.diverging ?? isDiverging(colormap) };
}

/** Palette index of a colormap coordinate: round(t·255), so t = 0.5 (zero on a diverging map) is entry 0x80, its centre node. */
function paletteIndex(t: number): number {
  return Math.round(Math.min(1, Math.max(0, t)) * 255);
}

/**
 * Colour an h×w map as palette indices into the colormap's 256-entry palette (`colormapPalette`,
 * zennit's palette for the CMSL maps). Swapping the palette recolours the map. With `channels` > 1
 * the values are channels-last [h, w, c] and are reduced first.
 */
export function renderHeatmapIndexed(values: Float32Array, height: number, width: number, opts: RenderOptions = {}): IndexedHeatmap {
  assertDims(height, width);
  const channels = opts.channels ?? 1;
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`Invalid channel count ${channels}`);
  assertSize(channels > 1 ? 'values' : 'map', values.length, height * width * channels);
  const factor = opts.upscale ?? 1;
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`upscale must be an integer >= 1, got ${factor}`);
  const map = channels > 1 ? reduceChannels(values, [height, width, channels], opts.reduction ?? 'sum') : values;
  const { cmap, diverging } = resolve(opts);
  const { t, scale, range } = normalizeHeatmap(map, { ...opts, diverging });
  const indices = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) indices[i] = paletteIndex(t[i]!);
  return {
    indices: upscaleIndices(indices, width, height, factor),
    palette: colormapPalette(cmap),
    width: width * factor,
    height: height * factor,
    scale,
    range,
  };
}

/** Expand a palette image to RGBA (opaque). */
export function indexedToRgba({ indices, palette, width, height }: IndexedImage): RgbaImage {
  assertDims(height, width);
  assertSize('indices', indices.length, width * height);
  const rgba = new Uint8Array(indices.length * 4);
  for (let i = 0; i < indices.length; i++) {
    const c = palette[indices[i]!];
    if (!c) throw new RangeError(`pixel ${i} has index ${indices[i]} but the palette has ${palette.length} entries`);
    rgba[i * 4] = c[0];
    rgba[i * 4 + 1] = c[1];
    rgba[i * 4 + 2] = c[2];
    rgba[i * 4 + 3] = 255;
  }
  return { rgba, width, height };
}

/**
 * Colour an h×w map (RGBA). Diverging colormaps map −scale..+scale to 0..1 (zero → midpoint);
 * sequential ones map 0..scale to 0..1; see `RenderOptions` for modes and percentile clipping.
 * The colours are those of `renderHeatmapIndexed`, i.e. quantised to the 256-entry palette.
 */
export function renderHeatmap(map: Float32Array, height: number, width: number, opts: RenderOptions = {}): HeatmapImage {
  const indexed = renderHeatmapIndexed(map, height, width, opts);
  return { ...indexedToRgba(indexed), scale: indexed.scale, range: indexed.range };
}

/**
 * Render and write a heatmap as a palette PNG (atomically), with the scale, range and mode in
 * tEXt chunks; returns the rendered indexed heatmap.
 */
export async function writeHeatmapPng(
  path: string,
  values: Float32Array,
  height: number,
  width: number,
  opts: RenderOptions & IndexedPngOptions = {},
): Promise<IndexedHeatmap> {
  const heat = renderHeatmapIndexed(values, height, width, opts);
  const text: Record<string, string> = {
    'xai:scale': String(heat.scale),
    'xai:range': heat.range.join(','),
    'xai:mode': opts.mode ?? 'signed',
    ...(typeof opts.colormap === 'string' ? { 'xai:colormap': opts.colormap } : {}),
    ...opts.text,
  };
  await writeIndexedPng(path, heat, { text });
  return heat;
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

export interface ColorbarLabels {
  /** Values at the bar's low and high ends, e.g. a heatmap's `range`. */
  range: readonly [low: number, high: number];
  /** Number of evenly spaced labels, ends included; default 3. */
  ticks?: number;
  /** Integer pixel size of the 3×5 label font; default 1. */
  fontScale?: number;
  /** Text colour; default black. */
  color?: RGB;
  /** Background of the label strip; default white. */
  background?: RGB;
  /** Label text; default `formatTickLabel`. Only characters of the 3×5 SMALL_FONT (digits, lower case, a little punctuation). */
  format?: (value: number) => string;
}

/**
 * Gradient strip, low end at the left (horizontal) or bottom (vertical), coloured like the
 * heatmaps (through the 256-entry palette). With `labels`, a strip of tick labels is added below
 * (horizontal) or to the right (vertical) of the bar, which keeps its place at the top left.
 */
export function colorbar(
  colormap: ColormapName | Colormap,
  length: number,
  thickness: number,
  orientation: 'horizontal' | 'vertical' = 'horizontal',
  labels?: ColorbarLabels,
): RgbaImage {
  assertDims(length, thickness);
  const palette = colormapPalette(typeof colormap === 'function' ? colormap : getColormap(colormap));
  const horizontal = orientation === 'horizontal';
  const [barW, barH] = horizontal ? [length, thickness] : [thickness, length];

  let texts: { text: string; at: number }[] = [];
  const fs = labels?.fontScale ?? 1;
  if (labels) {
    const n = labels.ticks ?? 3;
    if (!Number.isInteger(n) || n < 2) throw new RangeError(`ticks must be an integer >= 2, got ${n}`);
    if (!Number.isInteger(fs) || fs < 1) throw new RangeError(`fontScale must be an integer >= 1, got ${fs}`);
    const [lo, hi] = labels.range;
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`label range must be finite, got [${lo}, ${hi}]`);
    const format = labels.format ?? formatTickLabel;
    texts = Array.from({ length: n }, (_, j) => ({ text: format(lo + ((hi - lo) * j) / (n - 1)), at: (j / (n - 1)) * (length - 1) }));
    const missing = texts.flatMap((t) => missingGlyphs(t.text, SMALL_FONT));
    if (missing.length > 0) throw new RangeError(`label character "${missing[0]}" is not in the 3×5 label font`);
  }
  const pad = fs;
  const textH = SMALL_FONT.height * fs;
  const maxTextW = Math.max(0, ...texts.map((t) => textWidth(t.text, fs, SMALL_FONT)));
  const [width, height] = !labels ? [barW, barH] : horizontal ? [barW, barH + 2 * pad + textH] : [barW + 2 * pad + maxTextW, barH];

  const rgba = new Uint8Array(width * height * 4);
  if (labels) {
    const [r, g, b] = labels.background ?? [255, 255, 255];
    for (let p = 0; p < width * height; p++) rgba.set([r, g, b, 255], p * 4);
  }
  for (let y = 0; y < barH; y++) {
    for (let x = 0; x < barW; x++) {
      const i = horizontal ? x : barH - 1 - y;
      const [r, g, b] = palette[paletteIndex(length === 1 ? 0.5 : i / (length - 1))]!;
      rgba.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  const color = labels?.color ?? [0, 0, 0];
  const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.round(v)));
  for (const { text, at } of texts) {
    const w = textWidth(text, fs, SMALL_FONT);
    if (horizontal) drawText({ rgba, width, height }, clamp(at - w / 2, width - w), barH + pad, text, color, fs, SMALL_FONT);
    else drawText({ rgba, width, height }, barW + pad, clamp(barH - 1 - at - textH / 2, height - textH), text, color, fs, SMALL_FONT);
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

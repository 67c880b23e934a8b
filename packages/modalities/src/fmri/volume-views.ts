/**
 * Slice views of a relevance volume over an underlay (the input itself or a supplied anatomical
 * volume on any grid): an orthogonal sagittal/coronal/axial figure through a cut point and a
 * mosaic of axial slices, both with a threshold and a colour bar.
 *
 * Conventions: world space is NIfTI's RAS+ millimetres; panels are drawn in the neurological
 * convention (subject's left on the left), anterior up in axial panels, superior up in the others,
 * posterior left in sagittal panels, and every edge carries its orientation letter. Voxel axes are
 * matched to world axes through the affine (an oblique affine gets the closest permutation, no
 * resampling) and pixels are scaled by the voxel sizes, so anisotropic voxels keep their aspect.
 * When the underlay has another grid, each underlay voxel looks up the relevance voxel at the same
 * world position (nearest neighbour).
 */
import {
  Canvas, colorbar, colormapPalette, formatTickLabel, getColormap, InvalidArgumentError, isColormapName, isDiverging, LABEL_FONT, textWidth,
  type ColormapName, type HeatmapMode, type RGB, type RgbaImage,
} from '@xai/core';
import { applyAffine, axisOrientation, invertAffine, multiplyAffine, voxelSizes, type Matrix4 } from './affine.js';

/** A 3-D volume seen through strides: voxel (i, j, k) is data[offset + i·s₀ + j·s₁ + k·s₂]. */
export interface VolumeGrid {
  readonly dims: readonly [number, number, number];
  readonly affine: Matrix4;
  readonly data: ArrayLike<number>;
  readonly strides: readonly [number, number, number];
  readonly offset?: number;
}

export const voxelAt = (g: VolumeGrid, i: number, j: number, k: number): number =>
  g.data[(g.offset ?? 0) + i * g.strides[0] + j * g.strides[1] + k * g.strides[2]]!;

/** A dense grid in nibabel order (i slowest, k fastest), e.g. a volume read with the default axes. */
export function denseGrid(data: ArrayLike<number>, dims: readonly [number, number, number], affine: Matrix4): VolumeGrid {
  return { data, dims, affine, strides: [dims[1] * dims[2], dims[2], 1] };
}

export interface ViewOptions {
  /** Colormap (default 'coldnhot' for signed relevance, 'hot' for the unsigned modes). */
  readonly colormap?: string;
  /** 'signed' (default), 'positive' (R > 0) or 'absolute' (|R|). */
  readonly mode?: HeatmapMode;
  /** Voxels whose mapped value is below threshold × scale stay transparent (default 0.1). */
  readonly threshold?: number;
  /** Colour-scale end (default: the maximum of the mapped value, or clipPercentile of it). */
  readonly scale?: number;
  /** Percentile (0 < p ≤ 100) of the mapped value over voxels where it is non-zero, as the scale. */
  readonly clipPercentile?: number;
  /** Overlay opacity (default 1). */
  readonly alpha?: number;
  /** Cut point: 'peak' of the mapped relevance (default), 'center', or world coordinates in mm. */
  readonly cut?: 'peak' | 'center' | readonly [number, number, number];
  /** Title line above the panels (letters, digits and simple punctuation). */
  readonly title?: string;
  /** Pixels of the longest panel side (default 240). */
  readonly panelSize?: number;
  /** Draw the cut lines in the ortho view (default true). */
  readonly crosshair?: boolean;
}

export type Plane = 'sagittal' | 'coronal' | 'axial';
/** For each plane: the world axis held fixed and the ones running right and up. */
const PLANES: Record<Plane, { fixed: number; h: number; v: number; letters: [string, string, string, string]; coord: string }> = {
  sagittal: { fixed: 0, h: 1, v: 2, letters: ['P', 'A', 'S', 'I'], coord: 'X' },
  coronal: { fixed: 1, h: 0, v: 2, letters: ['L', 'R', 'S', 'I'], coord: 'Y' },
  axial: { fixed: 2, h: 0, v: 1, letters: ['L', 'R', 'A', 'P'], coord: 'Z' },
};

const BACKGROUND: RGB = [0, 0, 0];
const TEXT: RGB = [255, 255, 255];
const CROSSHAIR: RGB = [90, 160, 90];

/** The pieces every view needs: underlay window, relevance lookup, colours, scale and threshold. */
export interface ViewContext {
  readonly underlay: VolumeGrid;
  readonly relevance: VolumeGrid | null;
  readonly window: readonly [number, number];
  /** Relevance at an underlay voxel (NaN outside the relevance grid). */
  readonly relevanceAt: (i: number, j: number, k: number) => number;
  readonly quantity: (r: number) => number;
  readonly palette: RGB[];
  readonly colormap: ColormapName;
  readonly symmetric: boolean;
  readonly scale: number;
  readonly threshold: number;
  readonly alpha: number;
  readonly orientation: ReturnType<typeof axisOrientation>;
  readonly sizes: readonly [number, number, number];
}

const sameGrid = (a: VolumeGrid, b: VolumeGrid) =>
  a.dims.every((d, k) => d === b.dims[k]) && a.affine.every((row, r) => row.every((v, c) => Math.abs(v - b.affine[r]![c]!) < 1e-6));

function robustWindow(g: VolumeGrid): [number, number] {
  const n = g.dims[0] * g.dims[1] * g.dims[2];
  const step = Math.max(1, Math.floor(n / 200_000));
  const sample: number[] = [];
  for (let i = 0; i < g.dims[0]; i++) {
    for (let j = 0; j < g.dims[1]; j++) {
      for (let k = 0; k < g.dims[2]; k++) {
        if (((i * g.dims[1] + j) * g.dims[2] + k) % step !== 0) continue;
        const v = voxelAt(g, i, j, k);
        if (Number.isFinite(v) && v !== 0) sample.push(v);
      }
    }
  }
  if (sample.length === 0) return [0, 1];
  sample.sort((a, b) => a - b);
  const at = (p: number) => sample[Math.min(sample.length - 1, Math.max(0, Math.round((p / 100) * (sample.length - 1))))]!;
  const lo = Math.min(0, at(2));
  const hi = at(99.5);
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** Prepares the shared state of the views of one relevance volume (relevance null: the underlay alone). */
export function viewContext(underlay: VolumeGrid, relevance: VolumeGrid | null, options: ViewOptions = {}): ViewContext {
  const mode = options.mode ?? 'signed';
  const name = options.colormap ?? (mode === 'signed' ? 'coldnhot' : 'hot');
  if (!isColormapName(name)) throw new InvalidArgumentError(`unknown colormap '${name}'`);
  getColormap(name);
  const symmetric = mode === 'signed' && isDiverging(name);
  const quantity = mode === 'absolute' || symmetric ? Math.abs : (r: number) => Math.max(0, r);
  const threshold = options.threshold ?? 0.1;
  if (!(threshold >= 0 && threshold < 1)) throw new InvalidArgumentError(`threshold must be in [0, 1), got ${threshold}`);
  const alpha = options.alpha ?? 1;
  if (!(alpha >= 0 && alpha <= 1)) throw new InvalidArgumentError(`alpha must be in [0, 1], got ${alpha}`);

  let relevanceAt: ViewContext['relevanceAt'] = () => NaN;
  let scale = 0;
  if (relevance) {
    const rel = relevance;
    if (sameGrid(underlay, rel)) {
      relevanceAt = (i, j, k) => voxelAt(rel, i, j, k);
    } else {
      const inv = invertAffine(rel.affine);
      if (!inv) throw new InvalidArgumentError('the relevance volume has a singular affine: it cannot be placed on the anatomical volume');
      const M = multiplyAffine(inv, underlay.affine);
      relevanceAt = (i, j, k) => {
        const [a, b, c] = applyAffine(M, [i, j, k]).map(Math.round) as [number, number, number];
        if (a < 0 || b < 0 || c < 0 || a >= rel.dims[0] || b >= rel.dims[1] || c >= rel.dims[2]) return NaN;
        return voxelAt(rel, a, b, c);
      };
    }
    if (options.scale !== undefined) {
      if (!(options.scale > 0)) throw new InvalidArgumentError(`scale must be > 0, got ${options.scale}`);
      scale = options.scale;
    } else {
      const values: number[] = [];
      for (let i = 0; i < rel.dims[0]; i++) for (let j = 0; j < rel.dims[1]; j++) for (let k = 0; k < rel.dims[2]; k++) {
        const q = quantity(voxelAt(rel, i, j, k));
        if (q > 0 && Number.isFinite(q)) values.push(q);
      }
      if (values.length > 0) {
        if (options.clipPercentile !== undefined) {
          if (!(options.clipPercentile > 0 && options.clipPercentile <= 100)) throw new InvalidArgumentError(`clipPercentile must be in (0, 100], got ${options.clipPercentile}`);
          values.sort((a, b) => a - b);
          scale = values[Math.min(values.length - 1, Math.round((options.clipPercentile / 100) * (values.length - 1)))]!;
        } else {
          scale = values.reduce((a, b) => Math.max(a, b), 0);
        }
      }
    }
  }
  return {
    underlay, relevance, window: robustWindow(underlay), relevanceAt, quantity, palette: colormapPalette(name), colormap: name, symmetric,
    scale, threshold: threshold * scale, alpha, orientation: axisOrientation(underlay.affine), sizes: voxelSizes(underlay.affine),
  };
}

/** Underlay voxel nearest to a voxel of the relevance grid (same world position). */
function relevanceToUnderlay(ctx: ViewContext, v: readonly number[]): [number, number, number] {
  const u = ctx.underlay;
  const clamp = (x: number, n: number) => Math.min(n - 1, Math.max(0, Math.round(x)));
  const inv = invertAffine(u.affine);
  const p = inv ? applyAffine(inv, applyAffine(ctx.relevance!.affine, v)) : v;
  return [clamp(p[0]!, u.dims[0]), clamp(p[1]!, u.dims[1]), clamp(p[2]!, u.dims[2])];
}

/** Visits the relevance voxels whose mapped value reaches the threshold (and is > 0). */
function forSupraThreshold(ctx: ViewContext, visit: (i: number, j: number, k: number, q: number) => void): void {
  const rel = ctx.relevance;
  if (!rel || ctx.scale === 0) return;
  for (let i = 0; i < rel.dims[0]; i++) for (let j = 0; j < rel.dims[1]; j++) for (let k = 0; k < rel.dims[2]; k++) {
    const q = ctx.quantity(voxelAt(rel, i, j, k));
    if (q > 0 && q >= ctx.threshold) visit(i, j, k, q);
  }
}

/** Underlay voxel of the cut: the relevance peak (found on the relevance grid), the centre, or a world point. */
export function cutVoxel(ctx: ViewContext, cut: ViewOptions['cut'] = 'peak'): [number, number, number] {
  const { underlay: u } = ctx;
  const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, Math.round(v)));
  if (Array.isArray(cut)) {
    const inv = invertAffine(u.affine);
    if (!inv) throw new InvalidArgumentError('the underlay has a singular affine: world cut coordinates cannot be placed');
    const p = applyAffine(inv, cut as number[]);
    return [clamp(p[0], u.dims[0]), clamp(p[1], u.dims[1]), clamp(p[2], u.dims[2])];
  }
  const center: [number, number, number] = [u.dims[0] >> 1, u.dims[1] >> 1, u.dims[2] >> 1];
  if (cut === 'center' || !ctx.relevance || ctx.scale === 0) return center;
  let best = -Infinity;
  let at: number[] | null = null;
  forSupraThreshold(ctx, (i, j, k, q) => {
    if (q > best) {
      best = q;
      at = [i, j, k];
    }
  });
  return at ? relevanceToUnderlay(ctx, at) : center;
}

/** Colour of a palette entry for relevance r (null: below threshold or outside). */
function overlayColor(ctx: ViewContext, r: number): RGB | null {
  if (!Number.isFinite(r) || ctx.scale === 0) return null;
  const q = ctx.quantity(r);
  if (q < ctx.threshold || q === 0) return null;
  const t = ctx.symmetric ? (Math.min(1, Math.max(-1, r / ctx.scale)) + 1) / 2 : Math.min(1, q / ctx.scale);
  return ctx.palette[Math.round(t * 255)]!;
}

/** Pixels per millimetre so that the largest extent of the underlay spans `size` pixels. */
function pixelsPerMm(ctx: ViewContext, size: number): number {
  const extent = [0, 1, 2].map((v) => ctx.underlay.dims[v]! * ctx.sizes[v]!);
  return size / Math.max(...extent, 1e-9);
}

/** One slice through `at` (underlay voxel), drawn in the plane's display convention. */
export function renderPlane(ctx: ViewContext, plane: Plane, at: readonly [number, number, number], pxPerMm: number, crosshair = false): RgbaImage {
  const { world, sign } = ctx.orientation;
  const spec = PLANES[plane];
  const axisOf = (w: number) => world.indexOf(w as 0 | 1 | 2);
  const [vh, vv] = [axisOf(spec.h), axisOf(spec.v)];
  const [nh, nv] = [ctx.underlay.dims[vh]!, ctx.underlay.dims[vv]!];
  const [ph, pv] = [Math.max(1e-9, ctx.sizes[vh]! * pxPerMm), Math.max(1e-9, ctx.sizes[vv]! * pxPerMm)];
  const width = Math.max(1, Math.round(nh * ph));
  const height = Math.max(1, Math.round(nv * pv));
  const image = new Canvas(width, height, BACKGROUND);
  const [lo, hi] = ctx.window;
  const voxel = [...at];
  // Index along an in-plane axis for a pixel: world coordinate grows rightwards / upwards.
  const hIndex = (x: number) => {
    const c = Math.min(nh - 1, Math.floor((x + 0.5) / ph));
    return sign[vh]! > 0 ? c : nh - 1 - c;
  };
  const vIndex = (y: number) => {
    const r = Math.min(nv - 1, Math.floor((y + 0.5) / pv));
    return sign[vv]! > 0 ? nv - 1 - r : r;
  };
  for (let y = 0; y < height; y++) {
    voxel[vv] = vIndex(y);
    for (let x = 0; x < width; x++) {
      voxel[vh] = hIndex(x);
      const [i, j, k] = voxel as [number, number, number];
      const u = voxelAt(ctx.underlay, i, j, k);
      const g = Number.isFinite(u) ? Math.round(255 * Math.min(1, Math.max(0, (u - lo) / (hi - lo)))) : 0;
      const o = (y * width + x) * 4;
      const c = overlayColor(ctx, ctx.relevanceAt(i, j, k));
      const a = c ? ctx.alpha : 0;
      image.rgba[o] = Math.round((1 - a) * g + a * (c?.[0] ?? 0));
      image.rgba[o + 1] = Math.round((1 - a) * g + a * (c?.[1] ?? 0));
      image.rgba[o + 2] = Math.round((1 - a) * g + a * (c?.[2] ?? 0));
    }
  }
  if (crosshair) {
    const xPix = ((sign[vh]! > 0 ? at[vh]! : nh - 1 - at[vh]!) + 0.5) * ph;
    const yPix = ((sign[vv]! > 0 ? nv - 1 - at[vv]! : at[vv]!) + 0.5) * pv;
    for (let y = 0; y < height; y += 3) image.rgba.set([...CROSSHAIR, 255], (y * width + Math.min(width - 1, Math.floor(xPix))) * 4);
    for (let x = 0; x < width; x += 3) image.rgba.set([...CROSSHAIR, 255], (Math.min(height - 1, Math.floor(yPix)) * width + x) * 4);
  }
  return image;
}

/** World coordinate (mm) of the cut along a plane's fixed axis. */
function cutCoordinate(ctx: ViewContext, plane: Plane, at: readonly [number, number, number]): number {
  return applyAffine(ctx.underlay.affine, at)[PLANES[plane].fixed]!;
}

/** Vertical colour bar with tick labels; the sub-threshold band is greyed out. */
function colourBar(ctx: ViewContext, length: number): RgbaImage {
  const range: [number, number] = ctx.symmetric ? [-ctx.scale, ctx.scale] : [0, ctx.scale];
  const bar = colorbar(ctx.colormap, length, 14, 'vertical', { range, ticks: 5, fontScale: 2, color: [255, 255, 255], background: [0, 0, 0] });
  for (let y = 0; y < length; y++) {
    const value = range[0] + ((range[1] - range[0]) * (length - 1 - y)) / Math.max(1, length - 1);
    if (ctx.quantity(value) >= ctx.threshold) continue;
    for (let x = 0; x < 14; x++) bar.rgba.set([96, 96, 96, 255], (y * bar.width + x) * 4);
  }
  return bar;
}

export interface OrthoView {
  readonly image: RgbaImage;
  /** Underlay voxel and world point (mm) of the cut. */
  readonly cutVoxel: readonly [number, number, number];
  readonly cutWorld: readonly [number, number, number];
  readonly scale: number;
  readonly threshold: number;
}

const titleScale = (size: number) => (size >= 200 ? 2 : 1);

/** Sagittal, coronal and axial panels through the cut, with orientation letters, cut coordinates and colour bar. */
export function orthoView(ctx: ViewContext, options: ViewOptions = {}): OrthoView {
  const size = options.panelSize ?? 240;
  const at = cutVoxel(ctx, options.cut);
  const pxPerMm = pixelsPerMm(ctx, size);
  const planes: Plane[] = ['sagittal', 'coronal', 'axial'];
  const panels = planes.map((p) => renderPlane(ctx, p, at, pxPerMm, options.crosshair ?? true));
  const fs = titleScale(size);
  const gap = 10 * fs;
  const textH = LABEL_FONT.capHeight * fs;
  const titleH = options.title ? textH + 2 * gap : gap;
  const panelH = Math.max(...panels.map((p) => p.height));
  const showBar = ctx.relevance !== null && ctx.scale > 0;
  const bar = showBar ? colourBar(ctx, Math.max(40, panelH)) : null;
  const letterW = textWidth('M', fs);
  const width = gap + panels.reduce((s, p) => s + p.width + 2 * letterW + 2 * gap, 0) + (bar ? bar.width + gap : 0);
  const height = titleH + textH + gap / 2 + panelH + 2 * textH + 2 * gap;
  const canvas = new Canvas(width, height, BACKGROUND);
  if (options.title) canvas.text(gap, gap, options.title.toUpperCase(), TEXT, fs);
  let x = gap;
  planes.forEach((plane, n) => {
    const panel = panels[n]!;
    const [left, right, top, bottom] = PLANES[plane].letters;
    const px = x + letterW + gap / 2;
    const py = titleH + textH + gap / 2 + (panelH - panel.height) / 2;
    canvas.draw(panel, px, Math.round(py));
    const midY = Math.round(py + panel.height / 2 - textH / 2);
    canvas.text(x, midY, left.toUpperCase(), TEXT, fs);
    canvas.text(px + panel.width + gap / 2, midY, right.toUpperCase(), TEXT, fs);
    canvas.text(Math.round(px + panel.width / 2 - letterW / 2), Math.round(py - textH - 2), top.toUpperCase(), TEXT, fs);
    canvas.text(Math.round(px + panel.width / 2 - letterW / 2), Math.round(py + panel.height + 2), bottom.toUpperCase(), TEXT, fs);
    const label = `${PLANES[plane].coord}=${formatTickLabel(Math.round(cutCoordinate(ctx, plane, at) * 10) / 10)}`;
    canvas.text(px, Math.round(py + panel.height + textH + gap / 2), label.toUpperCase(), TEXT, fs);
    x = px + panel.width + letterW + gap + gap / 2;
  });
  if (bar) canvas.draw(bar, x, titleH + textH + gap / 2);
  return { image: canvas, cutVoxel: at, cutWorld: applyAffine(ctx.underlay.affine, at), scale: ctx.scale, threshold: ctx.threshold };
}

export interface MosaicOptions extends ViewOptions {
  /** Number of axial slices (default 12). */
  readonly slices?: number;
  /** Columns of the grid (default 6). */
  readonly columns?: number;
}

/** A grid of axial slices (those holding supra-threshold relevance, evenly spaced), each with its z in mm. */
export function axialMosaic(ctx: ViewContext, options: MosaicOptions = {}): { image: RgbaImage; slices: number[] } {
  const { world } = ctx.orientation;
  const vz = world.indexOf(2);
  const nz = ctx.underlay.dims[vz]!;
  const withRelevance = new Set<number>();
  forSupraThreshold(ctx, (i, j, k) => withRelevance.add(relevanceToUnderlay(ctx, [i, j, k])[vz]!));
  let candidates = [...withRelevance].sort((a, b) => a - b);
  if (candidates.length === 0) candidates = Array.from({ length: nz }, (_, s) => s);
  const count = Math.min(options.slices ?? 12, candidates.length);
  const chosen = Array.from({ length: count }, (_, n) => candidates[Math.round((n * (candidates.length - 1)) / Math.max(1, count - 1))]!);
  const slices = [...new Set(chosen)].sort((p, q) => ctx.orientation.sign[vz]! > 0 ? p - q : q - p);
  const tile = options.panelSize ?? 120;
  const pxPerMm = pixelsPerMm(ctx, tile);
  const center = cutVoxel(ctx, 'center');
  const tiles = slices.map((s) => {
    const at = [...center] as [number, number, number];
    at[vz] = s;
    return { image: renderPlane(ctx, 'axial', at, pxPerMm), z: cutCoordinate(ctx, 'axial', at) };
  });
  const cols = Math.min(options.columns ?? 6, tiles.length);
  const rows = Math.ceil(tiles.length / cols);
  const tw = Math.max(...tiles.map((t) => t.image.width));
  const th = Math.max(...tiles.map((t) => t.image.height));
  const gap = 8;
  const textH = LABEL_FONT.capHeight;
  const showBar = ctx.relevance !== null && ctx.scale > 0;
  const bar = showBar ? colourBar(ctx, Math.max(40, Math.min(rows * (th + textH + gap) - gap, 240))) : null;
  const titleH = options.title ? 2 * LABEL_FONT.capHeight + 2 * gap : gap;
  const width = gap + cols * (tw + gap) + (bar ? bar.width + gap : 0);
  const height = titleH + rows * (th + textH + 2 + gap) + gap;
  const canvas = new Canvas(width, height, BACKGROUND);
  if (options.title) canvas.text(gap, gap, options.title.toUpperCase(), TEXT, 2);
  tiles.forEach((t, n) => {
    const x = gap + (n % cols) * (tw + gap);
    const y = titleH + Math.floor(n / cols) * (th + textH + 2 + gap);
    canvas.draw(t.image, x + Math.floor((tw - t.image.width) / 2), y);
    canvas.text(x, y + th + 2, `Z=${formatTickLabel(Math.round(t.z * 10) / 10)}`.toUpperCase(), TEXT, 1);
  });
  if (bar) canvas.draw(bar, gap + cols * (tw + gap), titleH);
  // Thin frame lines between rows keep tiles apart on dark backgrounds.
  for (let r = 1; r < rows; r++) canvas.line(gap, titleH + r * (th + textH + 2 + gap) - gap / 2, gap + cols * (tw + gap) - gap, titleH + r * (th + textH + 2 + gap) - gap / 2, [40, 40, 40]);
  return { image: canvas, slices };
}

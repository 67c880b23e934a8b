/**
 * Relevance time courses of a 4-D input: for each region (a voxel mask) the summed relevance of
 * its voxels at every volume, as CSV and as a line plot.
 */
import { Canvas, formatTickLabel, LABEL_FONT, niceTicks, textWidth, type RGB, type RgbaImage } from '@xai/core';
import type { VolumeGrid } from './volume-views.js';

/** A 4-D relevance: the grid of volume 0 and the element step from one volume to the next. */
export interface RelevanceSeries {
  readonly grid: VolumeGrid;
  readonly timeStride: number;
  readonly volumes: number;
}

export interface Region {
  readonly name: string;
  /** One byte per voxel of the series' grid in nibabel order (i slowest, k fastest); non-zero = inside. */
  readonly mask: Uint8Array;
}

export interface TimeCourse {
  readonly name: string;
  /** Number of voxels of the region. */
  readonly voxels: number;
  /** Σ relevance over the region's voxels, one value per volume. */
  readonly values: Float64Array;
}

export function timeCourses(series: RelevanceSeries, regions: readonly Region[]): TimeCourse[] {
  const g = series.grid;
  const [ni, nj, nk] = g.dims;
  return regions.map(({ name, mask }) => {
    const values = new Float64Array(series.volumes);
    let voxels = 0;
    for (let i = 0, p = 0; i < ni; i++) for (let j = 0; j < nj; j++) for (let k = 0; k < nk; k++, p++) {
      if (!mask[p]) continue;
      voxels++;
      const at = (g.offset ?? 0) + i * g.strides[0] + j * g.strides[1] + k * g.strides[2];
      for (let t = 0; t < series.volumes; t++) values[t] += g.data[at + t * series.timeStride]!;
    }
    return { name, voxels, values };
  });
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** CSV: volume, time and one column per region (Σ relevance). */
export function timeCourseCsv(times: readonly number[], courses: readonly TimeCourse[], timeUnit = 's'): string {
  const head = ['volume', `time_${timeUnit}`, ...courses.map((c) => c.name)].map(csvField).join(',');
  const rows = times.map((t, v) => [String(v), String(t), ...courses.map((c) => String(c.values[v]))].join(','));
  return [head, ...rows].join('\n') + '\n';
}

// Tick steps of 1, 2, 2.5 or 5 × 10^k.
const TICK_STEPS = [1, 2, 2.5, 5];

const SERIES_COLORS: RGB[] = [[214, 39, 40], [31, 119, 180], [44, 160, 44], [255, 127, 14], [148, 103, 189], [140, 86, 75], [227, 119, 194]];

export interface PlotOptions {
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly width?: number;
  readonly height?: number;
}

/** A line plot of the time courses (white background, legend, ticks, zero line). */
export function timeCoursePlot(times: readonly number[], courses: readonly TimeCourse[], options: PlotOptions = {}): RgbaImage {
  const H = options.height ?? 360;
  const legendW = Math.max(0, ...courses.map((c) => textWidth(c.name))) + 30;
  const W = (options.width ?? 720) + legendW;
  const [left, right, top, bottom] = [78, 24 + legendW, options.title ? 44 : 20, 54];
  const canvas = new Canvas(W, H, [255, 255, 255]);
  const ink: RGB = [30, 30, 30];
  const all = courses.flatMap((c) => [...c.values]).filter(Number.isFinite);
  let lo = Math.min(0, ...all);
  let hi = Math.max(0, ...all);
  if (hi === lo) hi = lo + 1;
  const pad = (hi - lo) * 0.05;
  [lo, hi] = [lo - (lo < 0 ? pad : 0), hi + pad];
  const t0 = times[0] ?? 0;
  const t1 = times.length > 1 ? times[times.length - 1]! : t0 + 1;
  const X = (t: number) => left + ((t - t0) / (t1 - t0 || 1)) * (W - left - right);
  const Y = (v: number) => top + (1 - (v - lo) / (hi - lo)) * (H - top - bottom);

  if (options.title) canvas.text(left, 12, options.title.toUpperCase(), ink, 2);
  // grid, ticks and labels
  for (const v of niceTicks(lo, hi, 5, TICK_STEPS)) {
    const y = Math.round(Y(v));
    canvas.line(left, y, W - right, y, v === 0 ? [150, 150, 150] : [228, 228, 228]);
    const text = formatTickLabel(v);
    canvas.text(left - 6 - textWidth(text), y - 3, text.toUpperCase(), ink);
  }
  const xTicks = times.length <= 24 ? times : niceTicks(t0, t1, 7, TICK_STEPS);
  for (const t of xTicks) {
    const x = Math.round(X(t));
    canvas.line(x, H - bottom, x, H - bottom + 4, ink);
    const text = formatTickLabel(t);
    canvas.text(x - textWidth(text) / 2, H - bottom + 8, text.toUpperCase(), ink);
  }
  canvas.line(left, top, left, H - bottom, ink);
  canvas.line(left, H - bottom, W - right, H - bottom, ink);
  if (options.xLabel) canvas.text((W - textWidth(options.xLabel)) / 2, H - 18, options.xLabel.toUpperCase(), ink);
  if (options.yLabel) canvas.text(6, top - 14 + (options.title ? 0 : 10), options.yLabel.toUpperCase(), ink);

  courses.forEach((c, n) => {
    const color = SERIES_COLORS[n % SERIES_COLORS.length]!;
    for (let v = 1; v < c.values.length; v++) canvas.line(X(times[v - 1]!), Y(c.values[v - 1]!), X(times[v]!), Y(c.values[v]!), color, { width: 2 });
    for (let v = 0; v < c.values.length; v++) canvas.rect(Math.round(X(times[v]!)) - 2, Math.round(Y(c.values[v]!)) - 2, 5, 5, color);
    // legend, right of the plot area
    const text = c.name;
    const lx = W - legendW + 4;
    const ly = top + 6 + n * (LABEL_FONT.capHeight + 8);
    canvas.rect(lx, ly + 2, 12, 3, color);
    canvas.text(lx + 16, ly, text.toUpperCase(), ink);
  });
  return canvas;
}

/**
 * The figures of an analysis run, drawn on core's Canvas as PNG bytes: a 2-D embedding as a scatter
 * plot, the Laplacian's eigenvalue spectrum, and a gallery of samples beside their heatmaps.
 */
import { Canvas, formatTickLabel, niceTicks, renderHeatmap, textWidth, upscaleNearest, type Colour } from '@xai/core';

const INK: Colour = [30, 30, 30];
const GRID: Colour = [228, 228, 228];
/** Category colours (tab10), one per cluster or label. */
export const CATEGORY_COLOURS: readonly Colour[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];
const colourOf = (k: number): Colour => CATEGORY_COLOURS[((k % CATEGORY_COLOURS.length) + CATEGORY_COLOURS.length) % CATEGORY_COLOURS.length]!;

/** Points coloured by a category (cluster or label), with a legend of the categories' names. */
export function scatterPlot(points: ReadonlyArray<readonly [number, number]>, categories: ArrayLike<number>, options: { title?: string; names?: (c: number) => string; size?: number } = {}): Uint8Array {
  const size = options.size ?? 480;
  const [left, top, legend] = [16, options.title ? 34 : 16, 130];
  const canvas = new Canvas(size + legend, size + top);
  if (options.title) canvas.text(left, 10, options.title.toUpperCase(), INK);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const inner = size - 2 * left;
  const X = (x: number) => left + 6 + ((x - x0) / (x1 - x0 || 1)) * (inner - 12);
  const Y = (y: number) => top + 6 + (1 - (y - y0) / (y1 - y0 || 1)) * (inner - 12);
  canvas.frame(left, top, inner, inner, [200, 200, 200]);
  points.forEach((p, i) => canvas.disc(X(p[0]), Y(p[1]), 3, colourOf(categories[i]!)));
  const seen = [...new Set(Array.from(categories))].sort((a, b) => a - b);
  seen.forEach((c, n) => {
    const y = top + 8 + n * 18;
    canvas.disc(size + 4, y + 3, 4, colourOf(c));
    canvas.text(size + 14, y, (options.names?.(c) ?? String(c)).toUpperCase(), INK);
  });
  return canvas.png();
}

/** The smallest eigenvalues, one bar each, the eigengap's choice marked. */
export function spectrumPlot(eigenvalues: readonly number[], chosen: number, options: { title?: string } = {}): Uint8Array {
  const [width, height] = [520, 300];
  const [left, right, top, bottom] = [56, 16, options.title ? 40 : 16, 44];
  const canvas = new Canvas(width, height);
  if (options.title) canvas.text(left, 12, options.title.toUpperCase(), INK);
  const hi = Math.max(1e-6, ...eigenvalues);
  const ticks = niceTicks(0, hi, 5);
  const top1 = Math.max(hi, ticks.at(-1) ?? hi);
  const Y = (v: number) => top + (1 - v / top1) * (height - top - bottom);
  for (const v of ticks) {
    const y = Math.round(Y(v));
    canvas.line(left, y, width - right, y, GRID);
    const text = formatTickLabel(v);
    canvas.text(left - 6 - textWidth(text), y - 3, text, INK);
  }
  const slot = (width - left - right) / eigenvalues.length;
  eigenvalues.forEach((v, i) => {
    const x = left + i * slot + slot * 0.15;
    const y = Y(v);
    canvas.rect(Math.round(x), Math.round(y), Math.max(1, Math.round(slot * 0.7)), Math.max(1, Math.round(height - bottom - y)), i < chosen ? [214, 39, 40] : [31, 119, 180]);
    const label = String(i + 1);
    canvas.text(x + slot * 0.35 - textWidth(label) / 2, height - bottom + 6, label, INK);
  });
  canvas.line(left, height - bottom, width - right, height - bottom, INK);
  const note = `EIGENVALUE INDEX (EIGENGAP: ${chosen} CLUSTER${chosen === 1 ? '' : 'S'})`;
  canvas.text((width - textWidth(note)) / 2, height - 18, note, INK);
  return canvas.png();
}

/** One row of a gallery: a label and samples, each an RGB image [h, w, 3] in [0, 1] with its relevance [h, w] (channel-summed). */
export interface GalleryRow {
  readonly label: string;
  readonly items: ReadonlyArray<{ readonly image?: Float32Array; readonly heatmap: Float32Array }>;
}

/** Rows of samples, each shown as image (when given) beside its heatmap (red: for, blue: against), upscaled. */
export function galleryPlot(rows: readonly GalleryRow[], side: readonly [number, number], options: { title?: string; scale?: number } = {}): Uint8Array {
  const scale = options.scale ?? 3;
  const [h, w] = [side[0] * scale, side[1] * scale];
  const gap = 6;
  const labelWidth = 140;
  const hasImage = rows.some((r) => r.items.some((i) => i.image));
  const cell = (hasImage ? 2 * w + 2 : w) + gap;
  const columns = Math.max(1, ...rows.map((r) => r.items.length));
  const top = options.title ? 32 : 8;
  const canvas = new Canvas(labelWidth + columns * cell + gap, top + rows.length * (h + gap) + gap);
  if (options.title) canvas.text(8, 10, options.title.toUpperCase(), INK);
  rows.forEach((row, r) => {
    const y = top + r * (h + gap);
    canvas.text(8, y + h / 2 - 4, row.label.toUpperCase(), INK);
    row.items.forEach((item, k) => {
      let x = labelWidth + k * cell;
      const heat = renderHeatmap(item.heatmap, side[0], side[1]);
      if (item.image) {
        const image = { rgba: rgbaOf(item.image), width: side[1], height: side[0] };
        canvas.draw(upscaleNearest(image, scale), x, y);
        x += w + 2;
        canvas.draw(upscaleNearest(heat, scale), x, y);
      } else canvas.draw(upscaleNearest(heat, scale), x, y);
    });
  });
  return canvas.png();
}

function rgbaOf(rgb: Float32Array): Uint8Array {
  const n = rgb.length / 3;
  const out = new Uint8Array(n * 4);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) out[p * 4 + c] = Math.round(Math.min(1, Math.max(0, rgb[p * 3 + c]!)) * 255);
    out[p * 4 + 3] = 255;
  }
  return out;
}

/**
 * A contact sheet: frames in a grid, each labelled with its clip position and time; with relevance,
 * each frame is underlined by a bar of its share of the temporal relevance |r_t| (the temporal profile at a glance) and
 * core's colour bar shows the relevance range.
 */
import { colorbar, type ColormapName, type RgbaImage } from '@xai/core';
import { createCanvas, fillRect, paste, type Color } from '../fmri/canvas.js';
import { drawLabel, FONT_HEIGHT, labelWidth } from '../fmri/pixel-font.js';

export interface ContactSheetOptions {
  readonly title: string;
  /** Sample time of every frame, in seconds. */
  readonly times: readonly number[];
  /** Frames per row; default min(T, 6). */
  readonly columns?: number;
  /** Each frame's share of the temporal relevance, |r_t| / Σ_t |r_t| (drawn as bars with percentages). */
  readonly shares?: readonly number[];
  /** The overlay colouring, for the colour bar. */
  readonly scale?: { readonly colormap: ColormapName; readonly range: readonly [number, number] };
}

const INK: Color = [30, 30, 30];
const BAR: Color = [214, 39, 40];
const GAP = 10;
const LABEL_H = FONT_HEIGHT + 6;

const formatTime = (t: number) => `${Math.round(t * 1000) / 1000} S`;

export function contactSheet(frames: readonly RgbaImage[], options: ContactSheetOptions): RgbaImage {
  const columns = Math.max(1, Math.min(options.columns ?? 6, frames.length));
  const gridRows = Math.ceil(frames.length / columns);
  const { width: fw, height: fh } = frames[0]!;
  const shareH = options.shares ? FONT_HEIGHT + 14 : 0;
  const cellW = Math.max(fw, labelWidth('#00 00.000 S'));
  const cellH = LABEL_H + fh + shareH;
  const top = 12 + 2 * FONT_HEIGHT + 12;
  const bar = options.scale
    ? colorbar(options.scale.colormap, Math.min(columns * (cellW + GAP) - GAP, 320), 10, 'horizontal', { range: [...options.scale.range] as [number, number], ticks: 3, fontScale: 2 })
    : null;
  const width = Math.max(GAP + columns * (cellW + GAP), labelWidth(options.title, 2) + 2 * GAP);
  const height = top + gridRows * (cellH + GAP) + (bar ? bar.height + GAP : 0);
  const canvas = createCanvas(width, height, [255, 255, 255]);
  drawLabel(canvas, GAP, 12, options.title, INK, 2);
  const maxShare = Math.max(...(options.shares ?? [0]), 1e-12);
  frames.forEach((frame, t) => {
    const x = GAP + (t % columns) * (cellW + GAP);
    const y = top + Math.floor(t / columns) * (cellH + GAP);
    drawLabel(canvas, x, y, `#${t} ${formatTime(options.times[t] ?? 0)}`, INK);
    paste(canvas, frame, x, y + LABEL_H);
    const share = options.shares?.[t];
    if (share === undefined) return;
    // share of the temporal relevance: a bar scaled to the largest share in the clip, and the percentage
    const barY = y + LABEL_H + fh + 3;
    fillRect(canvas, x, barY, fw, 4, [232, 232, 232]);
    fillRect(canvas, x, barY, Math.round((fw * share) / maxShare), 4, BAR);
    const pct = `${(100 * share).toFixed(1)}%`;
    drawLabel(canvas, x + fw - labelWidth(pct), barY + 7, pct, INK);
  });
  if (bar) paste(canvas, bar, GAP, height - bar.height - GAP);
  return canvas;
}

/**
 * A contact sheet: frames in a grid, each labelled with its clip position and time; with relevance,
 * each frame is underlined by a bar of its share of the temporal relevance |r_t| (the temporal profile at a glance) and
 * core's colour bar shows the relevance range.
 */
import { Canvas, colorbar, LABEL_FONT, textWidth, type ColormapName, type RGB, type RgbaImage } from '@xai/core';

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

const INK: RGB = [30, 30, 30];
const BAR: RGB = [214, 39, 40];
const GAP = 10;
const LABEL_H = LABEL_FONT.capHeight + 6;

const formatTime = (t: number) => `${Math.round(t * 1000) / 1000} S`;

export function contactSheet(frames: readonly RgbaImage[], options: ContactSheetOptions): RgbaImage {
  const columns = Math.max(1, Math.min(options.columns ?? 6, frames.length));
  const gridRows = Math.ceil(frames.length / columns);
  const { width: fw, height: fh } = frames[0]!;
  const shareH = options.shares ? LABEL_FONT.capHeight + 14 : 0;
  const cellW = Math.max(fw, textWidth('#00 00.000 S'));
  const cellH = LABEL_H + fh + shareH;
  const top = 12 + 2 * LABEL_FONT.capHeight + 12;
  const bar = options.scale
    ? colorbar(options.scale.colormap, Math.min(columns * (cellW + GAP) - GAP, 320), 10, 'horizontal', { range: [...options.scale.range] as [number, number], ticks: 3, fontScale: 2 })
    : null;
  const width = Math.max(GAP + columns * (cellW + GAP), textWidth(options.title, 2) + 2 * GAP);
  const height = top + gridRows * (cellH + GAP) + (bar ? bar.height + GAP : 0);
  const canvas = new Canvas(width, height, [255, 255, 255]);
  canvas.text(GAP, 12, options.title.toUpperCase(), INK, 2);
  const maxShare = Math.max(...(options.shares ?? [0]), 1e-12);
  frames.forEach((frame, t) => {
    const x = GAP + (t % columns) * (cellW + GAP);
    const y = top + Math.floor(t / columns) * (cellH + GAP);
    canvas.text(x, y, `#${t} ${formatTime(options.times[t] ?? 0)}`.toUpperCase(), INK);
    canvas.draw(frame, x, y + LABEL_H);
    const share = options.shares?.[t];
    if (share === undefined) return;
    // share of the temporal relevance: a bar scaled to the largest share in the clip, and the percentage
    const barY = y + LABEL_H + fh + 3;
    canvas.rect(x, barY, fw, 4, [232, 232, 232]);
    canvas.rect(x, barY, Math.round((fw * share) / maxShare), 4, BAR);
    const pct = `${(100 * share).toFixed(1)}%`;
    canvas.text(x + fw - textWidth(pct), barY + 7, pct.toUpperCase(), INK);
  });
  if (bar) canvas.draw(bar, GAP, height - bar.height - GAP);
  return canvas;
}

/** Relevance per channel (bars) and per channel and frequency band (a table coloured by value). */
import { BLACK, Canvas, colorbar, colormapPalette, formatTickLabel, getColormap, niceTicks, textWidth, WHITE, type ColormapName } from '@xai/core';
import type { Band } from '../spectral.js';
import { GREY, LIGHT_GREY } from './ink.js';

const bandLabel = (b: Band) => (Number.isFinite(b.high) ? `${b.low}-${b.high}` : `${b.low}+`);

/**
 * Horizontal bars of each channel's summed relevance (signed; red positive, blue negative with
 * 'bwr'), with each channel's share of the total |relevance| printed at the right.
 */
export function renderChannelBars(channels: readonly string[], sums: ArrayLike<number>, absSums: ArrayLike<number>, options: { title?: string; colormap?: ColormapName } = {}): Uint8Array {
  const C = channels.length;
  const palette = colormapPalette(getColormap(options.colormap ?? 'bwr'));
  const rowH = Math.max(10, Math.min(18, Math.floor(520 / C)));
  const left = 10 + Math.max(...channels.map((c) => textWidth(c))) + 6;
  const plotW = 360;
  const titleH = options.title ? 18 : 6;
  const width = left + plotW + 70;
  const height = titleH + C * rowH + 30;
  const canvas = new Canvas(width, height, WHITE);
  if (options.title) canvas.text(8, 4, options.title, BLACK);
  let lo = 0;
  let hi = 0;
  for (let c = 0; c < C; c++) {
    lo = Math.min(lo, sums[c]!);
    hi = Math.max(hi, sums[c]!);
  }
  if (hi === lo) hi = lo + 1;
  const ticks = niceTicks(lo, hi, 5);
  const [a, b] = [Math.min(lo, ticks[0]!), Math.max(hi, ticks.at(-1)!)];
  const xOf = (v: number) => left + ((v - a) / (b - a)) * plotW;
  const total = Array.from({ length: C }, (_, c) => absSums[c]!).reduce((p, q) => p + q, 0) || 1;
  for (const t of ticks) canvas.line(xOf(t), titleH, xOf(t), titleH + C * rowH, LIGHT_GREY);
  for (let c = 0; c < C; c++) {
    const y = titleH + c * rowH;
    const v = sums[c]!;
    const x0 = xOf(0);
    const x1 = xOf(v);
    const colour = palette[v >= 0 ? 230 : 25]!;
    canvas.rect(Math.min(x0, x1), y + 2, Math.max(1, Math.abs(x1 - x0)), rowH - 4, colour);
    canvas.text(left - 6, y + Math.floor((rowH - 7) / 2), channels[c]!, BLACK, 1, 'right');
    canvas.text(left + plotW + 8, y + Math.floor((rowH - 7) / 2), `${((100 * absSums[c]!) / total).toFixed(1)}%`, GREY);
  }
  canvas.line(xOf(0), titleH, xOf(0), titleH + C * rowH, BLACK);
  for (const t of ticks) canvas.text(xOf(t), titleH + C * rowH + 5, formatTickLabel(t), BLACK, 1, 'center');
  canvas.text(left + plotW / 2, titleH + C * rowH + 17, 'summed relevance  (right: share of |R|)', BLACK, 1, 'center');
  return canvas.png();
}

/** A channels × bands table, each cell coloured by its relevance (shared symmetric scale), plus a total row. */
export function renderBandTable(channels: readonly string[], bands: readonly Band[], values: ArrayLike<number>, options: { title?: string; colormap?: ColormapName } = {}): Uint8Array {
  const C = channels.length;
  const B = bands.length;
  const colormap = options.colormap ?? 'bwr';
  const palette = colormapPalette(getColormap(colormap));
  const totals = bands.map((_, b) => Array.from({ length: C }, (_, c) => values[c * B + b]!).reduce((p, q) => p + q, 0));
  let scale = 0;
  for (let i = 0; i < C * B; i++) scale = Math.max(scale, Math.abs(values[i]!));
  scale ||= 1;
  const rowH = Math.max(10, Math.min(16, Math.floor(480 / (C + 1))));
  const cellW = 56;
  const left = 10 + Math.max(...channels.map((c) => textWidth(c)), textWidth('all')) + 6;
  const titleH = options.title ? 18 : 4;
  const top = titleH + 22;
  const bar = colorbar(colormap, Math.min(300, B * cellW), 10, 'horizontal', { range: [-scale, scale], ticks: 5 });
  const width = Math.max(left + B * cellW + 10, left + bar.width + 10);
  const height = top + (C + 1) * rowH + 10 + bar.height + 6;
  const canvas = new Canvas(width, height, WHITE);
  if (options.title) canvas.text(8, 4, options.title, BLACK);
  bands.forEach((band, b) => {
    canvas.text(left + b * cellW + cellW / 2, titleH, band.name, BLACK, 1, 'center');
    canvas.text(left + b * cellW + cellW / 2, titleH + 10, `${bandLabel(band)} Hz`, GREY, 1, 'center');
  });
  const cellColour = (v: number) => palette[Math.round(((Math.max(-1, Math.min(1, v / scale)) + 1) / 2) * 255)]!;
  for (let c = 0; c <= C; c++) {
    const y = top + c * rowH + (c === C ? 4 : 0);
    canvas.text(left - 6, y + Math.floor((rowH - 7) / 2), c === C ? 'all' : channels[c]!, BLACK, 1, 'right');
    for (let b = 0; b < B; b++) {
      if (c === C) {
        canvas.frame(left + b * cellW, y, cellW, rowH, GREY);
        canvas.text(left + b * cellW + cellW / 2, y + Math.floor((rowH - 7) / 2), formatTickLabel(totals[b]!), BLACK, 1, 'center');
      } else {
        canvas.rect(left + b * cellW, y, cellW - 1, rowH - 1, cellColour(values[c * B + b]!));
      }
    }
  }
  canvas.draw(bar, left, top + (C + 1) * rowH + 10);
  return canvas.png();
}

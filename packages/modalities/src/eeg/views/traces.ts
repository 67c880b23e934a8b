/** Stacked signal traces (one row per channel) with annotation markers: the preview of a decoded EEG input. */
import { BLACK, Canvas, formatTickLabel, niceTicks, textWidth, WHITE } from '@xai/core';
import type { EegAnnotation } from '../recording.js';
import { GREY, LIGHT_GREY } from './ink.js';

export interface TracesView {
  /** [channels × samples] row-major. */
  readonly values: Float32Array;
  readonly channels: readonly string[];
  readonly sampleRate: number;
  readonly tmin: number;
  readonly annotations?: readonly EegAnnotation[];
  readonly title?: string;
  /** Unit shown with the scale bar (e.g. 'µV'). */
  readonly unit?: string;
}

/** Each row scaled by one shared amplitude (the 99th percentile of |x|), so channels compare. */
export function renderTraces(view: TracesView): Uint8Array {
  const C = view.channels.length;
  const T = view.values.length / C;
  const plotW = Math.max(400, Math.min(1200, T * Math.max(1, Math.floor(800 / T))));
  const rowH = Math.max(12, Math.min(40, Math.floor(560 / C)));
  const left = 10 + Math.max(...view.channels.map((c) => textWidth(c))) + 6;
  const titleH = view.title ? 18 : 6;
  const top = titleH + 12;
  const canvas = new Canvas(left + plotW + 80, top + C * rowH + 34, WHITE);
  if (view.title) canvas.text(8, 4, view.title, BLACK);
  const sorted = Float32Array.from(view.values, Math.abs).sort();
  const amp = sorted[Math.floor(0.99 * (sorted.length - 1))]! || 1;
  const tmax = view.tmin + T / view.sampleRate;
  const xOf = (t: number) => left + ((t - view.tmin) / (tmax - view.tmin)) * plotW;
  for (const a of view.annotations ?? []) {
    if (a.onset < view.tmin || a.onset > tmax) continue;
    canvas.line(xOf(a.onset), top - 10, xOf(a.onset), top + C * rowH, GREY, { dash: [4, 3] });
    canvas.text(xOf(a.onset) + 2, top - 10, a.description, GREY);
  }
  for (let c = 0; c < C; c++) {
    const mid = top + c * rowH + rowH / 2;
    canvas.line(left, mid, left + plotW, mid, LIGHT_GREY);
    canvas.text(left - 6, mid - 3, view.channels[c]!, BLACK, 1, 'right');
    let prev: [number, number] | null = null;
    for (let x = 0; x < plotW; x++) {
      const u = Math.min(T - 1, ((x + 0.5) * T) / plotW - 0.5);
      const t = Math.max(0, Math.floor(u));
      const f = Math.max(0, u - t);
      const v = view.values[c * T + t]! * (1 - f) + view.values[c * T + Math.min(T - 1, t + 1)]! * f;
      const y = mid - (Math.max(-1.2, Math.min(1.2, v / amp)) * rowH) / 2;
      if (prev) canvas.line(prev[0], prev[1], left + x, y, [20, 40, 120]);
      prev = [left + x, y];
    }
  }
  for (const t of niceTicks(view.tmin, tmax, Math.max(4, Math.floor(plotW / 90)))) {
    canvas.line(xOf(t), top + C * rowH, xOf(t), top + C * rowH + 3, BLACK);
    canvas.text(xOf(t), top + C * rowH + 6, formatTickLabel(t), BLACK, 1, 'center');
  }
  canvas.text(left + plotW / 2, top + C * rowH + 19, 'time (s)', BLACK, 1, 'center');
  // Scale bar: half a row = amp.
  const sx = left + plotW + 14;
  canvas.line(sx, top, sx, top + rowH / 2, BLACK);
  canvas.text(sx + 4, top, `${formatTickLabel(amp)}`, BLACK);
  if (view.unit) canvas.text(sx + 4, top + 10, view.unit, BLACK);
  return canvas.png();
}

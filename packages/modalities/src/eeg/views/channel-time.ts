/** The channel × time relevance map: one row per channel, annotation markers, time axis, colour bar. */
import { BLACK, Canvas, colorbar, formatTickLabel, niceTicks, renderHeatmap, textWidth, WHITE, type ColormapName, type HeatmapMode } from '@xai/core';
import type { EegAnnotation } from '../recording.js';
import { GREY } from './ink.js';

export interface ChannelTimeView {
  /** [channels × samples] row-major. */
  readonly values: Float32Array;
  readonly channels: readonly string[];
  readonly sampleRate: number;
  /** Time of the first sample in seconds (e.g. −0.2 relative to the event). */
  readonly tmin: number;
  /** Markers, onsets in the same time base as `tmin`. */
  readonly annotations?: readonly EegAnnotation[];
  readonly title?: string;
  /** Caption of the colour bar (e.g. 'relevance'). */
  readonly unit?: string;
}

export interface RenderStyle {
  readonly colormap?: ColormapName;
  readonly mode?: HeatmapMode;
  readonly clipPercentile?: number;
  /** Fixed colour scale (value at the colormap's end). */
  readonly scale?: number;
}

const MARKER: readonly [number, number, number] = [20, 20, 20];

/** Renders the view as a PNG (RGBA). Plot width 400–1200 px, rows 6–24 px per channel. */
export function renderChannelTime(view: ChannelTimeView, style: RenderStyle = {}): Uint8Array {
  const C = view.channels.length;
  const T = view.values.length / C;
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`values of length ${view.values.length} do not hold ${C} channels`);
  const mode = style.mode ?? 'signed';
  const colormap = style.colormap ?? (mode === 'signed' ? 'bwr' : 'hot');
  const heat = renderHeatmap(view.values, C, T, { colormap, mode, clipPercentile: style.clipPercentile, scale: style.scale });

  const plotW = Math.max(400, Math.min(1200, T * Math.max(1, Math.floor(800 / T))));
  const rowH = Math.max(6, Math.min(24, Math.floor(480 / C)));
  const plotH = rowH * C;
  const labelEvery = Math.ceil(10 / rowH);
  const left = 10 + Math.max(...view.channels.map((c) => textWidth(c))) + 6;
  const tmax = view.tmin + T / view.sampleRate;
  const inside = (view.annotations ?? []).filter((a) => a.onset <= tmax && a.onset + a.duration >= view.tmin);
  // Annotation texts above the plot, greedily stacked so they do not overlap.
  const xOf = (t: number) => left + ((t - view.tmin) / (tmax - view.tmin)) * plotW;
  const lanes: number[] = [];
  const placed = inside.map((a) => {
    const x = Math.max(left, Math.min(left + plotW, xOf(Math.max(view.tmin, a.onset))));
    const w = textWidth(a.description);
    let lane = lanes.findIndex((end) => end < x - 2);
    if (lane < 0) {
      lane = lanes.length;
      lanes.push(0);
    }
    lanes[lane] = x + w;
    return { a, x, lane };
  });
  const titleH = view.title ? 16 : 4;
  const top = titleH + lanes.length * 10 + 6;
  const barX = left + plotW + 16;
  const bar = colorbar(colormap, plotH, 14, 'vertical', { range: heat.range, ticks: 5, fontScale: 1 });
  const width = barX + bar.width + 10;
  const height = top + plotH + 34;
  const canvas = new Canvas(width, height, WHITE);
  if (view.title) canvas.text(left, 4, view.title, BLACK);

  // Heatmap, nearest-neighbour in time.
  for (let c = 0; c < C; c++) {
    for (let x = 0; x < plotW; x++) {
      const t = Math.min(T - 1, Math.floor((x * T) / plotW));
      const p = (c * T + t) * 4;
      canvas.rect(left + x, top + c * rowH, 1, rowH, [heat.rgba[p]!, heat.rgba[p + 1]!, heat.rgba[p + 2]!]);
    }
    if (c % labelEvery === 0) canvas.text(left - 6, top + c * rowH + Math.floor((rowH - 7) / 2), view.channels[c]!, BLACK, 1, 'right');
  }
  canvas.frame(left - 1, top - 1, plotW + 2, plotH + 2, GREY);

  // Annotations: shaded duration, dashed onset line, text in its lane.
  for (const { a, x, lane } of placed) {
    if (a.duration > 0) {
      const x1 = Math.min(left + plotW, xOf(a.onset + a.duration));
      canvas.rect(x, top, Math.max(1, x1 - x), plotH, [0, 0, 0], 0.12);
      canvas.line(x1, top, x1, top + plotH - 1, MARKER, { dash: [2, 3] });
    }
    canvas.line(x, top - 4 - (lanes.length - 1 - lane) * 10, x, top + plotH - 1, MARKER, { dash: [4, 3] });
    canvas.text(x + 2, titleH + lane * 10, a.description, MARKER);
  }

  // Time axis.
  for (const t of niceTicks(view.tmin, tmax, Math.max(4, Math.floor(plotW / 90)))) {
    const x = xOf(t);
    canvas.line(x, top + plotH + 1, x, top + plotH + 4, BLACK);
    canvas.text(x, top + plotH + 7, formatTickLabel(t), BLACK, 1, 'center');
  }
  canvas.text(left + plotW / 2, top + plotH + 20, 'time (s)', BLACK, 1, 'center');
  canvas.draw(bar, barX, top);
  if (view.unit) canvas.text(barX, top - 10, view.unit, BLACK);
  return canvas.png();
}

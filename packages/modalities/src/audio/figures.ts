import {
  BLACK, Canvas, colorbar, formatTickLabel, niceTicks, renderHeatmap, SMALL_FONT, WHITE, type ColormapName, type HeatmapMode, type RGB, type RgbaImage,
} from '@xai/core';

const FONT = 2; // scale of the 3×5 font: 6×10 px glyphs
const TEXT_H = SMALL_FONT.height * FONT;
const DARK: RGB = [60, 60, 60];
const GREY: RGB = [150, 150, 150];
/** Dashed marks start on a multiple of 8 px, so every figure's dashes line up with its neighbours'. */
const DASH_START = (y: number) => Math.ceil(y / 8) * 8;

export interface ColourScale {
  readonly colormap: ColormapName;
  readonly mode: HeatmapMode;
  readonly clipPercentile?: number;
  /** Fixed value at the colormap's end (instead of max or the percentile). */
  readonly scale?: number;
}

export interface TimeFrequencyFigure {
  /** Values row-major [bin][frame], bin 0 = lowest frequency. */
  readonly map: Float32Array;
  readonly bins: number;
  readonly frames: number;
  /** Hz of each bin (evenly spaced). */
  readonly frequencies: ArrayLike<number>;
  /** Seconds of each frame on the axis shown (evenly spaced). */
  readonly times: ArrayLike<number>;
  readonly colour: ColourScale;
  /** Added to the colour bar's labels (e.g. −80 to label dB + 80 as dB). */
  readonly labelShift?: number;
  readonly title: string;
  /** Times to mark with dashed vertical lines (start and end of the recording). */
  readonly marks?: readonly number[];
  /** Nearest-neighbour pixels per bin and frame; default 2. */
  readonly upscale?: number;
}

/**
 * A time–frequency map with frequency (Hz) upwards and time (s) to the right, tick labels on both
 * axes, a title, and a vertical colour bar labelled with the values at its ticks.
 */
export function timeFrequencyFigure(fig: TimeFrequencyFigure): { image: RgbaImage; scale: number; range: [number, number] } {
  const { map, bins, frames, frequencies, times } = fig;
  const k = fig.upscale ?? 2;
  // flip: row 0 of the image is the highest bin
  const flipped = new Float32Array(map.length);
  for (let b = 0; b < bins; b++) flipped.set(map.subarray(b * frames, (b + 1) * frames), (bins - 1 - b) * frames);
  const heat = renderHeatmap(flipped, bins, frames, { ...fig.colour, upscale: k });

  const left = 62;
  const top = 12 + TEXT_H + 8;
  const plotW = frames * k;
  const plotH = bins * k;
  const bar = colorbar(fig.colour.colormap, plotH, 14, 'vertical', {
    range: [heat.range[0] + (fig.labelShift ?? 0), heat.range[1] + (fig.labelShift ?? 0)],
    ticks: 5,
    fontScale: FONT,
    format: formatTickLabel,
  });
  const width = left + plotW + 14 + bar.width + 8;
  const height = top + plotH + 8 + TEXT_H + 6 + TEXT_H + 8;
  const canvas = new Canvas(width, height, WHITE, SMALL_FONT);
  canvas.text(left, 8, fig.title, BLACK, FONT);
  canvas.draw(heat, left, top);
  canvas.draw(bar, left + plotW + 14, top);

  // x: frame j covers [left + j·k, left + (j+1)·k); its time is times[j]
  const t0 = times[0]!;
  const dt = frames > 1 ? times[1]! - t0 : 1;
  const xOf = (t: number) => Math.round(left + ((t - t0) / dt) * k + k / 2);
  const f0 = frequencies[0]!;
  const df = bins > 1 ? frequencies[1]! - f0 : 1;
  const yOf = (f: number) => Math.round(top + plotH - ((f - f0) / df) * k - k / 2);

  canvas.line(left - 1, top + plotH, left + plotW, top + plotH, BLACK);
  canvas.line(left - 1, top, left - 1, top + plotH, BLACK);
  for (const f of niceTicks(f0, frequencies[bins - 1]!, 4)) {
    const y = yOf(f);
    canvas.line(left - 5, y, left - 2, y, BLACK);
    canvas.text(left - 8, y - TEXT_H / 2, formatTickLabel(f), BLACK, FONT, 'right');
  }
  canvas.text(4, top - TEXT_H - 4, 'Hz', BLACK, FONT);
  for (const t of niceTicks(t0, times[frames - 1]!, 6)) {
    const x = xOf(t);
    canvas.line(x, top + plotH + 1, x, top + plotH + 4, BLACK);
    canvas.text(x, top + plotH + 8, formatTickLabel(t), BLACK, FONT, 'center');
  }
  canvas.text(left + plotW / 2, top + plotH + 8 + TEXT_H + 6, 'time (s)', BLACK, FONT, 'center');
  for (const t of fig.marks ?? []) {
    const x = xOf(t);
    if (x > left && x < left + plotW) canvas.line(x, DASH_START(top), x, top + plotH - 1, GREY, { dash: [4, 4] });
  }
  return { image: canvas, scale: heat.scale, range: heat.range };
}

export interface WaveformFigure {
  /** Samples of the model's window (before scaling). */
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Axis time (s) of samples[0]. */
  readonly startTime: number;
  /** Relevance per sample (same length), drawn as the colour behind the waveform; omit for a plain plot. */
  readonly relevance?: Float32Array;
  readonly colour: ColourScale;
  readonly title: string;
  readonly marks?: readonly number[];
  /** Plot width in pixels; default 908. */
  readonly width?: number;
}

/**
 * The waveform (min–max per pixel column, dark grey) over columns tinted by the relevance of the
 * samples in each column (their sum), with a time axis in seconds and a horizontal colour bar.
 */
export function waveformFigure(fig: WaveformFigure): { image: RgbaImage; scale: number; range: [number, number] } {
  const { samples, relevance } = fig;
  const plotW = fig.width ?? 908;
  const plotH = 200;
  const left = 44;
  const top = 12 + TEXT_H + 8;
  const n = samples.length;
  const col0 = (c: number) => Math.floor((c * n) / plotW);

  let tint: RgbaImage | undefined;
  let scale = 0;
  let range: [number, number] = [0, 0];
  if (relevance) {
    const perColumn = new Float32Array(plotW);
    for (let c = 0; c < plotW; c++) for (let i = col0(c); i < col0(c + 1); i++) perColumn[c] += relevance[i]!;
    const heat = renderHeatmap(perColumn, 1, plotW, fig.colour);
    tint = heat;
    scale = heat.scale;
    range = heat.range;
  }
  const bar = relevance
    ? colorbar(fig.colour.colormap, 240, 12, 'horizontal', { range, ticks: 3, fontScale: FONT, format: formatTickLabel })
    : undefined;
  const width = left + plotW + 12;
  const height = top + plotH + 8 + TEXT_H + 6 + TEXT_H + 8 + (bar ? bar.height + 8 : 0);
  const canvas = new Canvas(width, height, WHITE, SMALL_FONT);
  canvas.text(left, 8, fig.title, BLACK, FONT);

  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(samples[i]!));
  const amp = peak > 0 ? peak : 1;
  const yOf = (v: number) => Math.round(top + plotH / 2 - (v / amp) * (plotH / 2 - 4));
  for (let c = 0; c < plotW; c++) {
    if (tint) {
      const p = c * 4;
      canvas.line(left + c, top, left + c, top + plotH - 1, [tint.rgba[p]!, tint.rgba[p + 1]!, tint.rgba[p + 2]!]);
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = col0(c); i < Math.max(col0(c) + 1, col0(c + 1)); i++) {
      lo = Math.min(lo, samples[i]!);
      hi = Math.max(hi, samples[i]!);
    }
    canvas.line(left + c, yOf(hi), left + c, yOf(lo), DARK);
  }
  canvas.line(left - 1, top + plotH, left + plotW, top + plotH, BLACK);
  canvas.line(left - 1, top, left - 1, top + plotH, BLACK);
  for (const [v, label] of [[amp, formatTickLabel(amp)], [0, '0'], [-amp, formatTickLabel(-amp)]] as const) {
    canvas.line(left - 5, yOf(v), left - 2, yOf(v), BLACK);
    canvas.text(left - 7, yOf(v) - TEXT_H / 2, label, BLACK, FONT, 'right');
  }
  const t0 = fig.startTime;
  const t1 = t0 + n / fig.sampleRate;
  const xOf = (t: number) => Math.round(left + ((t - t0) / (t1 - t0)) * plotW);
  for (const t of niceTicks(t0, t1, 8)) {
    const x = xOf(t);
    if (x < left || x > left + plotW) continue;
    canvas.line(x, top + plotH + 1, x, top + plotH + 4, BLACK);
    canvas.text(x, top + plotH + 8, formatTickLabel(t), BLACK, FONT, 'center');
  }
  canvas.text(left + plotW / 2, top + plotH + 8 + TEXT_H + 6, 'time (s)', BLACK, FONT, 'center');
  for (const t of fig.marks ?? []) {
    const x = xOf(t);
    if (x > left && x < left + plotW) canvas.line(x, DASH_START(top), x, top + plotH - 1, GREY, { dash: [4, 4] });
  }
  if (bar) canvas.draw(bar, left + plotW - bar.width, height - bar.height - 6);
  return { image: canvas, scale, range };
}

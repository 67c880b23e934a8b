/** Accuracy against the share of filters pruned, one line per criterion, drawn on core's Canvas. */
import { Canvas, formatTickLabel, LABEL_FONT, niceTicks, textWidth, type Colour } from '@xai/core';
import type { PruningResult } from './prune-iteratively.js';

export interface CurvePlotOptions {
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
  /** A dashed horizontal reference line (e.g. the unpruned accuracy minus 5 points), in accuracy units. */
  readonly reference?: { readonly value: number; readonly label: string };
}

const SERIES: Record<string, Colour> = { relevance: [214, 39, 40], taylor: [44, 160, 44], magnitude: [31, 119, 180] };
const OTHER: Colour[] = [[255, 127, 14], [148, 103, 189], [140, 86, 75]];
const INK: Colour = [30, 30, 30];

/** The pruning curves of several runs (accuracy in % against % of filters pruned) as a PNG. */
export function plotPruningCurves(results: readonly PruningResult[], options: CurvePlotOptions = {}): Uint8Array {
  const width = options.width ?? 720;
  const height = options.height ?? 420;
  const [left, right, top, bottom] = [70, 24, options.title ? 44 : 20, 56];
  const canvas = new Canvas(width, height);
  const all = results.flatMap((r) => r.steps.map((s) => s.accuracy * 100));
  const lo = Math.max(0, Math.floor((Math.min(...all, options.reference ? options.reference.value * 100 : 100) - 5) / 10) * 10);
  const hi = 100;
  const xMax = Math.min(100, Math.ceil(Math.max(...results.flatMap((r) => r.steps.map((s) => s.share * 100))) / 10) * 10) || 100;
  const X = (share: number) => left + (share / xMax) * (width - left - right);
  const Y = (acc: number) => top + (1 - (acc - lo) / (hi - lo)) * (height - top - bottom);
  if (options.title) canvas.text(left, 12, options.title.toUpperCase(), INK, 2);
  for (const v of niceTicks(lo, hi, 6)) {
    const y = Math.round(Y(v));
    canvas.line(left, y, width - right, y, [228, 228, 228]);
    const text = formatTickLabel(v);
    canvas.text(left - 6 - textWidth(text), y - 3, text, INK);
  }
  for (const v of niceTicks(0, xMax, 10)) {
    const x = Math.round(X(v));
    canvas.line(x, height - bottom, x, height - bottom + 4, INK);
    const text = formatTickLabel(v);
    canvas.text(x - textWidth(text) / 2, height - bottom + 8, text, INK);
  }
  canvas.line(left, top, left, height - bottom, INK);
  canvas.line(left, height - bottom, width - right, height - bottom, INK);
  const xLabel = 'FILTERS PRUNED (%)';
  canvas.text((width - textWidth(xLabel)) / 2, height - 20, xLabel, INK);
  canvas.text(6, top - 14 + (options.title ? 0 : 10), 'ACCURACY (%)', INK);
  if (options.reference) {
    const y = Y(options.reference.value * 100);
    canvas.line(left, y, width - right, y, [120, 120, 120], { dash: [4, 4] });
    canvas.text(width - right - textWidth(options.reference.label.toUpperCase()), y - LABEL_FONT.capHeight - 4, options.reference.label.toUpperCase(), [90, 90, 90]);
  }
  results.forEach((r, n) => {
    const colour = SERIES[r.criterion] ?? OTHER[n % OTHER.length]!;
    const pts = r.steps.map((s) => [X(s.share * 100), Y(s.accuracy * 100)] as const);
    for (let i = 1; i < pts.length; i++) canvas.line(pts[i - 1]![0], pts[i - 1]![1], pts[i]![0], pts[i]![1], colour, { width: 2 });
    for (const [x, y] of pts) canvas.rect(Math.round(x) - 2, Math.round(y) - 2, 5, 5, colour);
    // Legend, bottom left of the plot area (accuracy is low there only at the end).
    const ly = height - bottom - 14 - (results.length - n) * (LABEL_FONT.capHeight + 8);
    canvas.rect(left + 12, ly + 2, 14, 3, colour);
    canvas.text(left + 32, ly, r.criterion.toUpperCase(), INK);
  });
  return canvas.png();
}

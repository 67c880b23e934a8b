/** Axis ticks: round values (1, 2, 5 × 10ⁿ, the step of the figures' axes) over a range, as fractions of the axis for positioning. */
import { formatTickLabel, niceStep, niceTicks } from '@xai/core/axis-ticks';

export interface Tick {
  /** 0 at the axis start, 1 at its end. */
  at: number;
  label: string;
}

/** About `count` ticks between `min` and `max`, labelled with `unit` (every label with the step's decimals). */
export function ticks(min: number, max: number, count = 5, unit = ''): Tick[] {
  if (!(max > min)) return [];
  const step = niceStep(max - min, count);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return niceTicks(min, max, count).map((value) => ({ at: (value - min) / (max - min), label: `${value.toFixed(decimals)}${unit}` }));
}

/** A compact number for labels (3 significant digits, exponent when tiny or huge; '–' when not finite). */
export const formatValue = (v: number): string => (Number.isFinite(v) ? formatTickLabel(v) : '–');

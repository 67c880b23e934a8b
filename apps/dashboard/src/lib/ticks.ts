/** Axis ticks: round values (1, 2, 5 × 10ⁿ) over a range, as fractions of the axis for positioning. */
export interface Tick {
  /** 0 at the axis start, 1 at its end. */
  at: number;
  label: string;
}

export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

/** About `count` ticks between `min` and `max`, labelled with `unit`. */
export function ticks(min: number, max: number, count = 5, unit = ''): Tick[] {
  if (!(max > min)) return [];
  const step = niceStep(max - min, count);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const out: Tick[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
    const value = Math.abs(v) < step * 1e-9 ? 0 : v;
    out.push({ at: (value - min) / (max - min), label: `${value.toFixed(decimals)}${unit}` });
  }
  return out;
}

/** A compact number for labels (3 significant digits, exponent when tiny or huge). */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(3)).toString();
}

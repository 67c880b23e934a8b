/**
 * Axis ticks and their labels, shared by the figures (core's colour bars, the modality views) and
 * the dashboard's plots. Browser-safe: no Node or tfjs imports.
 */

/** The default mantissas of "nice" tick steps: 1, 2 and 5 × 10^k. */
export const NICE_STEPS: readonly number[] = [1, 2, 5];

/**
 * The nice step (a mantissa × 10^k, default 1, 2 or 5) that cuts `span` into about `intervals`
 * intervals: the smallest such step at least span / intervals.
 */
export function niceStep(span: number, intervals = 5, mantissas: readonly number[] = NICE_STEPS): number {
  const raw = span / Math.max(1, intervals);
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [...mantissas, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

/**
 * The multiples of `niceStep(hi − lo, intervals)` inside [lo, hi] (ends included up to rounding),
 * with float noise removed (0.30000000000000004 → 0.3); [lo] when the range is empty.
 */
export function niceTicks(lo: number, hi: number, intervals = 5, mantissas: readonly number[] = NICE_STEPS): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep(hi - lo, intervals, mantissas);
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}

/**
 * Short tick label: 3 significant digits without trailing zeros ("0", "-1.5", "0.125"), whole
 * numbers from 1000 to 9999 ("3000", "1234"), and exponent form outside [1e-3, 1e4) ("2.5e-5", "1.2e6").
 */
export function formatTickLabel(value: number): string {
  if (value === 0 || Object.is(value, -0)) return '0';
  if (!Number.isFinite(value)) throw new RangeError(`cannot label ${value}`);
  const trim = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  const a = Math.abs(value);
  const fixed = value.toPrecision(3); // switches to exponent form from 1000 on ("3.00e+3")
  if (a >= 1e-3 && a < 1e4 && !fixed.includes('e')) return trim(fixed);
  if (a >= 1e3 && Math.abs(Math.round(value)) < 1e4) return String(Math.round(value)); // "3000", "1234", not "3e3"
  const [mantissa, exponent] = value.toExponential(2).split('e') as [string, string];
  return `${trim(mantissa)}e${exponent.replace('+', '')}`;
}

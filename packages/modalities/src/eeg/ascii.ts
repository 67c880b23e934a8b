/** Fixed-width ASCII fields of EDF/BDF headers and BrainVision text: decoding, number parsing, formatting. */

/** Header bytes as text; bytes ≥ 0x80 are read as Latin-1 (some writers put 'µ' there). */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number field, or null when the (trimmed) text is not one. */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  if (!NUMBER.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** Digits of the integer m/10^d with d decimals (exact for |m| < 2^53). */
function scaledToText(m: number, d: number): string {
  const neg = m < 0;
  let digits = Math.abs(m).toFixed(0);
  if (d > 0) {
    digits = digits.padStart(d + 1, '0');
    digits = `${digits.slice(0, -d)}.${digits.slice(-d)}`.replace(/\.?0+$/, '');
  }
  return (neg && digits !== '0' ? '-' : '') + digits;
}

/**
 * `value` as a plain decimal of at most `width` characters (no exponent: EDF readers such as
 * EDFlib do not accept one), rounded in `direction` ('floor' for a lower bound, 'ceil' for an
 * upper bound, 'nearest' otherwise); null when no such text exists.
 */
export function formatFixedWidth(value: number, width = 8, direction: 'floor' | 'ceil' | 'nearest' = 'nearest'): string | null {
  if (!Number.isFinite(value)) return null;
  const round = direction === 'floor' ? Math.floor : direction === 'ceil' ? Math.ceil : Math.round;
  for (let d = width - 1; d >= 0; d--) {
    const m = round(value * 10 ** d);
    if (!Number.isSafeInteger(m)) continue;
    const text = scaledToText(m, d);
    if (text.length <= width) return text;
  }
  return null;
}

/** Exact decimal text of `value` with at most `width` characters, or null when rounding would change it. */
export function formatExact(value: number, width = 8): string | null {
  const text = formatFixedWidth(value, width, 'nearest');
  return text !== null && Math.abs(Number(text) - value) <= 1e-12 * Math.max(1, Math.abs(value)) ? text : null;
}

/** A text padded with spaces (or cut) to `width` characters, non-printable/non-ASCII characters replaced. */
export function asciiField(text: string, width: number): string {
  const clean = text.replace(/[µμ]/g, 'u').replace(/[^\x20-\x7e]/g, '_');
  return clean.length >= width ? clean.slice(0, width) : clean.padEnd(width, ' ');
}

/**
 * Per-sample symmetric quantisation of relevance: q = round(r / scale) with scale = max|r| / qmax,
 * so the largest magnitude of every sample is exact and the error of any value is at most scale / 2
 * (max|r| / 254 for int8, max|r| / 65534 for int16).
 */
export const ENCODINGS = ['int8', 'int16'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export const QMAX: Record<Encoding, number> = { int8: 127, int16: 32767 };
export const BYTES_PER_VALUE: Record<Encoding, number> = { int8: 1, int16: 2 };

export type Quantised = Int8Array | Int16Array;

export function allocateQuantised(encoding: Encoding, length: number): Quantised {
  return encoding === 'int8' ? new Int8Array(length) : new Int16Array(length);
}

/** Quantises `values` into `out` (same length); returns the scale (0 for an all-zero sample). */
export function quantiseInto(values: ArrayLike<number>, out: Quantised, encoding: Encoding): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > max) max = a;
  }
  if (!Number.isFinite(max)) throw new RangeError('relevance holds a non-finite value (NaN or ±Infinity); it cannot be quantised');
  const scale = max / QMAX[encoding];
  if (scale === 0) {
    out.fill(0);
    return 0;
  }
  for (let i = 0; i < values.length; i++) out[i] = Math.round(values[i]! / scale);
  return scale;
}

/** The relevance a quantised sample stands for. */
export function dequantise(q: ArrayLike<number>, scale: number, out = new Float32Array(q.length)): Float32Array {
  for (let i = 0; i < q.length; i++) out[i] = q[i]! * scale;
  return out;
}

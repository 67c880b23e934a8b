/** Checked conversion between int64 values (bigint, protobufjs Long) and JS numbers. */

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** A protobufjs Long, or a number when the field fits. */
export interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
  toString(): string;
}

export function longToBigInt(value: number | LongLike | bigint | string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string') return BigInt(value);
  return BigInt(value.toString());
}

/**
 * int64 → number. Values beyond ±2^53 are only meaningful as sentinels (INT64_MAX as "to the end"
 * in Slice): they become ±Infinity so that no rounded value is ever mistaken for a real one.
 */
export function int64ToNumber(value: number | LongLike | bigint | string): number {
  const big = longToBigInt(value);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return Infinity;
  if (big < BigInt(Number.MIN_SAFE_INTEGER)) return -Infinity;
  return Number(big);
}

/** number → int64, saturating (±Infinity → INT64_MAX/MIN). */
export function numberToInt64(value: number): bigint {
  if (value >= 2 ** 63) return INT64_MAX;
  if (value <= -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(value));
}

/** The values of an int64 tensor as checked numbers. */
export function int64Values(data: BigInt64Array | readonly bigint[]): number[] {
  return Array.from(data, int64ToNumber);
}

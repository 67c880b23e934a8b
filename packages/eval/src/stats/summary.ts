/** Mean, standard error of the mean and count over the finite values (NaN marks "undefined for this sample"). */
export interface Summary {
  readonly mean: number;
  /** s / √n with the sample standard deviation s (n − 1); NaN for n < 2. */
  readonly stderr: number;
  readonly n: number;
}

export function summarise(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  if (n === 0) return { mean: NaN, stderr: NaN, n: 0 };
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, stderr: NaN, n };
  const variance = finite.reduce((a, v) => a + (v - mean) * (v - mean), 0) / (n - 1);
  return { mean, stderr: Math.sqrt(variance / n), n };
}

/** Element-wise mean of equally long rows, over the finite entries of each column. */
export function meanCurve(rows: readonly (readonly number[])[]): number[] {
  const length = Math.max(0, ...rows.map((r) => r.length));
  return Array.from({ length }, (_, k) => summarise(rows.map((r) => r[k] ?? NaN)).mean);
}

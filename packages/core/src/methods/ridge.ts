import { InvalidArgumentError } from '../errors.js';

export interface RidgeOptions {
  /** Sample weights (default all 1); non-negative with a positive sum. */
  readonly weights?: ArrayLike<number>;
  /** L2 penalty on the coefficients, not on the intercept (default 1, as sklearn's Ridge). */
  readonly alpha?: number;
}

export interface RidgeResult {
  readonly coefficients: Float64Array;
  readonly intercept: number;
  /** Weighted R² of the fit on the training data (sklearn's `Ridge.score` with sample weights). */
  readonly score: number;
}

/**
 * Weighted ridge regression in closed form, in float64: minimises
 * Σᵢ wᵢ (yᵢ − b − xᵢ·β)² + α‖β‖². The intercept b is not penalised, which is the same as centring X and
 * y on their weighted means, solving (XcᵀWXc + αI)β = XcᵀWyc and setting b = ȳ − x̄·β (what sklearn's
 * Ridge(fit_intercept=True) does with sample_weight). Solved by Cholesky; with more features than
 * samples (and α > 0) through the n×n dual system β = Zᵀ(ZZᵀ + αI)⁻¹t, Z = W^½Xc, t = W^½yc, which
 * gives the same β at lower cost.
 * @param x one row of features per sample (e.g. LIME's binary masks)
 */
export function ridgeRegression(x: readonly ArrayLike<number>[], y: ArrayLike<number>, options: RidgeOptions = {}): RidgeResult {
  const n = x.length;
  const alpha = options.alpha ?? 1;
  if (n === 0) throw new InvalidArgumentError('ridge regression needs at least one sample');
  const p = x[0]!.length;
  if (x.some((row) => row.length !== p)) throw new InvalidArgumentError('ridge regression: every row needs the same number of features');
  if (y.length !== n) throw new InvalidArgumentError(`ridge regression: ${n} rows but ${y.length} targets`);
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new InvalidArgumentError(`alpha must be a finite number ≥ 0, got ${alpha}`);
  const w = options.weights ?? new Float64Array(n).fill(1);
  if (w.length !== n) throw new InvalidArgumentError(`ridge regression: ${n} rows but ${w.length} weights`);
  let wSum = 0;
  for (let i = 0; i < n; i++) {
    if (!(w[i]! >= 0) || !Number.isFinite(w[i]!)) throw new InvalidArgumentError(`ridge regression: weight ${i} is ${w[i]}, weights must be finite and ≥ 0`);
    wSum += w[i]!;
  }
  if (!(wSum > 0)) throw new InvalidArgumentError('ridge regression: the weights sum to 0');

  // Weighted means, then Z = W^½(X − x̄), t = W^½(y − ȳ).
  const xMean = new Float64Array(p);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    const row = x[i]!;
    for (let j = 0; j < p; j++) xMean[j] += w[i]! * row[j]!;
    yMean += w[i]! * y[i]!;
  }
  for (let j = 0; j < p; j++) xMean[j]! /= wSum;
  yMean /= wSum;
  const z = new Float64Array(n * p);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.sqrt(w[i]!);
    const row = x[i]!;
    for (let j = 0; j < p; j++) z[i * p + j] = s * (row[j]! - xMean[j]!);
    t[i] = s * (y[i]! - yMean);
  }

  const coefficients = new Float64Array(p);
  if (p > n && alpha > 0) {
    // Dual: (ZZᵀ + αI)u = t, β = Zᵀu.
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k <= i; k++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += z[i * p + j]! * z[k * p + j]!;
        a[i * n + k] = a[k * n + i] = s;
      }
      a[i * n + i]! += alpha;
    }
    const u = choleskySolve(a, t, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) coefficients[j] += z[i * p + j]! * u[i]!;
  } else if (p > 0) {
    // Primal: (ZᵀZ + αI)β = Zᵀt.
    const a = new Float64Array(p * p);
    const b = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const off = i * p;
      for (let j = 0; j < p; j++) {
        const zj = z[off + j]!;
        if (zj === 0) continue;
        b[j] += zj * t[i]!;
        for (let k = 0; k <= j; k++) a[j * p + k] += zj * z[off + k]!;
      }
    }
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < j; k++) a[k * p + j] = a[j * p + k]!;
      a[j * p + j]! += alpha;
    }
    coefficients.set(choleskySolve(a, b, p));
  }
  let intercept = yMean;
  for (let j = 0; j < p; j++) intercept -= xMean[j]! * coefficients[j]!;

  // Weighted R² = 1 − Σw(y − ŷ)² / Σw(y − ȳ)²; as sklearn, 1 for a perfect fit of constant y, else 0.
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let pred = intercept;
    const row = x[i]!;
    for (let j = 0; j < p; j++) pred += row[j]! * coefficients[j]!;
    residual += w[i]! * (y[i]! - pred) ** 2;
    total += w[i]! * (y[i]! - yMean) ** 2;
  }
  const score = total > 0 ? 1 - residual / total : residual === 0 ? 1 : 0;
  return { coefficients, intercept, score };
}

/** Solves A·v = b for a symmetric positive definite m×m matrix A (row-major; A is overwritten). */
function choleskySolve(a: Float64Array, b: Float64Array, m: number): Float64Array {
  let maxDiag = 0;
  for (let i = 0; i < m; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i * m + i]!));
  // A = LLᵀ, L stored in the lower triangle of `a`.
  for (let j = 0; j < m; j++) {
    let d = a[j * m + j]!;
    for (let k = 0; k < j; k++) d -= a[j * m + k]! ** 2;
    if (!(d > 1e-12 * maxDiag) || maxDiag === 0) {
      throw new InvalidArgumentError('ridge regression: the system is singular (a feature is constant over the weighted samples); use alpha > 0');
    }
    const l = Math.sqrt(d);
    a[j * m + j] = l;
    for (let i = j + 1; i < m; i++) {
      let s = a[i * m + j]!;
      for (let k = 0; k < j; k++) s -= a[i * m + k]! * a[j * m + k]!;
      a[i * m + j] = s / l;
    }
  }
  // Forward (L v' = b) and back (Lᵀ v = v') substitution.
  const v = Float64Array.from(b);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < i; k++) v[i]! -= a[i * m + k]! * v[k]!;
    v[i]! /= a[i * m + i]!;
  }
  for (let i = m - 1; i >= 0; i--) {
    for (let k = i + 1; k < m; k++) v[i]! -= a[k * m + i]! * v[k]!;
    v[i]! /= a[i * m + i]!;
  }
  return v;
}

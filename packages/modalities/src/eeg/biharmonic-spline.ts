/**
 * The biharmonic spline (Sandwell 1987; EEGLAB's 'v4' interpolation) through values at scattered
 * 2-D points: what scalp topographies are drawn with. No imports, so the dashboard bundles this
 * very file (`@xai/modalities/biharmonic-spline`) and draws the same maps as topomap.png.
 */

/** Green's function of the biharmonic operator in 2-D, of the squared distance: r²(ln r − 1). */
const green2 = (d2: number) => (d2 <= 0 ? 0 : d2 * (0.5 * Math.log(d2) - 1));

/** Solves A x = b (n×n, row-major) by Gaussian elimination with partial pivoting. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]!) > Math.abs(m[p * n + k]!)) p = i;
    if (Math.abs(m[p * n + k]!) < 1e-14) continue;
    if (p !== k) {
      for (let j = 0; j < n; j++) [m[k * n + j], m[p * n + j]] = [m[p * n + j]!, m[k * n + j]!];
      [x[k], x[p]] = [x[p]!, x[k]!];
    }
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k]! / m[k * n + k]!;
      if (f === 0) continue;
      for (let j = k; j < n; j++) m[i * n + j] -= f * m[k * n + j]!;
      x[i] -= f * x[k]!;
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = x[k]!;
    for (let j = k + 1; j < n; j++) s -= m[k * n + j]! * x[j]!;
    x[k] = Math.abs(m[k * n + k]!) < 1e-14 ? 0 : s / m[k * n + k]!;
  }
  return x;
}

/** Biharmonic spline through (points, values); returns an evaluator. */
export function biharmonicSpline(points: readonly (readonly [number, number])[], values: ArrayLike<number>): (x: number, y: number) => number {
  const n = points.length;
  const g = new Float64Array(n * n);
  const px = Float64Array.from(points, (p) => p[0]);
  const py = Float64Array.from(points, (p) => p[1]);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = green2((px[i]! - px[j]!) ** 2 + (py[i]! - py[j]!) ** 2);
  const w = solve(g, Float64Array.from({ length: n }, (_, i) => values[i]!), n);
  return (x, y) => {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const dx = x - px[j]!;
      const dy = y - py[j]!;
      s += w[j]! * green2(dx * dx + dy * dy);
    }
    return s;
  };
}

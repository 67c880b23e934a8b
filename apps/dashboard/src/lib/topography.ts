/**
 * Scalp maps in the browser: a biharmonic spline through the values at the electrodes (Sandwell
 * 1987, EEGLAB's 'v4'), the same interpolation the EEG adapter uses for topomap.png.
 */

/** Green's function of the biharmonic operator, of the squared distance: r²(ln r − 1). */
const green2 = (d2: number) => (d2 <= 0 ? 0 : d2 * (0.5 * Math.log(d2) - 1));

/** Solves A x = b (n × n, row-major) by Gaussian elimination with partial pivoting. */
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

/** The spline through `values` at `points`, as an evaluator of (x, y). */
export function biharmonicSpline(points: readonly (readonly [number, number])[], values: ArrayLike<number>): (x: number, y: number) => number {
  const n = points.length;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = green2((points[i]![0] - points[j]![0]) ** 2 + (points[i]![1] - points[j]![1]) ** 2);
  const w = solve(g, Float64Array.from({ length: n }, (_, i) => values[i]!), n);
  return (x, y) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += w[j]! * green2((x - points[j]![0]) ** 2 + (y - points[j]![1]) ** 2);
    return s;
  };
}

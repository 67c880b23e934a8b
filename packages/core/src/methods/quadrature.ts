/** Points α_k in [0, 1] and weights w_k (Σ w_k = 1) to approximate ∫₀¹ g(α) dα ≈ Σ w_k g(α_k). */
export interface Quadrature {
  readonly points: number[];
  readonly weights: number[];
}

export type QuadratureRule = 'left' | 'right' | 'midpoint' | 'gauss_legendre';

/** Riemann sums: equal weights 1/n at α = k/n (right), (k−1)/n (left) or (k−½)/n (midpoint). */
function riemann(n: number, where: 'left' | 'right' | 'midpoint'): Quadrature {
  const offset = where === 'right' ? 1 : where === 'left' ? 0 : 0.5;
  return { points: Array.from({ length: n }, (_, k) => (k + offset) / n), weights: Array(n).fill(1 / n) };
}

/**
 * n-point Gauss–Legendre rule mapped from [−1, 1] to [0, 1]: roots of P_n by Newton's method from
 * the Chebyshev-like initial guess, weights 2 / ((1 − x²) P_n'(x)²). Exact for polynomials of degree 2n − 1.
 */
export function gaussLegendre(n: number): Quadrature {
  const points: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i <= n; i++) {
    let x = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let derivative = 0;
    for (let iter = 0; iter < 100; iter++) {
      // Legendre recurrence: P_k = ((2k−1) x P_{k−1} − (k−1) P_{k−2}) / k
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      derivative = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    points.push((1 - x) / 2);
    weights.push(1 / ((1 - x * x) * derivative * derivative)); // 2/(…) halved for the [0, 1] interval
  }
  const order = points.map((_, i) => i).sort((a, b) => points[a]! - points[b]!);
  return { points: order.map((i) => points[i]!), weights: order.map((i) => weights[i]!) };
}

export function quadrature(rule: QuadratureRule, n: number): Quadrature {
  return rule === 'gauss_legendre' ? gaussLegendre(n) : riemann(n, rule);
}

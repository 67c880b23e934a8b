/**
 * Area over the MoRF perturbation curve (Samek, Binder, Montavon, Lapuschkin & Müller 2017,
 * "Evaluating the visualization of what a deep neural network has learned", IEEE TNNLS 28(11)),
 * for one sample:
 *
 *   AOPC = 1/(L+1) · Σ_{k=0..L} (f(x⁰) − f(xᵏ))
 *
 * where `curve[k]` = f(xᵏ) after k perturbation steps (curve[0] = f(x⁰), the unperturbed input) and
 * L = curve.length − 1. The paper averages this over the data set; the benchmark does so. This is
 * not the trapezoidal area Quantus reports.
 */
export function aopc(curve: ArrayLike<number>): number {
  const n = curve.length;
  if (n === 0) return NaN;
  const f0 = curve[0]!;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += f0 - curve[k]!;
  return sum / n;
}

/** 1/(L+1) · Σ_k f(xᵏ): the area under a perturbation curve in the same discretisation as AOPC (selectivity). */
export function meanOfCurve(curve: ArrayLike<number>): number {
  if (curve.length === 0) return NaN;
  let sum = 0;
  for (let k = 0; k < curve.length; k++) sum += curve[k]!;
  return sum / curve.length;
}

/**
 * k-means rewritten as a neural network (Kauffmann et al., "From clustering to cluster explanations
 * via neural networks", IEEE TNNLS 2022): the evidence that x belongs to cluster c is
 *   f_c(x) = min_{k≠c} h_ck(x),   h_ck(x) = w_ck·x + b_ck,
 *   w_ck = 2(μ_c − μ_k),   b_ck = ‖μ_k‖² − ‖μ_c‖²,
 * i.e. h_ck(x) = ‖x − μ_k‖² − ‖x − μ_c‖²: a linear layer followed by min-pooling. f_c(x) > 0 exactly
 * when c is the nearest centroid.
 */
import { InvalidArgumentError } from '@xai/core';

export class NeuralizedKMeans {
  readonly k: number;
  readonly dim: number;

  constructor(readonly centroids: readonly Float64Array[]) {
    if (centroids.length < 2) throw new InvalidArgumentError(`NEON needs at least 2 clusters, got ${centroids.length}`);
    this.k = centroids.length;
    this.dim = centroids[0]!.length;
    centroids.forEach((c, i) => {
      if (c.length !== this.dim) throw new InvalidArgumentError(`centroid ${i} has ${c.length} values, centroid 0 has ${this.dim}`);
    });
  }

  /** The competitors of cluster c, in order (every k ≠ c). */
  competitors(c: number): number[] {
    this.checkCluster(c);
    return Array.from({ length: this.k }, (_, k) => k).filter((k) => k !== c);
  }

  /** w_ck = 2(μ_c − μ_k). */
  weight(c: number, k: number): Float64Array {
    const mc = this.centroids[c]!;
    const mk = this.centroids[k]!;
    return mc.map((v, i) => 2 * (v - mk[i]!));
  }

  /** b_ck = ‖μ_k‖² − ‖μ_c‖². */
  bias(c: number, k: number): number {
    const sq = (v: Float64Array) => v.reduce((s, x) => s + x * x, 0);
    return sq(this.centroids[k]!) - sq(this.centroids[c]!);
  }

  /** (μ_c + μ_k)/2: the root point of the midpoint rule, on the decision boundary h_ck = 0. */
  midpoint(c: number, k: number): Float64Array {
    const mk = this.centroids[k]!;
    return this.centroids[c]!.map((v, i) => (v + mk[i]!) / 2);
  }

  /** h_ck(x) for every competitor k of c (in the order of `competitors(c)`). */
  differences(x: ArrayLike<number>, c: number): Float64Array {
    this.checkPoint(x);
    return Float64Array.from(this.competitors(c), (k) => {
      const w = this.weight(c, k);
      let h = this.bias(c, k);
      for (let i = 0; i < this.dim; i++) h += w[i]! * x[i]!;
      return h;
    });
  }

  /** The cluster logit f_c(x) = min_k h_ck(x). */
  logit(x: ArrayLike<number>, c: number): number {
    return Math.min(...this.differences(x, c));
  }

  /** The nearest centroid (the k-means assignment; the only c with f_c(x) > 0 off the boundaries). */
  assign(x: ArrayLike<number>): number {
    this.checkPoint(x);
    let best = 0;
    let bestD = Infinity;
    this.centroids.forEach((m, k) => {
      let d = 0;
      for (let i = 0; i < this.dim; i++) d += (x[i]! - m[i]!) ** 2;
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    });
    return best;
  }

  private checkCluster(c: number): void {
    if (!Number.isInteger(c) || c < 0 || c >= this.k) throw new InvalidArgumentError(`cluster ${c} is out of range (k = ${this.k})`);
  }

  private checkPoint(x: ArrayLike<number>): void {
    if (x.length !== this.dim) throw new InvalidArgumentError(`a point of ${x.length} values for centroids of ${this.dim}`);
  }
}

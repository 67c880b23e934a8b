/** LIME and its parts: grid/token features, SLIC superpixels, weighted ridge regression. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CancelledError, explain, gridSegments, initBackend, InvalidArgumentError, lime, limeFeatures, listMethods, MethodContext, ridgeRegression, slic,
  XaiModel,
} from '../src/index.js';
import { mulberry32, rng } from './helpers.js';

/** Dense model on inputs of `shape` (flattened first when rank > 1) with the given kernel [features, units] and bias. */
function denseModel(shape: number[], kernel: number[], bias: number[]): XaiModel {
  const units = bias.length;
  const layers = shape.length > 1 ? [tf.layers.flatten({ inputShape: shape }), tf.layers.dense({ units })] : [tf.layers.dense({ inputShape: shape, units })];
  const model = tf.sequential({ layers });
  const weights = [tf.tensor(kernel, [kernel.length / units, units]), tf.tensor1d(bias)];
  model.layers[model.layers.length - 1]!.setWeights(weights);
  tf.dispose(weights);
  return XaiModel.fromLayersModel(model);
}

/** Ranks (0 = smallest), ties broken by index; enough for data without ties. */
const ranks = (v: readonly number[]): number[] => {
  const order = v.map((_, i) => i).sort((a, b) => v[a]! - v[b]! || a - b);
  const r = new Array<number>(v.length);
  order.forEach((i, k) => (r[i] = k));
  return r;
};
const spearman = (a: readonly number[], b: readonly number[]): number => {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const d2 = ra.reduce((s, r, i) => s + (r - rb[i]!) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
};

/** Every label forms one 4-connected region (flood fill from its first pixel reaches all its pixels). */
function connected(labels: Int32Array, H: number, W: number, count: number): boolean {
  for (let l = 0; l < count; l++) {
    const first = labels.indexOf(l);
    if (first < 0) return false;
    const seen = new Uint8Array(H * W);
    const stack = [first];
    seen[first] = 1;
    let reached = 0;
    while (stack.length) {
      const p = stack.pop()!;
      reached++;
      const y = Math.floor(p / W);
      const x = p % W;
      for (const [q, ok] of [[p - 1, x > 0], [p + 1, x < W - 1], [p - W, y > 0], [p + W, y < H - 1]] as const) {
        if (ok && !seen[q] && labels[q] === l) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    if (reached !== labels.filter((v) => v === l).length) return false;
  }
  return true;
}

describe('lime', () => {
  // A linear model on signals [T = 16, C = 2]: the target logit is b + Σ w·x, so with fill 0 and
  // groups of 2 samples the logit is exactly linear in the mask z with slope c_g = Σ_{group g} w·x.
  const T = 16;
  const C = 2;
  const r = rng(11);
  const kernel = r.array(T * C * 3, -1, 1);
  const signal = r.array(T * C, -1, 1);
  let linear: XaiModel;
  let conv: XaiModel;

  beforeAll(async () => {
    await initBackend();
    linear = denseModel([T, C], kernel, [0.1, -0.2, 0.3]);
    const init = (seed: number) => tf.initializers.glorotNormal({ seed });
    conv = XaiModel.fromLayersModel(tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [10, 10, 3], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.flatten(), tf.layers.dense({ units: 3, kernelInitializer: init(2) }),
    ] }));
  });

  const image = (batch: number, seed: number) => tf.randomUniform([batch, 10, 10, 3], 0, 1, 'float32', seed);

  it('on a linear model, group coefficients recover Σ w·x per group and rank like |w·x|', async () => {
    const groupSize = 2;
    const contribution = Array.from({ length: T / groupSize }, (_, g) => {
      let s = 0;
      for (let t = g * groupSize; t < (g + 1) * groupSize; t++) for (let c = 0; c < C; c++) s += kernel[(t * C + c) * 3]! * signal[t * C + c]!;
      return s;
    });
    const x = tf.tensor(signal, [T, C]);
    const e = await lime(linear, x, { target: 0, groupSize, samples: 300, batchSize: 50 });
    expect(e.relevance.shape).toEqual([T, C]);
    expect(e.featureCounts).toEqual([T / groupSize]);
    expect(Array.from(e.segments[0]!)).toEqual(Array.from({ length: T }, (_, t) => Math.floor(t / groupSize)));
    const rel = Array.from(e.relevance.dataSync());
    // Every element of a group (all channels) carries the group's coefficient.
    const coef = contribution.map((_, g) => rel[g * groupSize * C]!);
    rel.forEach((v, i) => expect(v).toBe(coef[Math.floor(i / C / groupSize)]));
    const scale = Math.max(...contribution.map(Math.abs));
    coef.forEach((v, g) => expect(Math.abs(v - contribution[g]!)).toBeLessThan(0.05 * scale)); // ridge shrinks a little
    expect(spearman(coef.map(Math.abs), contribution.map(Math.abs))).toBeGreaterThan(0.95);
    expect(e.scores[0]).toBeGreaterThan(0.99);
    e.dispose();
    x.dispose();
  });

  it('matches an independent LIME on a nonlinear model (masks, kernel π = √exp(−d²/w²), weighted ridge)', async () => {
    const init = (seed: number) => tf.initializers.glorotNormal({ seed });
    const mlp = tf.sequential({ layers: [
      tf.layers.flatten({ inputShape: [8, 1] }), tf.layers.dense({ units: 6, activation: 'relu', kernelInitializer: init(4) }),
      tf.layers.dense({ units: 2, kernelInitializer: init(5) }),
    ] });
    const model = XaiModel.fromLayersModel(mlp);
    const values = rng(8).array(8, 0, 2);
    const [K, samples, width, seed] = [4, 64, 0.4, 3];
    const x = tf.tensor(values, [8, 1]);
    const e = await lime(model, x, { target: 1, groupSize: 2, samples, kernelWidth: width, seed, fill: -0.5, batchSize: 20 });
    // Reference: same mask stream (row 0 all ones, then Bernoulli(½) per feature from mulberry32(seed)).
    const rand = mulberry32(seed);
    const masks = Array.from({ length: samples }, (_, s) => Array.from({ length: K }, () => (s === 0 || rand() < 0.5 ? 1 : 0)));
    const inputs = tf.tensor(masks.flatMap((z) => values.map((v, t) => (z[Math.floor(t / 2)] ? v : -0.5))), [samples, 8, 1]);
    const out = mlp.predict(inputs) as tf.Tensor;
    const y = (out.arraySync() as number[][]).map((row) => row[1]!);
    tf.dispose([inputs, out]);
    const weights = masks.map((z) => {
      const ones = z.reduce<number>((a, b) => a + b, 0);
      const d = ones === 0 ? 1 : 1 - ones / Math.sqrt(ones * K); // cosine distance to the all-ones mask
      return Math.sqrt(Math.exp(-(d * d) / (width * width)));
    });
    const reference = augmentedRidge(masks, y, weights, 1);
    const rel = e.relevance.dataSync();
    const scale = Math.max(...reference.slice(0, K).map(Math.abs));
    expect(scale).toBeGreaterThan(0.05);
    for (let k = 0; k < K; k++) expect(Math.abs(rel[2 * k]! - reference[k]!)).toBeLessThan(1e-4 * scale + 1e-6);
    expect(e.intercepts[0]).toBeCloseTo(reference[K]!, 4);
    e.dispose();
    x.dispose();
    model.layersModel.dispose();
  });

  it('is registered as a surrogate method and runs through explain()', async () => {
    expect(listMethods().find((m) => m.name === 'lime')?.family).toBe('surrogate');
    const x = tf.tensor(signal, [1, T, C]);
    const steps: number[] = [];
    const e = await explain(linear, x, { method: 'lime', segmentation: 'grid', groupSize: 4, samples: 40, batchSize: 16, onProgress: (p) => steps.push(p.done) });
    expect(e.relevance.shape).toEqual([1, T, C]);
    expect(e.options).toMatchObject({ samples: 40, kernelWidth: 0.25, alpha: 1, fill: 0 });
    expect(steps).toEqual([16, 32, 40]);
    e.dispose();
    x.dispose();
  });

  it('weighted ridge regression matches hand-solved cases (unpenalised intercept, weighted R²)', () => {
    // y = 1 + 2x, α = 1: β = Σxc·yc / (Σxc² + 1) = 4/3, b = ȳ − x̄β = 5/3, R² = 1 − (8/9)/8.
    const a = ridgeRegression([[0], [1], [2]], [1, 3, 5]);
    expect(a.coefficients[0]).toBeCloseTo(4 / 3, 12);
    expect(a.intercept).toBeCloseTo(5 / 3, 12);
    expect(a.score).toBeCloseTo(8 / 9, 12);
    // Weights (1, 1, 2): x̄ = 5/4, ȳ = 3/2, Sxx = 11/4, Sxy = 9/2.
    const w = [1, 1, 2];
    const ols = ridgeRegression([[0], [1], [2]], [0, 0, 3], { weights: w, alpha: 0 });
    expect(ols.coefficients[0]).toBeCloseTo(18 / 11, 12);
    expect(ols.intercept).toBeCloseTo(-6 / 11, 12);
    const ridge = ridgeRegression([[0], [1], [2]], [0, 0, 3], { weights: w, alpha: 2 });
    expect(ridge.coefficients[0]).toBeCloseTo(18 / 19, 12);
    expect(ridge.intercept).toBeCloseTo(6 / 19, 12);
    // More features than samples (the dual path) agrees with the augmented normal equations.
    const r2 = rng(3);
    const X = Array.from({ length: 4 }, () => r2.array(7));
    const y = r2.array(4);
    const weights = r2.array(4, 0.2, 1);
    const fit = ridgeRegression(X, y, { weights, alpha: 0.5 });
    const reference = augmentedRidge(X, y, weights, 0.5);
    fit.coefficients.forEach((v, j) => expect(v).toBeCloseTo(reference[j]!, 9));
    expect(fit.intercept).toBeCloseTo(reference[7]!, 9);
    // Without a penalty, a constant feature makes the system singular.
    expect(() => ridgeRegression([[1, 0], [1, 1], [1, 2]], [0, 1, 2], { alpha: 0 })).toThrow(InvalidArgumentError);
  });

  it('SLIC: connected contiguous labels, about nSegments of them, none straddling a sharp colour edge', () => {
    const H = 32;
    const W = 32;
    const edge = 13;
    const noise = rng(5);
    const img = new Float32Array(H * W * 3);
    for (let p = 0; p < H * W; p++) {
      const colour = p % W < edge ? [0.1, 0.2, 0.3] : [0.9, 0.5, 0.1];
      for (let c = 0; c < 3; c++) img[p * 3 + c] = colour[c]! + noise.uniform(-0.02, 0.02);
    }
    const s = slic(img, [H, W, 3], { nSegments: 16 });
    expect(s.count).toBeGreaterThanOrEqual(8);
    expect(s.count).toBeLessThanOrEqual(32);
    expect(new Set(s.labels)).toEqual(new Set(Array.from({ length: s.count }, (_, i) => i)));
    expect(connected(s.labels, H, W, s.count)).toBe(true);
    const side = new Map<number, Set<boolean>>();
    s.labels.forEach((l, p) => side.set(l, (side.get(l) ?? new Set()).add(p % W < edge)));
    for (const sides of side.values()) expect(sides.size).toBe(1);
    // Diagonal stripes 5 px wide: fragments below the minimum size must merge; merging into the
    // neighbour of closest colour keeps nearly all superpixels on one side (any neighbour: ~60 % straddle).
    const stripe = (p: number) => Math.floor(((p % 40) + Math.floor(p / 40)) / 5) % 2 === 0;
    const striped = Float32Array.from({ length: 40 * 40 * 3 }, (_, i) => (stripe(Math.floor(i / 3)) ? 0.2 : 0.8) + noise.uniform(-0.02, 0.02));
    const st = slic(striped, [40, 40, 3], { nSegments: 25 });
    expect(connected(st.labels, 40, 40, st.count)).toBe(true);
    const mixed = new Map<number, Set<boolean>>();
    st.labels.forEach((l, p) => mixed.set(l, (mixed.get(l) ?? new Set()).add(stripe(p))));
    expect([...mixed.values()].filter((v) => v.size > 1).length).toBeLessThanOrEqual(0.15 * st.count);
    // Deterministic, and a smooth noisy image with more segments is still connected.
    expect(Array.from(slic(img, [H, W, 3], { nSegments: 16 }).labels)).toEqual(Array.from(s.labels));
    const smooth = Float32Array.from({ length: 40 * 40 * 2 }, (_, i) => Math.sin(i / 97) + noise.uniform(0, 0.5));
    const t = slic(smooth, [40, 40, 2], { nSegments: 25, compactness: 5 });
    expect(t.count).toBeGreaterThanOrEqual(12);
    expect(t.count).toBeLessThanOrEqual(50);
    expect(connected(t.labels, 40, 40, t.count)).toBe(true);
  });

  it('grid and token features', () => {
    expect(Array.from(gridSegments([5], 2).labels)).toEqual([0, 0, 1, 1, 2]);
    const g = gridSegments([3, 4], [2, 3]);
    expect(g.count).toBe(4);
    expect(Array.from(g.labels)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 2, 2, 2, 3]);
    expect(gridSegments([4, 4, 4], 2).count).toBe(8);
    expect(() => gridSegments([4, 4], [2])).toThrow(/cellSize/);
    // Tokens: one feature per token, padding (maskToken) is none.
    const tokens = limeFeatures([5, 0, 7, 3, 0], [5]);
    expect(tokens.segmentation).toBe('tokens');
    expect(Array.from(tokens.labels)).toEqual([0, -1, 1, 2, -1]);
    expect(limeFeatures([5, 9, 7], [3], { maskToken: 9 }).count).toBe(2);
    expect(limeFeatures(new Float32Array(12 * 2), [12, 2], { nSegments: 4 }).count).toBe(4); // 1-D default: ⌈T / nSegments⌉
    expect(limeFeatures(new Float32Array(8 * 8 * 1), [8, 8, 1], { segmentation: 'grid', nSegments: 16 }).count).toBe(16);
  });

  it('tokens on rank-1 samples (a Dense stand-in for a sequence model): relevance [T], padding gets 0', async () => {
    const w = [0.5, -1, 2, 0.25, 1.5, -0.75];
    const model = denseModel([6], w.flatMap((v) => [v, -v]), [0, 0]);
    const ids = [3, 0, 1, 2, 0, 4];
    const x = tf.tensor1d(ids);
    const e = await lime(model, x, { target: 0, samples: 200 });
    expect(e.relevance.shape).toEqual([6]);
    const rel = Array.from(e.relevance.dataSync());
    ids.forEach((id, t) => (id === 0 ? expect(rel[t]).toBe(0) : expect(Math.abs(rel[t]! - w[t]! * id)).toBeLessThan(0.05 * 4)));
    e.dispose();
    x.dispose();
  });

  it('same seed → identical relevance; another seed → different relevance', async () => {
    const x = image(2, 7);
    const run = async (seed: number) => {
      const e = await lime(conv, x, { seed, nSegments: 9, samples: 60, batchSize: 25, target: [0, 1] });
      const v = Array.from(e.relevance.dataSync());
      expect(e.relevance.shape).toEqual([2, 10, 10, 3]);
      e.dispose();
      return v;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    const b = await run(2);
    expect(b.some((v, i) => v !== a[i])).toBe(true);
    x.dispose();
  });

  it('bad options throw InvalidArgumentError naming the option', async () => {
    const x = image(1, 3);
    await expect(lime(conv, x, { nSegments: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(lime(conv, x, { nSegments: 0 })).rejects.toThrow(/nSegments/);
    await expect(lime(conv, x, { kernelWidth: -1 })).rejects.toThrow(/kernelWidth/);
    await expect(lime(conv, x, { groupSize: 2, segmentation: 'grid' })).rejects.toThrow(/groupSize/);
    await expect(lime(conv, x, { segmentation: 'tokens' })).rejects.toThrow(/tokens/);
    await expect(lime(conv, x, { target: 7 })).rejects.toThrow(/out of range/);
    await expect(explain(conv, x, { method: 'lime', samples: 1 })).rejects.toThrow(/samples/);
    x.dispose();
  });

  it('does not leak tensors over repeated calls, cancelled runs included', async () => {
    const x = image(2, 9);
    const one = tf.slice(x, 0, 1).squeeze([0]);
    (await lime(conv, x, { samples: 20, nSegments: 4 })).dispose();
    const before = tf.memory().numTensors;
    for (const fill of [0.5, 'mean', 'blur'] as const) {
      (await lime(conv, x, { samples: 20, nSegments: 4, fill, batchSize: 8 })).dispose();
      const single = await lime(conv, one, { samples: 20, segmentation: 'grid', cellSize: [5, 5], fill });
      expect(single.relevance.shape).toEqual([10, 10, 3]);
      expect(single.logits.shape).toEqual([3]);
      single.dispose();
    }
    const controller = new AbortController();
    const context = new MethodContext({ signal: controller.signal, onProgress: () => controller.abort() });
    await expect(lime(conv, x, { samples: 20, batchSize: 5 }, context)).rejects.toThrow(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, one]);
  });
});

/** Independent reference: minimise Σw(y − b − xβ)² + α‖β‖² via Gaussian elimination on [β; b]. */
function augmentedRidge(X: number[][], y: number[], w: number[], alpha: number): number[] {
  const p = X[0]!.length;
  const m = p + 1;
  const A = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
  X.forEach((row, i) => {
    const z = [...row, 1];
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < m; k++) A[j]![k]! += w[i]! * z[j]! * z[k]!;
      A[j]![m]! += w[i]! * z[j]! * y[i]!;
    }
  });
  for (let j = 0; j < p; j++) A[j]![j]! += alpha;
  for (let c = 0; c < m; c++) {
    const pivot = A.slice(c).reduce((best, row, i) => (Math.abs(row[c]!) > Math.abs(A[best]![c]!) ? c + i : best), c);
    [A[c], A[pivot]] = [A[pivot]!, A[c]!];
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k <= m; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  return A.map((row, j) => row[m]! / row[j]!);
}

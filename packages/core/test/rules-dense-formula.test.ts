/**
 * Each LRP rule on a single linear layer (Dense, Conv1D, Conv2D, DepthwiseConv2D) against an
 * independent float64 plain-JS implementation of the formula in shared/fixtures/README.md ("Rules").
 * Convolutions are written out as explicit Toeplitz matrices (helpers.convRef), so the reference
 * shares no code with the engine's conv/transposed-conv kernels or its padding arithmetic.
 *
 * For a one-layer model the seed is one-hot(target)·logit at the layer output, so the input relevance
 * is rule(x, W, b, R) with R one-hot. A second variant puts a Dense 'head' (epsilon rule) behind the
 * layer so the layer under test receives a dense, mixed-sign R (both masks of gamma are exercised).
 * A third variant puts a ReLU in front: the engine then knows x ≥ 0 and skips the x⁻ terms.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alphaBeta,
  epsilon,
  flat,
  gamma,
  gradient,
  gradientXInput,
  initBackend,
  lrp,
  wsquare,
  XaiModel,
  zbox,
  zplus,
  type Composite,
  type LinearRule,
} from '../src/index.js';
import {
  add,
  convRef,
  denseRef,
  expectClose,
  matVec,
  mul,
  posV,
  prod,
  refRule,
  rng,
  rows,
  stab,
  vecMat,
  type ConvSpec,
  type LinearRef,
  type RefRule,
  type Rng,
} from './helpers.js';

const BATCH = 4;
const HEAD_UNITS = 3;
const REL = 1e-4;
const ABS = 1e-6;

type LayerSpec =
  | { kind: 'dense'; inShape: number[]; units: number }
  | ({ kind: 'conv' | 'depthwise' } & ConvSpec);

interface LayerCase {
  readonly name: string;
  readonly layer: LayerSpec;
  /** A ReLU layer in front (the layer input is provably non-negative). */
  readonly relu?: boolean;
}

const conv2d = (inShape: number[], size: number[], filters: number, strides: number[], padding: 'same' | 'valid', dilations = [1, 1]): LayerSpec => ({
  kind: 'conv', inShape, size, filters, strides, padding, dilations,
});

const CASES: LayerCase[] = [
  { name: 'Dense 7→5', layer: { kind: 'dense', inShape: [7], units: 5 } },
  { name: 'Dense 7→5 after ReLU (non-negative input)', layer: { kind: 'dense', inShape: [7], units: 5 }, relu: true },
  // 6/2 → 3 outputs, total pad (3−1)·2+3−6 = 1: TensorFlow puts it after (asymmetric).
  { name: 'Conv2D 3×3 stride 2 same on 6×6 (asymmetric pad)', layer: conv2d([6, 6, 2], [3, 3], 3, [2, 2], 'same') },
  { name: 'Conv2D 3×3 stride 1 valid on 5×5', layer: conv2d([5, 5, 2], [3, 3], 2, [1, 1], 'valid') },
  { name: 'Conv2D 2×2 (even kernel) same on 5×6', layer: conv2d([5, 6, 2], [2, 2], 3, [1, 1], 'same') },
  { name: 'Conv2D 3×3 dilation 2 same on 7×7', layer: conv2d([7, 7, 1], [3, 3], 2, [1, 1], 'same', [2, 2]) },
  { name: 'Conv2D 4×3 stride 2 same on 7×6 (pads 1/2 and 0/1)', layer: conv2d([7, 6, 2], [4, 3], 2, [2, 2], 'same') },
  { name: 'Conv2D 3×2 strides 2×3 valid on 7×8', layer: conv2d([7, 8, 2], [3, 2], 2, [2, 3], 'valid') },
  { name: 'Conv2D 3×3 stride 2 same after ReLU', layer: conv2d([6, 6, 2], [3, 3], 3, [2, 2], 'same'), relu: true },
  { name: 'Conv1D k3 stride 2 same on 10 (asymmetric pad)', layer: { kind: 'conv', inShape: [10, 2], size: [3], filters: 3, strides: [2], dilations: [1], padding: 'same' } },
  { name: 'Conv1D k4 valid on 9', layer: { kind: 'conv', inShape: [9, 2], size: [4], filters: 2, strides: [1], dilations: [1], padding: 'valid' } },
  // (No 'causal' case: tfjs-layers cannot run a causal Conv1D and gives it the 'valid' output shape.)
  { name: 'Conv1D k2 dilation 2 same on 9', layer: { kind: 'conv', inShape: [9, 2], size: [2], filters: 2, strides: [1], dilations: [2], padding: 'same' } },
  { name: 'DepthwiseConv2D 3×3 ×2 stride 2 same on 6×6', layer: { kind: 'depthwise', inShape: [6, 6, 3], size: [3, 3], filters: 2, strides: [2, 2], dilations: [1, 1], padding: 'same' } },
  { name: 'DepthwiseConv2D 2×3 ×2 valid on 5×5', layer: { kind: 'depthwise', inShape: [5, 5, 2], size: [2, 3], filters: 2, strides: [1, 1], dilations: [1, 1], padding: 'valid' } },
  { name: 'DepthwiseConv2D 3×3 ×2 dilation 2 same on 6×5', layer: { kind: 'depthwise', inShape: [6, 5, 2], size: [3, 3], filters: 2, strides: [1, 1], dilations: [2, 2], padding: 'same' } },
];

interface RuleCase {
  readonly label: string;
  readonly ref: RefRule;
  readonly make: () => LinearRule;
}

/** Rules under test; z_box bounds enclose the inputs (x ∈ [−1, 1]). */
function ruleCases(inShape: number[], r: Rng, keep: tf.Tensor[]): RuleCase[] {
  const n = prod(inShape);
  const low = r.array(n, -1.5, -1);
  const high = r.array(n, 1, 1.5);
  const lowT = tf.tensor(low, inShape);
  const highT = tf.tensor(high, inShape);
  keep.push(lowT, highT);
  return [
    { label: 'epsilon(1e-6)', ref: { name: 'epsilon', epsilon: 1e-6 }, make: () => epsilon(1e-6) },
    { label: 'epsilon(0.25)', ref: { name: 'epsilon', epsilon: 0.25 }, make: () => epsilon(0.25) },
    { label: 'gamma(0.25)', ref: { name: 'gamma', gamma: 0.25 }, make: () => gamma(0.25) },
    { label: 'zplus', ref: { name: 'zplus' }, make: () => zplus() },
    { label: 'alpha_beta(2,1)', ref: { name: 'alpha_beta', alpha: 2, beta: 1 }, make: () => alphaBeta(2, 1) },
    { label: 'alpha_beta(1,0)', ref: { name: 'alpha_beta', alpha: 1, beta: 0 }, make: () => alphaBeta(1, 0) },
    { label: 'flat', ref: { name: 'flat' }, make: () => flat() },
    { label: 'wsquare', ref: { name: 'wsquare' }, make: () => wsquare() },
    { label: 'z_box(-1, 1) scalar bounds', ref: { name: 'z_box', low: -1, high: 1 }, make: () => zbox(-1, 1) },
    { label: 'z_box tensor bounds', ref: { name: 'z_box', low, high }, make: () => zbox(lowT, highT) },
  ];
}

interface Built {
  readonly model: XaiModel;
  readonly ref: LinearRef;
  /** The head's kernel [nOut][HEAD_UNITS] and bias, when there is a head. */
  readonly head?: { W: number[][]; b: number[] };
}

/** A model input → [ReLU] → layer 'L' → [Flatten] → [Dense 'head'], with seeded weights. */
function build(c: LayerCase, r: Rng, withHead: boolean): Built {
  const spec = c.layer;
  const inp = tf.input({ shape: [...spec.inShape] });
  let h = (c.relu ? tf.layers.reLU({ name: 'pre_relu' }).apply(inp) : inp) as tf.SymbolicTensor;
  let layer: tf.layers.Layer;
  let kernelShape: number[];
  let ref: LinearRef;
  let kernel: number[];
  let bias: number[];
  if (spec.kind === 'dense') {
    const nIn = spec.inShape[0]!;
    layer = tf.layers.dense({ units: spec.units, name: 'L' });
    kernelShape = [nIn, spec.units];
    kernel = r.array(prod(kernelShape));
    bias = r.array(spec.units, -0.5, 0.5);
    ref = denseRef(kernel, nIn, spec.units, bias);
  } else {
    const cin = spec.inShape[spec.inShape.length - 1]!;
    const common = { strides: [...spec.strides], dilationRate: [...spec.dilations] as [number] | [number, number], padding: spec.padding as 'same' | 'valid', name: 'L' };
    if (spec.kind === 'depthwise') {
      layer = tf.layers.depthwiseConv2d({ ...common, kernelSize: [spec.size[0]!, spec.size[1]!], depthMultiplier: spec.filters });
      kernelShape = [...spec.size, cin, spec.filters];
      bias = r.array(cin * spec.filters, -0.5, 0.5);
    } else {
      layer = spec.size.length === 1 ? tf.layers.conv1d({ ...common, filters: spec.filters, kernelSize: spec.size[0]! }) : tf.layers.conv2d({ ...common, kernelSize: [...spec.size], filters: spec.filters });
      kernelShape = [...spec.size, cin, spec.filters];
      bias = r.array(spec.filters, -0.5, 0.5);
    }
    kernel = r.array(prod(kernelShape));
    ref = convRef({ ...spec, depthwise: spec.kind === 'depthwise' }, kernel, bias);
  }
  h = layer.apply(h) as tf.SymbolicTensor;
  if (h.shape.length > 2) h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  let headLayer: tf.layers.Layer | null = null;
  if (withHead) {
    headLayer = tf.layers.dense({ units: HEAD_UNITS, name: 'head' });
    h = headLayer.apply(h) as tf.SymbolicTensor;
  }
  const m = tf.model({ inputs: inp, outputs: h });
  expect(h.shape.slice(1)).toEqual(withHead ? [HEAD_UNITS] : [ref.nOut]);
  layer.setWeights([tf.tensor(kernel, kernelShape), tf.tensor(bias, [bias.length])]);
  let head: Built['head'];
  if (headLayer) {
    const hk = r.array(ref.nOut * HEAD_UNITS);
    const hb = r.array(HEAD_UNITS, -0.5, 0.5);
    headLayer.setWeights([tf.tensor(hk, [ref.nOut, HEAD_UNITS]), tf.tensor(hb, [HEAD_UNITS])]);
    head = { W: Array.from({ length: ref.nOut }, (_, i) => hk.slice(i * HEAD_UNITS, (i + 1) * HEAD_UNITS)), b: hb };
  }
  return { model: XaiModel.fromLayersModel(m), ref, head };
}

const argmax = (v: number[]) => v.indexOf(Math.max(...v));
const argmin = (v: number[]) => v.indexOf(Math.min(...v));

/** Targets: the largest output, the smallest (usually negative) output, then random ones. */
function pickTargets(z: number[][], r: Rng): number[] {
  return z.map((zs, b) => (b === 0 ? argmax(zs) : b === 1 ? argmin(zs) : r.int(zs.length)));
}

beforeAll(async () => {
  await initBackend();
});

CASES.forEach((c, caseIndex) => {
  describe(c.name, () => {
    const r = rng(1000 + caseIndex);
    const keep: tf.Tensor[] = [];
    const nIn = prod(c.layer.inShape);
    const xs = Array.from({ length: BATCH }, () => r.array(nIn, -1, 1));
    // What the linear layer sees.
    const layerIn = c.relu ? xs.map(posV) : xs;
    let single: Built;
    let headed: Built;
    let x: tf.Tensor;
    let rules: RuleCase[];
    // Single-layer model: z = x·W + b; targets; one-hot·logit seeds.
    let z: number[][];
    let targets: number[];
    // Layer + head.
    let h: number[][];
    let zh: number[][];
    let headTargets: number[];

    beforeAll(() => {
      single = build(c, r, false);
      headed = build(c, r, true);
      x = tf.tensor(xs.flat(), [BATCH, ...c.layer.inShape]);
      rules = ruleCases([...c.layer.inShape], r, keep);
      const W = single.ref.matrix();
      const b = single.ref.bias();
      z = layerIn.map((xi) => add(vecMat(xi, W), b));
      targets = pickTargets(z, r);
      const Wl = headed.ref.matrix();
      const bl = headed.ref.bias();
      h = layerIn.map((xi) => add(vecMat(xi, Wl), bl));
      zh = h.map((hi) => add(vecMat(hi, headed.head!.W), headed.head!.b));
      headTargets = pickTargets(zh, r);
    });

    afterAll(() => {
      single.model.dispose();
      headed.model.dispose();
      x.dispose();
      keep.forEach((t) => t.dispose());
    });

    it('forward logits equal x·W + b', () => {
      const e = lrp(single.model, x, { rule: epsilon(), target: targets });
      expectClose(e.logits.dataSync(), z.flat(), 1e-5, 1e-6, 'logits');
      expect(e.targets).toEqual(targets);
      e.dispose();
      // The chosen targets cover a positive and a negative logit.
      expect(z[0]![targets[0]!]!).toBeGreaterThan(0);
      expect(z[1]![targets[1]!]!).toBeLessThan(0);
    });

    it('every rule, one-hot seed: R_in = rule(x, W, b, one-hot·logit)', () => {
      for (const rc of rules) {
        const e = lrp(single.model, x, { rule: rc.make(), target: targets });
        const got = rows(e.relevance.dataSync(), BATCH);
        e.dispose();
        layerIn.forEach((xi, bIdx) => {
          const R = z[bIdx]!.map((v, j) => (j === targets[bIdx] ? v : 0));
          expectClose(got[bIdx]!, refRule(rc.ref, single.ref, xi, R), REL, ABS, `${rc.label}, sample ${bIdx}`);
        });
      }
    });

    it('every rule, dense mixed-sign R from an epsilon head', () => {
      const W2 = headed.head!.W;
      for (const rc of rules) {
        const composite: Composite = { name: `head-eps+${rc.label}`, entries: [[{ layerName: 'head' }, epsilon(1e-6)], [{}, rc.make()]] };
        const e = lrp(headed.model, x, { composite, target: headTargets });
        const got = rows(e.relevance.dataSync(), BATCH);
        e.dispose();
        layerIn.forEach((xi, bIdx) => {
          const t = headTargets[bIdx]!;
          const s = zh[bIdx]!.map((v, j) => (j === t ? v / stab(v, 1e-6) : 0));
          const R = mul(h[bIdx]!, matVec(W2, s));
          expect(R.some((v) => v > 0) && R.some((v) => v < 0)).toBe(true);
          expectClose(got[bIdx]!, refRule(rc.ref, headed.ref, xi, R), REL, ABS, `${rc.label}, sample ${bIdx}`);
        });
      }
    });

    it('named composites give the layer (the first linear layer) the rule of the README table', () => {
      const isConv = c.layer.kind !== 'dense';
      const table: [string, RefRule][] = [
        ['epsilon_plus', isConv ? { name: 'zplus' } : { name: 'epsilon', epsilon: 1e-6 }],
        ['epsilon_plus_flat', { name: 'flat' }],
        ['epsilon_alpha2_beta1', isConv ? { name: 'alpha_beta', alpha: 2, beta: 1 } : { name: 'epsilon', epsilon: 1e-6 }],
        // z_box only for a first *Conv* layer; a first Dense layer keeps epsilon.
        ['epsilon_gamma_box', isConv ? { name: 'z_box', low: -1, high: 1 } : { name: 'epsilon', epsilon: 1e-6 }],
      ];
      for (const [composite, ref] of table) {
        const e = lrp(headed.model, x, { composite, target: headTargets, low: -1, high: 1 });
        const got = rows(e.relevance.dataSync(), BATCH);
        e.dispose();
        layerIn.forEach((xi, bIdx) => {
          const t = headTargets[bIdx]!;
          const s = zh[bIdx]!.map((v, j) => (j === t ? v / stab(v, 1e-6) : 0));
          const R = mul(h[bIdx]!, matVec(headed.head!.W, s));
          expectClose(got[bIdx]!, refRule(ref, headed.ref, xi, R), REL, ABS, `${composite}, sample ${bIdx}`);
        });
      }
    });

    it('gradient and gradient×input equal the column of W (times x)', () => {
      const W = single.ref.matrix();
      const expected = xs.map((xi, bIdx) =>
        W.map((row, i) => (c.relu && xi[i]! <= 0 ? 0 : row[targets[bIdx]!]!)),
      );
      const g = gradient(single.model, x, { target: targets });
      expectClose(g.relevance.dataSync(), expected.flat(), REL, ABS, 'gradient');
      expectClose(g.logits.dataSync(), z.flat(), 1e-5, 1e-6, 'gradient logits');
      g.dispose();
      const gx = gradientXInput(single.model, x, { target: targets });
      expectClose(gx.relevance.dataSync(), expected.map((gi, bIdx) => mul(gi, xs[bIdx]!)).flat(), REL, ABS, 'gradient×input');
      gx.dispose();
    });
  });
});

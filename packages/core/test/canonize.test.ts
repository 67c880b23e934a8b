/**
 * BatchNormalization canonization: merging BN into the preceding linear layer keeps the function,
 * LRP of the canonized graph equals LRP of a model whose weights the test merged by hand
 * (W' = W·s, b' = (b − μ)·s + β, s = γ/√(σ² + ε) per output channel), the 'zennit' flavour leaves the
 * documented residual 1/√(1 + ε), and a BN that does not follow a linear layer passes relevance through.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gamma, gradient, initBackend, lrp, XaiModel, zplus, type LinearRule } from '../src/index.js';
import { expectClose, prod, rng, type Rng } from './helpers.js';

const BATCH = 2;

interface BnParams {
  gamma: number[];
  beta: number[];
  mean: number[];
  variance: number[];
  epsilon: number;
}

function bnParams(r: Rng, n: number, epsilon: number): BnParams {
  // Non-trivial statistics; one negative γ flips the sign of a channel.
  const g = r.array(n, 0.5, 1.5);
  g[n - 1] = -g[n - 1]!;
  return { gamma: g, beta: r.array(n, -0.5, 0.5), mean: r.array(n, -0.5, 0.5), variance: r.array(n, 0.3, 2), epsilon };
}

const bnScale = (p: BnParams) => p.gamma.map((g, c) => g / Math.sqrt(p.variance[c]! + p.epsilon));

/** Merged kernel/bias in plain JS: the kernel's last axis runs over the BN channels. */
function mergeByHand(kernel: number[], bias: number[], p: BnParams): { kernel: number[]; bias: number[] } {
  const s = bnScale(p);
  const n = s.length;
  return {
    kernel: kernel.map((w, i) => w * s[i % n]!),
    bias: bias.map((b, c) => (b - p.mean[c]!) * s[c]! + p.beta[c]!),
  };
}

const setBn = (layer: tf.layers.Layer, p: BnParams) =>
  layer.setWeights([p.gamma, p.beta, p.mean, p.variance].map((v) => tf.tensor1d(v)));

const randomWeights = (layer: tf.layers.Layer, r: Rng): number[][] => {
  const values = layer.getWeights().map((w) => {
    const fanIn = w.rank > 1 ? prod(w.shape.slice(0, -1)) : 4;
    const a = Math.sqrt(3 / fanIn);
    return r.array(w.size, -a, a);
  });
  layer.setWeights(values.map((v, i) => tf.tensor(v, layer.getWeights()[i]!.shape)));
  return values;
};

/**
 * Conv2D → BN → ReLU → DepthwiseConv2D(×2) → BN → ReLU → Flatten → Dense → BN → ReLU → Dense, and the
 * same network without BN whose weights the test merged by hand.
 */
function buildPair(r: Rng): { withBn: tf.LayersModel; merged: tf.LayersModel } {
  const arch = (bn: boolean) => {
    const L: tf.layers.Layer[] = [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, padding: 'same', name: 'c1' }),
      ...(bn ? [tf.layers.batchNormalization({ name: 'bn1' })] : []),
      tf.layers.reLU(),
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', name: 'dw' }),
      ...(bn ? [tf.layers.batchNormalization({ name: 'bn2', epsilon: 0.01 })] : []),
      tf.layers.reLU(),
      tf.layers.flatten(),
      tf.layers.dense({ units: 5, name: 'd1' }),
      ...(bn ? [tf.layers.batchNormalization({ name: 'bn3' })] : []),
      tf.layers.reLU(),
      tf.layers.dense({ units: 3, name: 'out' }),
    ];
    return tf.sequential({ layers: L });
  };
  const withBn = arch(true);
  const merged = arch(false);
  for (const [lin, bnName, eps] of [['c1', 'bn1', 1e-3], ['dw', 'bn2', 0.01], ['d1', 'bn3', 1e-3]] as const) {
    const [k, b] = randomWeights(withBn.getLayer(lin), r);
    const bnLayer = withBn.getLayer(bnName);
    const p = bnParams(r, bnLayer.getWeights()[0]!.size, eps);
    setBn(bnLayer, p);
    const m = mergeByHand(k!, b!, p);
    const target = merged.getLayer(lin);
    target.setWeights([tf.tensor(m.kernel, target.getWeights()[0]!.shape), tf.tensor1d(m.bias)]);
  }
  const outW = randomWeights(withBn.getLayer('out'), r);
  merged.getLayer('out').setWeights(outW.map((v, i) => tf.tensor(v, withBn.getLayer('out').getWeights()[i]!.shape)));
  return { withBn, merged };
}

beforeAll(async () => {
  await initBackend();
});

describe('Conv2D/DepthwiseConv2D/Dense followed by BatchNormalization', () => {
  const r = rng(4242);
  let pair: { withBn: tf.LayersModel; merged: tf.LayersModel };
  let canon: XaiModel;
  let raw: XaiModel;
  let hand: XaiModel;
  let x: tf.Tensor;
  let predicted: Float32Array;

  beforeAll(() => {
    pair = buildPair(r);
    x = tf.tensor(r.array(BATCH * 72, -1, 1), [BATCH, 6, 6, 2]);
    predicted = (pair.withBn.predict(x) as tf.Tensor).dataSync() as Float32Array;
    canon = XaiModel.fromLayersModel(pair.withBn, { canonize: true });
    raw = XaiModel.fromLayersModel(pair.withBn, { canonize: false });
    hand = XaiModel.fromLayersModel(pair.merged);
  });
  afterAll(() => {
    canon.dispose();
    hand.dispose();
    x.dispose();
  });

  it('canonize merges every BN (no BatchNormalization node is left), canonize:false keeps them', () => {
    expect(canon.graph.nodes.filter((n) => n.layerClass === 'BatchNormalization')).toHaveLength(0);
    expect(raw.graph.nodes.filter((n) => n.layerClass === 'BatchNormalization')).toHaveLength(3);
    expect(canon.linearNodes().map((n) => n.layerName)).toEqual(['c1', 'dw', 'd1', 'out']);
  });

  it('canonized, uncanonized and hand-merged graphs give the logits of model.predict', () => {
    for (const [label, m] of [['canonize: true', canon], ['canonize: false', raw], ['hand-merged', hand]] as const) {
      const e = gradient(m, x, { target: 0 });
      expectClose(e.logits.dataSync(), predicted, 1e-5, 1e-6, label);
      e.dispose();
    }
  });

  const rules: [string, () => { rule?: LinearRule; composite?: string }][] = [
    ['epsilon_plus', () => ({ composite: 'epsilon_plus' })],
    ['epsilon_alpha2_beta1', () => ({ composite: 'epsilon_alpha2_beta1' })],
    ['epsilon_plus_flat', () => ({ composite: 'epsilon_plus_flat' })],
    ['epsilon_gamma_box', () => ({ composite: 'epsilon_gamma_box' })],
    ['zplus everywhere', () => ({ rule: zplus() })],
    ['gamma(0.25) everywhere', () => ({ rule: gamma(0.25) })],
  ];
  for (const [label, opts] of rules) {
    it(`LRP (${label}) of the canonized graph equals LRP of the hand-merged model`, () => {
      const a = lrp(canon, x, { ...opts(), target: [0, 2], low: -1, high: 1 });
      const b = lrp(hand, x, { ...opts(), target: [0, 2], low: -1, high: 1 });
      expectClose(a.relevance.dataSync(), b.relevance.dataSync(), 1e-4, 1e-6, label);
      a.dispose();
      b.dispose();
    });
  }

  it('without canonization LRP differs (the comparison above has power)', () => {
    const a = lrp(raw, x, { composite: 'epsilon_plus', target: [0, 2] });
    const b = lrp(hand, x, { composite: 'epsilon_plus', target: [0, 2] });
    const ra = a.relevance.dataSync();
    const rb = b.relevance.dataSync();
    const maxRef = Math.max(...Array.from(rb, Math.abs));
    expect(Math.max(...Array.from(ra, (v, i) => Math.abs(v - rb[i]!))) / maxRef).toBeGreaterThan(1e-2);
    a.dispose();
    b.dispose();
  });

  it('gradients agree (canonized, uncanonized, hand-merged)', () => {
    const g1 = gradient(canon, x, { target: 1 });
    const g2 = gradient(raw, x, { target: 1 });
    const g3 = gradient(hand, x, { target: 1 });
    expectClose(g1.relevance.dataSync(), g3.relevance.dataSync(), 1e-4, 1e-6, 'canonized vs hand');
    expectClose(g2.relevance.dataSync(), g3.relevance.dataSync(), 1e-4, 1e-6, 'uncanonized vs hand');
    [g1, g2, g3].forEach((g) => g.dispose());
  });
});

describe('BatchNormalization without scale and center after Dense', () => {
  it('merges (W·s, (b − μ)·s with s = 1/√(σ² + ε)) and matches the hand-merged model', async () => {
    const r = rng(31);
    const make = (bn: boolean) =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [5], units: 4, name: 'd' }),
          ...(bn ? [tf.layers.batchNormalization({ scale: false, center: false, name: 'bn' })] : []),
          tf.layers.reLU(),
          tf.layers.dense({ units: 3, name: 'out' }),
        ],
      });
    const withBn = make(true);
    const merged = make(false);
    const [k, b] = randomWeights(withBn.getLayer('d'), r);
    const mean = r.array(4, -0.5, 0.5);
    const variance = r.array(4, 0.3, 2);
    withBn.getLayer('bn').setWeights([tf.tensor1d(mean), tf.tensor1d(variance)]);
    const m = mergeByHand(k!, b!, { gamma: [1, 1, 1, 1], beta: [0, 0, 0, 0], mean, variance, epsilon: 1e-3 });
    merged.getLayer('d').setWeights([tf.tensor(m.kernel, [5, 4]), tf.tensor1d(m.bias)]);
    const outW = randomWeights(withBn.getLayer('out'), r);
    merged.getLayer('out').setWeights([tf.tensor(outW[0]!, [4, 3]), tf.tensor1d(outW[1]!)]);
    const x = tf.tensor(r.array(2 * 5, -1, 1), [2, 5]);
    const a = XaiModel.fromLayersModel(withBn);
    const h = XaiModel.fromLayersModel(merged);
    expect(a.graph.nodes.some((n) => n.layerClass === 'BatchNormalization')).toBe(false);
    const ea = lrp(a, x, { rule: gamma(0.25), target: [0, 2] });
    const eh = lrp(h, x, { rule: gamma(0.25), target: [0, 2] });
    expectClose(ea.logits.dataSync(), (withBn.predict(x) as tf.Tensor).dataSync(), 1e-5, 1e-6, 'logits');
    expectClose(ea.relevance.dataSync(), eh.relevance.dataSync(), 1e-4, 1e-6, 'relevance');
    [ea, eh].forEach((e) => e.dispose());
    a.dispose();
    h.dispose();
    x.dispose();
  });
});

describe("canonize: 'zennit'", () => {
  // Conv2D → BN → ReLU → Flatten → Dense without bias: the residual y = x/√(1 + ε) after the merged
  // conv scales everything after it by c (ReLU is positively homogeneous, the Dense has no bias), so the
  // logits and (with relevance passing the residual unchanged) the relevances are c times the exact ones.
  const r = rng(99);
  const EPS = 1e-3;
  const c = 1 / Math.sqrt(1 + EPS);
  let exact: XaiModel;
  let zennit: XaiModel;
  let x: tf.Tensor;
  let predicted: Float32Array;

  beforeAll(() => {
    const m = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, padding: 'same' }),
        tf.layers.batchNormalization({ epsilon: EPS }),
        tf.layers.reLU(),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, useBias: false }),
      ],
    });
    randomWeights(m.layers[0]!, r);
    setBn(m.layers[1]!, bnParams(r, 3, EPS));
    randomWeights(m.layers[4]!, r);
    x = tf.tensor(r.array(BATCH * 50, -1, 1), [BATCH, 5, 5, 2]);
    predicted = (m.predict(x) as tf.Tensor).dataSync() as Float32Array;
    exact = XaiModel.fromLayersModel(m, { canonize: true });
    zennit = XaiModel.fromLayersModel(m, { canonize: 'zennit' });
  });
  afterAll(() => {
    exact.dispose();
    // (zennit shares the LayersModel, already disposed with `exact`; its own nodes are released here)
    for (const n of zennit.graph.nodes) n.dispose();
    x.dispose();
  });

  it('logits are c = 1/√(1+ε) times model.predict', () => {
    const e = gradient(zennit, x, { target: 0 });
    expectClose(e.logits.dataSync(), Array.from(predicted, (v) => c * v), 1e-5, 1e-6, 'zennit logits');
    e.dispose();
  });

  for (const composite of ['epsilon_plus', 'epsilon_alpha2_beta1']) {
    it(`${composite} relevance is c times the exact-canonized relevance`, () => {
      const a = lrp(exact, x, { composite, target: [0, 1] });
      const b = lrp(zennit, x, { composite, target: [0, 1] });
      const ra = a.relevance.dataSync();
      const rb = b.relevance.dataSync();
      expectClose(rb, Array.from(ra, (v) => c * v), 1e-5, 1e-7, 'zennit = c·exact');
      // …and the difference is real (≈ 5e-4 relative), not within that tolerance of the exact numbers.
      const maxRef = Math.max(...Array.from(ra, Math.abs));
      const maxDiff = Math.max(...Array.from(ra, (v, i) => Math.abs(v - rb[i]!)));
      expect(maxDiff / maxRef).toBeGreaterThan(3e-4);
      a.dispose();
      b.dispose();
    });
  }
});

describe('BatchNormalization not preceded by a linear layer', () => {
  const r = rng(7);
  let model: XaiModel;
  let lm: tf.LayersModel;
  let x: tf.Tensor;

  beforeAll(() => {
    // bn_in reads the model input; bn_act reads the output of a fused ReLU (an activation, not a
    // linear node); bn_shared follows Dense 'd' whose output is also read by an Add (two readers).
    const inp = tf.input({ shape: [4, 4, 2] });
    const a = tf.layers.batchNormalization({ name: 'bn_in' }).apply(inp) as tf.SymbolicTensor;
    const b = tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', name: 'conv' }).apply(a) as tf.SymbolicTensor;
    const c = tf.layers.batchNormalization({ name: 'bn_act' }).apply(b) as tf.SymbolicTensor;
    const f = tf.layers.flatten().apply(c) as tf.SymbolicTensor;
    const d = tf.layers.dense({ units: 4, name: 'd' }).apply(f) as tf.SymbolicTensor;
    const e = tf.layers.batchNormalization({ name: 'bn_shared' }).apply(d) as tf.SymbolicTensor;
    const s = tf.layers.add({ name: 'sum' }).apply([d, e]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, name: 'out' }).apply(s) as tf.SymbolicTensor;
    lm = tf.model({ inputs: inp, outputs: out });
    randomWeights(lm.getLayer('conv'), r);
    randomWeights(lm.getLayer('d'), r);
    randomWeights(lm.getLayer('out'), r);
    setBn(lm.getLayer('bn_in'), bnParams(r, 2, 1e-3));
    setBn(lm.getLayer('bn_act'), bnParams(r, 3, 1e-3));
    setBn(lm.getLayer('bn_shared'), bnParams(r, 4, 1e-3));
    x = tf.tensor(r.array(BATCH * 32, -1, 1), [BATCH, 4, 4, 2]);
    model = XaiModel.fromLayersModel(lm, { canonize: true });
  });
  afterAll(() => {
    model.dispose();
    x.dispose();
  });

  it('stays in the graph as an affine node and the logits match model.predict', () => {
    const bns = model.graph.nodes.filter((n) => n.layerClass === 'BatchNormalization').map((n) => n.name);
    expect(bns.sort()).toEqual(['bn_act', 'bn_in', 'bn_shared']);
    const e = gradient(model, x, { target: 0 });
    expectClose(e.logits.dataSync(), (lm.predict(x) as tf.Tensor).dataSync(), 1e-5, 1e-6, 'logits');
    e.dispose();
  });

  it('LRP relevance passes through it unchanged', () => {
    const e = lrp(model, x, { composite: 'epsilon_plus', target: [1, 2], keepNodeRelevance: true });
    const nr = e.nodeRelevance!;
    // Relevance at bn_in's output is exactly what the model input receives.
    expect(Array.from(e.relevance.dataSync())).toEqual(Array.from(nr.get('bn_in')!.dataSync()));
    // Relevance at bn_act's output is exactly what the conv's ReLU output receives.
    expect(Array.from(nr.get('conv/relu')!.dataSync())).toEqual(Array.from(nr.get('bn_act')!.dataSync()));
    // bn_shared: its input ('d') gets the Add share of bn_shared's output plus the direct Add share.
    const sumR = nr.get('sum')!.dataSync();
    expect(Array.from(nr.get('d')!.dataSync()).every(Number.isFinite)).toBe(true);
    expectClose(nr.get('d')!.dataSync(), sumR, 1e-4, 1e-6, 'd receives the whole Add relevance');
    e.dispose();
  });
});

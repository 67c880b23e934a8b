/**
 * Transformers: small encoders built as torch.onnx.export writes them import and compute what
 * onnxruntime computes; the `transformer` composite conserves relevance exactly on a bias-free
 * copy (the sum at the encoder input equals the logit as ε → 0) and, by default, sends nothing to
 * queries and keys; its rules match their formulas written out; attention rollout matches a
 * hand-computed two-layer example; repeated explanations of the fixture model leak no tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attentionRollout, attentionValues, compositeByName, explainAt, forwardAll, initBackend, LayerNormNode, layerNormConstantStd, loadModel, lrp, MatMulNode,
  encoderInput, methodsFor, propagate, runConformance, autodiffVjp, type XaiModel,
} from '../../src/index.js';
import { decodeOnnx, normalizeOnnx } from '../../src/import/onnx/index.js';
import { buildModel, node, tensor, valueInfo } from './build-onnx.js';
import { feed, rampData, runReference } from './ort-reference.js';
import { tinyEncoder, type TinyEncoderSpec } from './tiny-encoder.js';

const FIXTURES = new URL('../../../../../shared/fixtures/onnx', import.meta.url).pathname;
const base: TinyEncoderSpec = { tokens: 5, dim: 8, heads: 2, classes: 3, blocks: [{}, {}], layerNorm: 'native', head: 'first', bias: false };
const input = (spec: TinyEncoderSpec) => rampData([1, spec.tokens, spec.dim], 0.15);

beforeAll(async () => {
  await initBackend();
});

async function withModel<T>(spec: TinyEncoderSpec, use: (m: XaiModel, x: tf.Tensor) => Promise<T> | T): Promise<T> {
  const m = await loadModel(tinyEncoder(spec));
  const x = tf.tensor(input(spec), [1, spec.tokens, spec.dim]);
  try {
    return await use(m, x);
  } finally {
    x.dispose();
    m.dispose();
  }
}

describe('a BERT-style encoder exported to ONNX', () => {
  it.each([
    ['LayerNormalization, first token', { ...base, bias: true }],
    ['LayerNorm formula (opset 13), mean of the tokens, a mask', { ...base, bias: true, layerNorm: 'formula', head: 'mean', blocks: [{ mask: Array.from({ length: 50 }, (_, i) => (i % 7 === 3 ? -1e4 : 0)) }, {}] }],
  ] as const)('imports (%s): one LayerNormalization and one Gelu per use, the logits of onnxruntime', async (_name, spec) => {
    const bytes = tinyEncoder(spec);
    const ops = normalizeOnnx(decodeOnnx(bytes)).graph.nodes.map((n) => n.opType);
    expect(ops.filter((o) => o === 'LayerNormalization')).toHaveLength(4);
    expect(ops.filter((o) => o === 'Gelu')).toHaveLength(2);
    expect(ops).not.toContain('Erf');
    const want = (await runReference(bytes, { x: feed('float32', [1, spec.tokens, spec.dim], input(spec)) })).logits!.data as Float32Array;
    await withModel(spec, (m, x) => {
      const values = forwardAll(m.graph, [x]);
      const got = Array.from(values.get(m.graph.outputs[0]!)!.dataSync());
      for (const [id, t] of values) if (!m.graph.inputs.includes(id)) t.dispose();
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
      // both A·V products name their attention operand; Q·Kᵀ has none
      const products = m.graph.nodes.filter((n): n is MatMulNode => n instanceof MatMulNode);
      expect(products.map((n) => n.attention)).toEqual([null, 0, null, 0]);
    });
  });
});

describe('token selection (Gather, Slice) under the engine\'s own backward pass', () => {
  it('sends back the transpose of the selection: ⟨g, S·x⟩ = ⟨Sᵀ·g, x⟩, with steps, negative steps and repeated indices', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [valueInfo('x', 'float32', [1, 6, 4])],
      outputs: [valueInfo('y', 'float32', null)],
      initializers: [
        tensor('st', 'int64', [2], [5, 3]), tensor('en', 'int64', [2], [-7, 0]), tensor('ax', 'int64', [2], [1, 2]), tensor('sp', 'int64', [2], [-2, -1]),
        tensor('idx', 'int64', [2, 2], [0, 2, 2, -1]),
      ],
      nodes: [node('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['s']), node('Gather', ['s', 'idx'], ['y'], { axis: 1 })],
    });
    const m = await loadModel(bytes);
    const x = tf.tensor(rampData([1, 6, 4], 0.4), [1, 6, 4]);
    const values = forwardAll(m.graph, [x]);
    const y = values.get(m.graph.outputs[0]!)!.clone();
    for (const [id, t] of values) if (!m.graph.inputs.includes(id)) t.dispose();
    expect(y.shape).toEqual([1, 2, 2, 3]);
    const g = tf.tensor(rampData(y.shape, 0.7), y.shape);
    const p = propagate(m, x, { composite: 'gradient', seed: g });
    const left = tf.sum(tf.mul(g, y)).dataSync()[0]!;
    const right = tf.sum(tf.mul(p.relevance, x)).dataSync()[0]!;
    expect(right).toBeCloseTo(left, 4);
    tf.dispose([x, y, g]);
    p.dispose();
    m.dispose();
  });
});

describe("the 'transformer' composite", () => {
  it.each([
    ['first token, LayerNormalization', base],
    ['mean of the tokens, LayerNorm formula', { ...base, head: 'mean', layerNorm: 'formula' } as TinyEncoderSpec],
    ['first token by Slice, one block', { ...base, head: 'slice', blocks: [{}] } as TinyEncoderSpec],
  ])('conserves relevance exactly without biases (%s): Σ R(encoder input) = logit', async (_name, spec) => {
    await withModel(spec, (m, x) => {
      for (const target of [0, 1, 2]) {
        const e = lrp(m, x, { target, composite: compositeByName('transformer', { epsilon: 1e-12 }) });
        const sum = e.relevance.sum().dataSync()[0]!;
        const logit = e.logits.dataSync()[target]!;
        e.dispose();
        expect(Math.abs(sum - logit)).toBeLessThan(2e-5 * Math.max(1, Math.abs(logit)));
      }
    });
  });

  it('sends nothing to queries and keys by default; AttnLRP does', async () => {
    await withModel(base, (m, x) => {
      const reached = (attention: 'values' | 'attnlrp') => {
        const e = lrp(m, x, { target: 0, composite: compositeByName('transformer', { attention }), keepNodeRelevance: true });
        const sums = Object.fromEntries(['l0/q', 'l0/k', 'l0/v', 'l1/q', 'l1/k', 'l1/v'].map((n) => [n, e.nodeRelevance!.has(n) ? Math.abs(e.nodeRelevance!.get(n)!.sum().dataSync()[0]!) + tf.abs(e.nodeRelevance!.get(n)!).max().dataSync()[0]! : 0]));
        e.dispose();
        return sums;
      };
      const values = reached('values');
      for (const n of ['l0/q', 'l0/k', 'l1/q', 'l1/k']) expect(values[n], n).toBe(0);
      for (const n of ['l0/v', 'l1/v']) expect(values[n], n).toBeGreaterThan(0);
      const attnlrp = reached('attnlrp');
      for (const n of ['l0/q', 'l0/k', 'l1/q', 'l1/k', 'l0/v']) expect(attnlrp[n], n).toBeGreaterThan(0);
    });
  });

  it('attention_values: R_V[j,c] = Σ_i A[i,j]·V[j,c]·R[i,c] / stab(Σ_k A[i,k]·V[k,c]), nothing to A', () => {
    const A = [[0.2, 0.8], [0.6, 0.4]];
    const V = [[1, -2, 0.5], [3, 1, -1]];
    const R = [[0.3, -0.1, 0.2], [0.5, 0.4, -0.6]];
    const node = new MatMulNode('av', 'av', 'MatMul', [0, 1], 2, 0);
    const [a, v, r] = [tf.tensor([A]), tf.tensor([V]), tf.tensor([R])];
    const z = node.forward([a, v]);
    const [ra, rv] = attentionValues(0).backward(node, { inputs: [a, v], output: z, r }, { linearMap: () => null, isNonNegative: () => false });
    expect(ra).toBeNull();
    const got = rv!.arraySync() as number[][][];
    for (let j = 0; j < 2; j++) {
      for (let c = 0; c < 3; c++) {
        let want = 0;
        for (let i = 0; i < 2; i++) want += (A[i]![j]! * V[j]![c]! * R[i]![c]!) / (A[i]![0]! * V[0]![c]! + A[i]![1]! * V[1]![c]!);
        expect(got[0]![j]![c]).toBeCloseTo(want, 6);
      }
    }
    tf.dispose([a, v, r, z, rv!]);
  });

  it('layer_norm_constant_std: x ⊙ Wᵀ(R / y) with W = diag(γ/σ)(I − 11ᵀ/d) written out; the node gradient is autodiff’s', () => {
    const d = 4;
    const xs = [0.5, -1.2, 2.0, 0.3];
    const gamma = [1.1, 0.9, -0.7, 1.3];
    const node = new LayerNormNode('ln', 'ln', 'LayerNormalization', [0], 1, [1], tf.tensor(gamma), null, 1e-5);
    const x = tf.tensor([xs]);
    const y = node.forward([x]);
    const r = tf.tensor([[0.2, -0.4, 0.1, 0.3]]);
    const [got] = layerNormConstantStd(0).backward(node, { inputs: [x], output: y, r }, { linearMap: () => null, isNonNegative: () => false });
    const mean = xs.reduce((p, q) => p + q, 0) / d;
    const sigma = Math.sqrt(xs.reduce((p, q) => p + (q - mean) ** 2, 0) / d + 1e-5);
    const yv = y.dataSync();
    const rv = r.dataSync();
    const W = (i: number, j: number) => (gamma[i]! / sigma) * ((i === j ? 1 : 0) - 1 / d); // y_i = Σ_j W_ij x_j
    const want = xs.map((xj, j) => xj * Array.from({ length: d }, (_, i) => (W(i, j) * rv[i]!) / yv[i]!).reduce((p, q) => p + q, 0));
    Array.from(got!.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 5));
    expect(got!.sum().dataSync()[0]).toBeCloseTo(r.sum().dataSync()[0]!, 5); // no bias: conservative
    const g = tf.tensor([[0.7, -0.2, 0.4, 1.0]]);
    const [mine] = node.vjp([x], y, g);
    const [auto] = autodiffVjp((ins) => node.forward(ins), [x], g);
    Array.from(mine!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(auto!.dataSync()[i]!, 5));
    tf.dispose([x, y, r, got!, g, mine!, auto!]);
    node.scale.dispose();
  });
});

describe('attention_rollout', () => {
  // Zero queries and keys make the scores 0, so each head's probabilities are softmax(log P) = P.
  const P1 = [[[0.25, 0.75], [0.25, 0.75]], [[0.75, 0.25], [0.25, 0.75]]]; // mean over heads [[0.5, 0.5], [0.25, 0.75]]
  const P2 = [[[0.875, 0.125], [0.5, 0.5]], [[0.625, 0.375], [0.5, 0.5]]]; // mean [[0.75, 0.25], [0.5, 0.5]]
  const spec: TinyEncoderSpec = {
    ...base, tokens: 2, dim: 4,
    blocks: [{ zeroQueries: true, mask: P1.flat(2).map(Math.log) }, { zeroQueries: true, mask: P2.flat(2).map(Math.log) }],
  };
  it('multiplies (0.5·mean_h A + 0.5·I) from the first layer up: a hand-computed 2-layer example', async () => {
    // Ã1 = [[0.75, 0.25], [0.125, 0.875]], Ã2 = [[0.875, 0.125], [0.25, 0.75]];
    // Ã2·Ã1 = [[0.671875, 0.328125], [0.28125, 0.71875]].
    await withModel(spec, (m, x) => {
      for (const [token, want] of [[0, [0.671875, 0.328125]], [1, [0.28125, 0.71875]]] as const) {
        const e = attentionRollout(m, x, { token });
        expect(e.relevance.shape).toEqual([1, 2]);
        Array.from(e.relevance.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
        e.dispose();
      }
      const e = attentionRollout(m, x, { headFusion: 'max', residual: 0.2 });
      expect(e.relevance.sum().dataSync()[0]).toBeCloseTo(1, 6); // rows stay normalised
      e.dispose();
      expect(methodsFor(m).map((d) => d.name)).toContain('attention_rollout');
    });
  });
  it('is offered only for models with attention, and says why otherwise', async () => {
    const mlp = await loadModel(`${FIXTURES}/onnx_mlp`);
    const x = tf.zeros([1, 12]);
    try {
      expect(methodsFor(mlp).map((d) => d.name)).not.toContain('attention_rollout');
      expect(() => attentionRollout(mlp, x)).toThrow(/needs a model with attention/);
    } finally {
      x.dispose();
      mlp.dispose();
    }
  });
});

describe('the fixture onnx_transformer', () => {
  it('passes every method of its conformance case', async () => {
    const summary = await runConformance(FIXTURES, { cases: 'onnx_transformer', log: () => undefined });
    expect(summary.lines.map((l) => l.method).sort()).toEqual(['attention_rollout', 'gradient_x_input', 'integrated_gradients', 'lrp_conservative']);
    expect(summary.lines.filter((l) => !l.ok)).toEqual([]);
  });

  it('leaks no tensors over repeated explanations (LRP, IG and SmoothGrad at the encoder input, rollout)', async () => {
    const m = await loadModel(`${FIXTURES}/onnx_transformer`);
    const ids = tf.tensor([[37, 25, 27, 35, 23, 31, 33, 9, 2, 12]], [1, 10], 'int32');
    const once = async () => {
      for (const request of [
        { method: 'lrp', composite: 'transformer' },
        { method: 'lrp', composite: 'transformer', attention: 'attnlrp' },
        { method: 'integrated_gradients', steps: 4 },
        { method: 'smoothgrad', samples: 2, base: 'gradient_x_input' },
      ]) {
        const e = await explainAt(m, ids, { ...request, target: 0 });
        expect(e.relevance.shape).toEqual([1, 10, 16]);
        e.dispose();
      }
      attentionRollout(m, ids).dispose();
    };
    try {
      await once(); // warm-up: kernels cached by the model's ops
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) await once();
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      ids.dispose();
      m.dispose();
    }
  });
});

describe('token ids and an attention mask in (as a tokenizer hands them over)', () => {
  const spec: TinyEncoderSpec = { ...base, bias: true, vocab: 20, maskInput: true };
  const ids = [3, 17, 5, 9, 0];
  const mask = [1, 1, 1, 0, 0];
  it('computes what onnxruntime computes, and explains at the encoder input with the mask held fixed', async () => {
    const bytes = tinyEncoder(spec);
    const want = (await runReference(bytes, { input_ids: feed('int64', [1, 5], BigInt64Array.from(ids.map(BigInt))), attention_mask: feed('int64', [1, 5], BigInt64Array.from(mask.map(BigInt))) })).logits!.data as Float32Array;
    const m = await loadModel(bytes);
    const inputs = [tf.tensor([ids], [1, 5], 'int32'), tf.tensor([mask], [1, 5], 'int32')];
    try {
      expect(encoderInput(m.graph)).toBe('position_embedding');
      for (const method of ['lrp', 'attnlrp', 'gradient_x_input', 'integrated_gradients']) {
        const own = method === 'lrp' ? { composite: 'transformer' } : method === 'attnlrp' ? { method: 'lrp', composite: 'transformer', attention: 'attnlrp' } : method === 'integrated_gradients' ? { steps: 8 } : {};
        const e = await explainAt(m, inputs, { method, target: 1, ...own } as never);
        expect(e.relevance.shape, method).toEqual([1, 5, 8]);
        Array.from(e.logits.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
        // padded tokens are attended by nobody, and the first token's output is explained
        const perToken = Array.from(e.relevance.sum(-1).dataSync());
        expect(perToken.every(Number.isFinite)).toBe(true);
        if (method === 'lrp' || method === 'attnlrp') expect(Math.abs(perToken[3]!) + Math.abs(perToken[4]!), method).toBeLessThan(1e-6);
        e.dispose();
      }
      const r = attentionRollout(m, inputs);
      const row = Array.from(r.relevance.dataSync());
      expect(row[3]! + row[4]!).toBeLessThan(1e-4); // nobody attends to padding (only the residual path, which is the token's own)
      r.dispose();
    } finally {
      inputs.forEach((t) => t.dispose());
      m.dispose();
    }
  });
});

describe('perturbation methods over tokens at the encoder input', () => {
  it('occlusion with a one-token window: each token’s drop when its embedding is zeroed, the same over d', async () => {
    const m = await loadModel(`${FIXTURES}/onnx_transformer`);
    const ids = tf.tensor([[37, 25, 27, 35, 23, 31, 33, 9, 2, 12]], [1, 10], 'int32');
    try {
      const e = await explainAt(m, ids, { method: 'occlusion', window: 1, target: 0 });
      expect(e.relevance.shape).toEqual([1, 10, 16]);
      const r = e.relevance.arraySync() as number[][][];
      const base = e.logits.dataSync()[0]!;
      // token 3 zeroed by hand: the drop of the target logit
      const zeroed = tf.tidy(() => tf.mul(e.activation, tf.tensor([0, 0, 0, 1, 0, 0, 0, 0, 0, 0].map((v) => 1 - v)).reshape([1, 10, 1])));
      const view = m.startingAt(e.at, [null, 10, 16]);
      const values = forwardAll(view.graph, [zeroed]);
      const drop = base - values.get(view.graph.outputs[0]!)!.dataSync()[0]!;
      for (const [id, t] of values) if (!view.graph.inputs.includes(id)) t.dispose();
      view.dispose();
      zeroed.dispose();
      expect(r[0]![3]![0]).toBeCloseTo(drop, 5);
      expect(new Set(r[0]![3]!.map((v) => v.toFixed(6))).size).toBe(1);
      e.dispose();
    } finally {
      ids.dispose();
      m.dispose();
    }
  });
});

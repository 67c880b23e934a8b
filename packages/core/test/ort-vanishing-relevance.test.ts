/**
 * γ's negative-output group left out of the compiled graph where no relevance can reach negative
 * outputs (a ReLU reads them and every rule above scales by the activation), run under If where a
 * ReLU reads them but a rule above does not scale by the input (flat), and run unconditionally
 * before a residual Add — each with the tfjs executor's result.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compositeByName, ruleMap } from '../src/composites/index.js';
import { planExplanation } from '../src/executors/ort/compile-explanation.js';
import { emptyNegativeOutputs } from '../src/executors/ort/vanishing-relevance.js';
import { onnx } from '../src/import/onnx/proto.js';
import { explainedTensor, flat, initBackend, lrp, lrpOn, XaiModel, type GraphNode, type Rule } from '../src/index.js';
import { expectSameOnBothExecutors } from './executor-comparison.js';

const seeded = (s: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: s }), biasInitializer: tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: s + 50 }) });

/** conv(relu) → conv(relu) → flatten → dense, or with a residual Add of the two convolutions' outputs. */
function model(residual: boolean): XaiModel {
  const input = tf.input({ shape: [8, 8, 3] });
  const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv_a', ...seeded(1) }).apply(input) as tf.SymbolicTensor;
  let b = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv_b', ...seeded(2) }).apply(a) as tf.SymbolicTensor;
  if (residual) b = tf.layers.add().apply([b, a]) as tf.SymbolicTensor;
  b = tf.layers.reLU().apply(b) as tf.SymbolicTensor;
  const flatOut = tf.layers.flatten().apply(b) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 3, name: 'dense', ...seeded(3) }).apply(flatOut) as tf.SymbolicTensor;
  return XaiModel.fromLayersModel(tf.model({ inputs: input, outputs: logits }), { workers: false });
}

const convOutput = (m: XaiModel, layer: string) => m.graph.nodes.find((n) => n.layerName === layer && n.linearOp() !== null)!.output;

/** Rules of epsilon_gamma_box, `override` for the Dense node when given. */
function rulesOf(m: XaiModel, override?: Rule): (n: GraphNode) => Rule {
  const rules = ruleMap(m.graph, compositeByName('epsilon_gamma_box', { low: 0, high: 1 }));
  return (n) => (override && n.layerName === 'dense' ? override : rules.get(n)!);
}

/** How many If nodes the compiled graph has. */
function ifNodes(m: XaiModel, ruleFor: (n: GraphNode) => Rule): number {
  const plan = planExplanation({ graph: m.graph, inputShapes: [[2, 8, 8, 3]], from: explainedTensor(m.graph, 0), ruleFor, seed: 'logit' });
  return onnx.ModelProto.decode(plan.encode()).graph!.node!.filter((n) => n.opType === 'If').length;
}

let plain: XaiModel;
let residual: XaiModel;
let x: tf.Tensor;

beforeAll(async () => {
  await initBackend();
  plain = model(false);
  residual = model(true);
  x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 4);
});

afterAll(() => {
  plain.dispose();
  residual.dispose();
  x.dispose();
});

describe("γ's negative-output group on the 'ort' executor", () => {
  it('is left out where only ReLUs read the outputs and the rules above scale by the input', () => {
    const empty = emptyNegativeOutputs(plain.graph, rulesOf(plain), explainedTensor(plain.graph, 0));
    expect(empty.has(convOutput(plain, 'conv_a'))).toBe(true);
    expect(empty.has(convOutput(plain, 'conv_b'))).toBe(true);
    expect(empty.has(explainedTensor(plain.graph, 0))).toBe(false);
    expect(ifNodes(plain, rulesOf(plain))).toBe(0);
  });

  it('runs under If where a flat rule above gives relevance to zero activations', () => {
    const ruleFor = rulesOf(plain, flat());
    const empty = emptyNegativeOutputs(plain.graph, ruleFor, explainedTensor(plain.graph, 0));
    expect(empty.has(convOutput(plain, 'conv_b'))).toBe(false);
    expect(empty.has(convOutput(plain, 'conv_a'))).toBe(true);
    expect(ifNodes(plain, ruleFor)).toBe(1);
  });

  it('runs unconditionally before a residual Add', () => {
    const empty = emptyNegativeOutputs(residual.graph, rulesOf(residual), explainedTensor(residual.graph, 0));
    expect(empty.has(convOutput(residual, 'conv_b'))).toBe(false);
    expect(ifNodes(residual, rulesOf(residual))).toBe(0);
  });

  it.each([
    ['ReLUs only', false],
    ['a residual Add', true],
  ])('explains as tfjs does (%s)', async (_name, withAdd) => {
    const m = withAdd ? residual : plain;
    const notices: string[] = [];
    const options = { composite: 'epsilon_gamma_box', low: 0, high: 1, target: [0, 2] };
    const a = lrp(m, x, options);
    const b = await lrpOn(m, x, { ...options, executor: 'ort', onNotice: (l) => notices.push(l) });
    try {
      expectSameOnBothExecutors(a, b, notices, 1e-5);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

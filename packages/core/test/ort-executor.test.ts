/**
 * The 'ort' executor (explanations compiled to ONNX graphs run by onnxruntime-node) against the
 * tfjs executor: same relevance, logits and targets on the demo CNN and an ONNX ResNet-style model;
 * a one-line notice for what it cannot run; one build per (model, composite, input shape); no
 * tensors left behind.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCloseTensors, expectSameOnBothExecutors } from './executor-comparison.js';
import { buildModel, node, tensor, valueInfo } from './onnx/build-onnx.js';
import { rampData } from './onnx/ort-reference.js';
import { resnet18Onnx } from './onnx/resnet18-onnx.js';
import {
  epsilon, explain, initBackend, InvalidArgumentError, loadModel, lrp, lrpOn, methodByName, ortSessionStats, registerMethod, resolveExecutor, type XaiModel,
} from '../src/index.js';

const DEMO = join(import.meta.dirname, '../demo/model');
const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures');

/** Relative tolerance: float32 sums in another order (measured ≈ 1e-6 relative). */
const REL = 1e-5;

let demo: XaiModel;
let batch: tf.Tensor;

beforeAll(async () => {
  await initBackend();
  demo = await loadModel(DEMO);
  batch = tf.randomUniform([3, ...(demo.graph.inputShapes[0]!.slice(1) as number[])], 0, 1, 'float32', 5);
});

afterAll(() => {
  demo.dispose();
  batch.dispose();
});

describe("executor 'ort'", () => {
  it.each(['epsilon_plus', 'epsilon_gamma_box', 'epsilon_alpha2_beta1', 'epsilon_plus_flat'])('equals tfjs on the demo CNN, a batch of 3 in one run (%s)', async (composite) => {
    const options = { composite, low: 0, high: 1, target: [0, 1, 2] };
    const a = lrp(demo, batch, options);
    const b = await lrpOn(demo, batch, { ...options, executor: 'ort' });
    try {
      expectSameOnBothExecutors(a, b, [], REL);
      expect(b.execution?.provider).toMatch(/^(cpu|cuda)$/);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('equals tfjs on the ONNX ResNet-style fixture (epsilon_gamma_box, arg-max targets)', async () => {
    const model = await loadModel(join(FIXTURES, 'onnx/onnx_resnet/model.onnx'), { workers: false });
    const x = tf.randomUniform([2, ...(model.graph.inputShapes[0]!.slice(1) as number[])], -1, 1, 'float32', 9);
    const options = { composite: 'epsilon_gamma_box', low: -1, high: 1 };
    const a = lrp(model, x, options);
    const b = await lrpOn(model, x, { ...options, executor: 'ort' });
    try {
      expectSameOnBothExecutors(a, b, [], REL);
    } finally {
      a.dispose();
      b.dispose();
      x.dispose();
      model.dispose();
    }
  });

  // The ε rule alone keeps the compiled graph at the model's own 47 MB of weights (a test budget).
  it('equals tfjs on a torchvision ResNet-18 export at 32×32 (stem max pooling with padding, stride-2 convolutions)', async () => {
    const model = await loadModel(resnet18Onnx({ seed: 18, size: 32 }), { label: 'resnet18.onnx', workers: false });
    const x = tf.randomUniform([2, 3, 32, 32], -2, 2, 'float32', 4);
    const options = { rule: epsilon(0.25), target: [1, 7] };
    const a = lrp(model, x, options);
    const b = await lrpOn(model, x, { ...options, executor: 'ort' });
    try {
      expectSameOnBothExecutors(a, b, [], REL);
    } finally {
      a.dispose();
      b.dispose();
      x.dispose();
      model.dispose();
    }
  });

  it('builds once per (model, composite, input shape): a second call reuses the session', async () => {
    const model = await loadModel(DEMO);
    const run = async (x: tf.Tensor, composite: string) => (await lrpOn(model, x, { composite, executor: 'ort' })).dispose();
    try {
      await run(batch, 'epsilon_plus');
      expect(ortSessionStats(model.graph).builds).toBe(1);
      await run(batch, 'epsilon_plus');
      expect(ortSessionStats(model.graph).builds).toBe(1);
      const one = batch.slice([0], [1]);
      await run(one, 'epsilon_plus'); // another batch size: another graph
      await run(batch, 'epsilon_gamma_box'); // another composite: another graph
      one.dispose();
      expect(ortSessionStats(model.graph)).toEqual({ sessions: 3, builds: 3 });
    } finally {
      model.dispose();
    }
    expect(ortSessionStats(model.graph).sessions).toBe(0);
  });

  it('leaves no tensors behind', async () => {
    (await lrpOn(demo, batch, { executor: 'ort' })).dispose(); // build outside the count
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) (await lrpOn(demo, batch, { executor: 'ort', composite: 'epsilon_gamma_box' })).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('falls back to tfjs with a one-line notice naming what it cannot compile', async () => {
    // An ONNX Mish between two Gemms: an element-wise operator the ORT executor has no form for.
    const model = await loadModel(buildModel({
      inputs: [valueInfo('input', 'float32', [1, 4])],
      outputs: [valueInfo('logits', 'float32', [1, 2])],
      nodes: [node('Gemm', ['input', 'W1'], ['h'], { transB: 1 }, 'fc1'), node('Mish', ['h'], ['e'], {}, 'mish'), node('Gemm', ['e', 'W2'], ['logits'], { transB: 1 }, 'fc2')],
      initializers: [tensor('W1', 'float32', [3, 4], rampData([3, 4], 0.1)), tensor('W2', 'float32', [2, 3], rampData([2, 3], 0.2))],
    }), { label: 'mish.onnx', workers: false });
    const x = tf.tensor2d([[0.3, -0.2, 0.5, 0.1]]);
    const notices: string[] = [];
    const a = lrp(model, x, {});
    const b = await lrpOn(model, x, { executor: 'ort', onNotice: (line) => notices.push(line) });
    try {
      expect(notices).toEqual(["xai: executor 'ort' cannot run layer 'mish' (Mish, an elementwise node): node kind 'elementwise' has no ONNX form yet; running on tfjs instead"]);
      expect(b.execution).toMatchObject({ executor: 'tfjs', fallback: expect.stringContaining("layer 'mish'") });
      expectCloseTensors(a.relevance, b.relevance, 'relevance', REL);
    } finally {
      a.dispose();
      b.dispose();
      x.dispose();
      model.dispose();
    }
  });

  it('explain() takes the executor from its option or XAI_EXECUTOR; methods not compiled yet say so', async () => {
    const notices: string[] = [];
    const onNotice = (line: string) => notices.push(line);
    const viaOption = await explain(demo, batch, { method: 'lrp', composite: 'epsilon_plus', executor: 'ort', onNotice });
    expect(viaOption.execution?.executor).toBe('ort');
    viaOption.dispose();
    const saved = process.env.XAI_EXECUTOR;
    process.env.XAI_EXECUTOR = 'ort';
    try {
      const viaEnv = await explain(demo, batch, { method: 'lrp', onNotice });
      expect(viaEnv.execution?.executor).toBe('ort');
      viaEnv.dispose();
      // every built-in method runs on ORT: a method registered without `runsOnOrt` shows the fallback
      const inner = methodByName('gradient');
      registerMethod({ ...inner, name: 'gradient_tfjs_only', runsOnOrt: false, run: (m, x, o, c) => inner.run(m, x, { ...o, executor: 'tfjs' }, c) });
      const onTfjs = await explain(demo, batch.slice(0, 1), { method: 'gradient_tfjs_only', onNotice });
      expect(onTfjs.execution).toEqual({ executor: 'tfjs', fallback: "method 'gradient_tfjs_only'" });
      onTfjs.dispose();
      expect(notices).toEqual(["xai: executor 'ort' cannot run method 'gradient_tfjs_only' yet; running on tfjs instead"]);
      process.env.XAI_EXECUTOR = 'gpu';
      expect(() => resolveExecutor()).toThrow(InvalidArgumentError);
    } finally {
      if (saved === undefined) delete process.env.XAI_EXECUTOR;
      else process.env.XAI_EXECUTOR = saved;
    }
  });
});

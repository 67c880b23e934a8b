/**
 * Recurrent layers imported from ONNX (LSTM, GRU with linear_before_reset 0 and 1, RNN; forward,
 * reverse, bidirectional; constant initial states) on core's 'ort' executor against the tfjs
 * executor: PyTorch-style text classifiers (onnx-models.ts `classifierModel`: embedding Gather,
 * time-major Transpose, the operator, an exporter's last-step pattern, Gemm) give the same token
 * relevance and logits within ort-executor.test.ts's TOLERANCE (relative 2e-5), with no notice;
 * so do float sequences read with layout 1 ([N, T, I]) into Y_h → Flatten → Gemm.
 * An `onInitialState` report still falls back to tfjs with a notice naming the layer.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { epsilon, initBackend, lrp, lrpOn, type LrpOptions, type XaiModel } from '@xai/core';
import { recurrentComposite } from '../src/index.js';
import { expectCloseTensors, expectSameOnBothExecutors } from '../../core/test/executor-comparison.js';
import { buildModel, node, tensor, valueInfo } from '../../core/test/onnx/build-onnx.js';
import { rng, seededInput, seededTokens } from './helpers.js';
import { classifierModel, loadOnnx, recurrentInitializers, recurrentNode, type Direction, type Head, type RecurrentOp } from './onnx-models.js';

/** As ort-executor.test.ts: tfjs and ORT sum in different orders in float32. */
const TOLERANCE = 2e-5;
const [BATCH, STEPS, VOCAB] = [2, 6, 11];

const RULES: [string, LrpOptions][] = [
  ['the default composite', {}],
  ['ε = 0.01 and biasFactor 1', { composite: recurrentComposite(epsilon(0.01), { epsilon: 0.01, biasFactor: 1 }) }],
];

type Case = [op: RecurrentOp, direction: Direction, head: Head, attributes: Record<string, number>, initialStates: boolean];
const CASES: Case[] = [
  ['LSTM', 'forward', 'out_last', {}, false],
  ['LSTM', 'bidirectional', 'bi_out_slice', {}, true],
  ['GRU', 'forward', 'h_n', { linear_before_reset: 0 }, true],
  ['GRU', 'reverse', 'out_last', { linear_before_reset: 1 }, false],
  ['GRU', 'bidirectional', 'h_n', { linear_before_reset: 1 }, true],
  ['GRU', 'bidirectional', 'bi_out_slice', { linear_before_reset: 0 }, false],
  ['RNN', 'forward', 'h_n', {}, false],
  ['RNN', 'bidirectional', 'bi_out_slice', {}, true],
];

async function model([op, direction, head, attributes, initialStates]: Case, seed: number): Promise<XaiModel> {
  const spec = { op, direction, hidden: 4, inputSize: 5, batch: BATCH, seed, attributes, initialRows: initialStates ? BATCH : undefined };
  return loadOnnx(classifierModel(spec, { steps: STEPS, vocab: VOCAB, classes: 3, head }));
}

async function bothExecutors(m: XaiModel, options: LrpOptions, seed: number) {
  // int32 ids (ONNX integer inputs), seeded; the second sample starts with padding-like zeros.
  const ids = tf.tidy(() => tf.cast(seededTokens(BATCH, STEPS, VOCAB, seed, [0, 2]), 'int32'));
  const notices: string[] = [];
  const a = lrp(m, ids, options);
  const b = await lrpOn(m, ids, { ...options, executor: 'ort', onNotice: (line) => notices.push(line) });
  ids.dispose();
  return { a, b, notices };
}

beforeAll(async () => {
  await initBackend();
});

describe("ONNX recurrent operators on the 'ort' executor", () => {
  CASES.forEach((c, k) => {
    const [op, direction, head, attributes, initialStates] = c;
    const name = `${op} ${direction} ${JSON.stringify(attributes)} → ${head}${initialStates ? ', constant initial states' : ''}`;
    it.each(RULES)(`${name}: same relevance and logits as tfjs (%s)`, async (_rule, options) => {
      const m = await model(c, 100 + 10 * k);
      const { a, b, notices } = await bothExecutors(m, options, 101 + 10 * k);
      try {
        expectSameOnBothExecutors(a, b, notices, TOLERANCE);
      } finally {
        a.dispose();
        b.dispose();
        m.dispose();
      }
    });
  });

  /** x [N, T, 3] (float) → op (layout 1, bidirectional, constant initial states) → Y_h [N, 2, 4] → Flatten → Gemm. */
  function layoutOneModel(op: RecurrentOp, attributes: Record<string, number>, seed: number): Promise<XaiModel> {
    const spec = { op, direction: 'bidirectional' as const, layout: 1 as const, hidden: 4, inputSize: 3, batch: BATCH, seed, attributes, initialRows: BATCH };
    const { initializers, inputs } = recurrentInitializers(spec);
    initializers.push(tensor('fc.weight', 'float32', [3, 8], rng(seed + 1).array(24, -0.8, 0.8)));
    const bytes = buildModel({
      opset: 14,
      inputs: [valueInfo('x', 'float32', [BATCH, STEPS, 3])],
      outputs: [valueInfo('logits', 'float32', [BATCH, 3])],
      nodes: [recurrentNode(spec, 'x', ['Y', 'Y_h'], inputs), node('Flatten', ['Y_h'], ['features'], { axis: 1 }), node('Gemm', ['features', 'fc.weight'], ['logits'], { transB: 1 })],
      initializers,
    });
    return loadOnnx(bytes);
  }

  it.each([
    ['LSTM', {}],
    ['GRU', { linear_before_reset: 1 }],
    ['RNN', {}],
  ] as const)('%s read with layout 1 (float sequences, bidirectional, initial states): same relevance and logits as tfjs', async (op, attributes) => {
    const m = await layoutOneModel(op, attributes, 300);
    const x = seededInput([BATCH, STEPS, 3], 301, -1.5, 1.5);
    const options = RULES[1]![1];
    const notices: string[] = [];
    const a = lrp(m, x, options);
    const b = await lrpOn(m, x, { ...options, executor: 'ort', onNotice: (line) => notices.push(line) });
    try {
      expectSameOnBothExecutors(a, b, notices, TOLERANCE);
    } finally {
      a.dispose();
      b.dispose();
      x.dispose();
      m.dispose();
    }
  });

  it('an onInitialState report falls back to tfjs with a notice naming the layer', async () => {
    const m = await model(['GRU', 'bidirectional', 'h_n', { linear_before_reset: 1 }, true], 200);
    const reports: number[][] = [];
    const options: LrpOptions = { composite: recurrentComposite(epsilon(0.01), { onInitialState: (r) => reports.push(r.relevance) }) };
    const { a, b, notices } = await bothExecutors(m, options, 201);
    try {
      expect(b.execution?.executor).toBe('tfjs');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/onInitialState report \(layer 'rnn'\)/);
      expect(reports.length).toBeGreaterThan(0);
      expectCloseTensors(a.relevance, b.relevance, 'relevance', 1e-5);
    } finally {
      a.dispose();
      b.dispose();
      m.dispose();
    }
  });
});

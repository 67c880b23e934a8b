/**
 * ONNX LSTM, GRU and RNN operators loaded through the plugin's converter: forward values against
 * onnxruntime (the reference executor) for every direction, both layouts, opset variants, constant
 * initial states, and the patterns exporters write around them (PyTorch text classifiers).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@xai/core';
import { feed, rampData, runReference } from '../../core/test/onnx/ort-reference.js';
import { expectClose, rng } from './helpers.js';
import { classifierModel, dynamicZeroStateModel, engineOutputs, stackedModel, loadOnnx, sequenceModel, type Direction, type Head, type RecurrentOp, type RecurrentSpec } from './onnx-models.js';

/** Forward values agree with onnxruntime to 1e-5 (relative to the largest value, plus 1e-6). */
const TOL = { rel: 1e-5, abs: 1e-6 };

/**
 * Runs `sequenceModel(spec)` in the engine and compares Y and Y_h with onnxruntime. onnxruntime's CPU
 * kernels refuse layout 1, so a layout-1 model is compared with its layout-0 twin (same weights and
 * states, Transposes around the operator).
 */
async function expectSequenceMatches(spec: RecurrentSpec, steps: number, opset = 14): Promise<void> {
  const bytes = sequenceModel(spec, steps, opset);
  const dims = [spec.batch, steps, spec.inputSize];
  const data = rampData(dims, 0.15);
  const referenceBytes = spec.layout === 1 ? sequenceModel({ ...spec, layout: undefined }, steps, opset) : bytes;
  const reference = await runReference(referenceBytes, { x: feed('float32', dims, data) });
  const model = await loadOnnx(bytes);
  const x = tf.tensor(data, dims);
  const [y, yH] = engineOutputs(model, [x]);
  expect(y!.shape).toEqual(reference.y!.dims);
  expect(yH!.shape).toEqual(reference.y_h!.dims);
  expectClose(y!, reference.y!.data as Float32Array, TOL.rel, TOL.abs, 'Y');
  expectClose(yH!, reference.y_h!.data as Float32Array, TOL.rel, TOL.abs, 'Y_h');
  tf.dispose([x, y!, yH!]);
  model.dispose();
}

function tokenIds(batch: number, steps: number, vocab: number, seed: number): number[] {
  const r = rng(seed);
  return Array.from({ length: batch * steps }, () => r.int(vocab));
}

describe('ONNX recurrent operators: forward values match onnxruntime', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const ops: RecurrentOp[] = ['LSTM', 'GRU', 'RNN'];
  const directions: Direction[] = ['forward', 'reverse', 'bidirectional'];
  for (const op of ops) {
    for (const direction of directions) {
      it(`${op} ${direction}, layout 0 (time-major, after a Transpose)`, async () => {
        await expectSequenceMatches({ op, direction, hidden: 4, inputSize: 3, batch: 2, seed: 11 }, 5);
      });
    }
    it(`${op} bidirectional, layout 1 (batch-first, opset 14)`, async () => {
      await expectSequenceMatches({ op, direction: 'bidirectional', layout: 1, hidden: 3, inputSize: 2, batch: 3, seed: 12 }, 4);
    });
    it(`${op} without B, opset 11`, async () => {
      await expectSequenceMatches({ op, hidden: 3, inputSize: 2, batch: 2, seed: 13, bias: false }, 4, 11);
    });
    it(`${op} with constant non-zero initial states (layout 0 and 1)`, async () => {
      await expectSequenceMatches({ op, direction: 'bidirectional', hidden: 3, inputSize: 2, batch: 2, seed: 14, initialRows: 2 }, 4);
      await expectSequenceMatches({ op, direction: 'reverse', layout: 1, hidden: 3, inputSize: 2, batch: 2, seed: 15, initialRows: 2 }, 4);
    });
  }

  it('GRU with linear_before_reset = 1 (PyTorch nn.GRU), both directions', async () => {
    await expectSequenceMatches({ op: 'GRU', direction: 'bidirectional', hidden: 4, inputSize: 3, batch: 2, seed: 16, attributes: { linear_before_reset: 1 } }, 5);
    await expectSequenceMatches({ op: 'GRU', layout: 1, hidden: 4, inputSize: 3, batch: 2, seed: 17, initialRows: 2, attributes: { linear_before_reset: 1 } }, 5);
  });

  it('explicit default activations and a sequence_lens of full lengths are accepted', async () => {
    await expectSequenceMatches({ op: 'LSTM', direction: 'bidirectional', hidden: 3, inputSize: 2, batch: 2, seed: 18, sequenceLens: [4, 4], attributes: { activations: ['Sigmoid', 'Tanh', 'Tanh', 'sigmoid', 'tanh', 'tanh'] } }, 4);
  });

  for (const zeros of ['ConstantOfShape', 'Expand'] as const) {
    it(`zero initial states computed from a dynamic batch size (PyTorch without h0: Shape → … → ${zeros}) are dropped`, async () => {
      const spec: RecurrentSpec = { op: 'LSTM', direction: 'bidirectional', hidden: 3, inputSize: 2, batch: 3, seed: 19 };
      const bytes = dynamicZeroStateModel(spec, 4, zeros);
      const model = await loadOnnx(bytes);
      for (const batch of [1, 3]) {
        const dims = [batch, 4, 2];
        const data = rampData(dims, 0.2);
        const reference = await runReference(bytes, { x: feed('float32', dims, data) });
        const x = tf.tensor(data, dims);
        const [yH] = engineOutputs(model, [x]);
        expectClose(yH!, reference.y_h!.data as Float32Array, TOL.rel, TOL.abs, `Y_h, batch ${batch}`);
        tf.dispose([x, yH!]);
      }
      expect(model.graph.nodes.map((n) => n.layerClass)).not.toContain('ConstantOfShape');
      model.dispose();
    });
  }

  for (const op of ['LSTM', 'GRU'] as const) {
    it(`two stacked bidirectional ${op} layers (PyTorch num_layers=2: Transpose → Reshape between them)`, async () => {
      const bytes = stackedModel({ op, direction: 'bidirectional', hidden: 3, inputSize: 2, batch: 2, seed: 23, attributes: op === 'GRU' ? { linear_before_reset: 1 } : {} }, 5);
      const dims = [2, 5, 2];
      const data = rampData(dims, 0.2);
      const reference = await runReference(bytes, { x: feed('float32', dims, data) });
      const model = await loadOnnx(bytes);
      const x = tf.tensor(data, dims);
      const [yH] = engineOutputs(model, [x]);
      expectClose(yH!, reference.y_h!.data as Float32Array, TOL.rel, TOL.abs, 'Y_h of the second layer');
      tf.dispose([x, yH!]);
      model.dispose();
    });
  }

  const heads: [RecurrentOp, Direction, Head, number][] = [
    ['LSTM', 'forward', 'h_n', 13],
    ['LSTM', 'forward', 'out_last', 11],
    ['LSTM', 'forward', 'out_last', 13],
    ['LSTM', 'bidirectional', 'bi_out_slice', 13],
    ['GRU', 'bidirectional', 'h_n', 14],
    ['GRU', 'forward', 'out_last', 14],
    ['RNN', 'bidirectional', 'bi_out_slice', 11],
  ];
  for (const [op, direction, head, opset] of heads) {
    it(`text classifier: int64 ids → Gather(embedding) → Transpose → ${op} ${direction} → ${head} → Gemm (opset ${opset}, dynamic batch)`, async () => {
      const [batch, steps, vocab] = [3, 6, 11];
      const spec: RecurrentSpec = { op, direction, hidden: 4, inputSize: 5, batch, seed: 21, attributes: op === 'GRU' ? { linear_before_reset: 1 } : {} };
      const bytes = classifierModel(spec, { steps, vocab, classes: 3, head, opset });
      const ids = tokenIds(batch, steps, vocab, 22);
      const reference = await runReference(bytes, { ids: feed('int64', [batch, steps], BigInt64Array.from(ids.map(BigInt))) });
      const model = await loadOnnx(bytes);
      const input = tf.tensor2d(ids, [batch, steps], 'int32');
      const [logits] = engineOutputs(model, [input]);
      expect(logits!.shape).toEqual(reference.logits!.dims);
      expectClose(logits!, reference.logits!.data as Float32Array, TOL.rel, TOL.abs, 'logits');
      tf.dispose([input, logits!]);
      model.dispose();
    });
  }
});

/**
 * LRP on ONNX recurrent models: an ONNX LSTM/GRU classifier and the equivalent tfjs Keras model
 * with the same weights give the same relevance (the same nodes, the same recurrent rule) and the
 * same gradient, and
 * relevance is conserved (biasFactor 1) through the exporters' last-step patterns.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { epsilon, explain, gradient, initBackend, lrp, type XaiModel } from '@xai/core';
import { buildModel, node, tensor, valueInfo } from '../../core/test/onnx/build-onnx.js';
import { recurrentComposite, type InitialStateReport, type RecurrentRuleOptions } from '../src/index.js';
import { explainable, expectClose, seededInput, seededTokens, seedWeights, sum } from './helpers.js';
import { classifierModel, loadOnnx, type Direction, type Head, type RecurrentOp } from './onnx-models.js';

/** Keras gate block k ← ONNX block: LSTM ONNX i, o, f, c holds Keras i, f, c, o. */
const KERAS_BLOCK_OF_ONNX: Record<'LSTM' | 'GRU', number[]> = { LSTM: [0, 3, 1, 2], GRU: [0, 1, 2] };

/** Keras [cols, G·H] (gate blocks on columns) → ONNX rows [G·H, cols] in ONNX gate order. */
function onnxRows(op: 'LSTM' | 'GRU', keras: number[][], hidden: number): number[] {
  const cols = keras.length;
  const out: number[] = [];
  for (const kb of KERAS_BLOCK_OF_ONNX[op]) for (let j = 0; j < hidden; j++) for (let c = 0; c < cols; c++) out.push(keras[c]![kb * hidden + j]!);
  return out;
}

/**
 * The ONNX twin of a Keras [Embedding →] LSTM/GRU → Dense model: (Gather →) Transpose → op → Y_h →
 * Squeeze (tf2onnx) → Gemm. The Keras bias goes into B's input half, zeros into its recurrent half.
 */
function onnxTwin(model: tf.LayersModel, op: 'LSTM' | 'GRU', steps: number, tokens: boolean): Uint8Array {
  const layers = model.layers;
  const rnn = layers[tokens ? 1 : 0]!;
  const dense = layers[tokens ? 2 : 1]!;
  const [kernel, recurrent, bias] = rnn.getWeights().map((w) => w.arraySync()) as [number[][], number[][], number[]];
  const hidden = recurrent.length;
  const inputSize = kernel.length;
  const gh = kernel[0]!.length;
  const [dW, dB] = dense.getWeights().map((w) => w.arraySync()) as [number[][], number[] | undefined];
  const classes = dW[0]!.length;
  const initializers = [
    tensor('W', 'float32', [1, gh, inputSize], onnxRows(op, kernel, hidden)),
    tensor('R', 'float32', [1, gh, hidden], onnxRows(op, recurrent, hidden)),
    tensor('B', 'float32', [1, 2 * gh], [...onnxRows(op, [bias], hidden), ...Array(gh).fill(0)]),
    tensor('dense.W', 'float32', [hidden, classes], dW.flat()),
    tensor('axes0', 'int64', [1], [0]),
    ...(dB ? [tensor('dense.b', 'float32', [classes], dB)] : []),
  ];
  const nodes = [
    node('Transpose', [tokens ? 'embedded' : 'x'], ['x_t'], { perm: [1, 0, 2] }),
    node(op, ['x_t', 'W', 'R', 'B'], ['Y', 'Y_h'], { hidden_size: hidden }, 'rnn'),
    node('Squeeze', ['Y_h', 'axes0'], ['h']),
    node('Gemm', dB ? ['h', 'dense.W', 'dense.b'] : ['h', 'dense.W'], ['logits']),
  ];
  if (tokens) {
    const table = layers[0]!.getWeights()[0]!;
    initializers.push(tensor('embedding', 'float32', table.shape, table.dataSync()));
    nodes.unshift(node('Gather', ['embedding', 'x'], ['embedded'], { axis: 0 }));
  }
  return buildModel({
    opset: 13,
    inputs: [tokens ? valueInfo('x', 'int64', ['batch', steps]) : valueInfo('x', 'float32', ['batch', steps, inputSize])],
    outputs: [valueInfo('logits', 'float32', ['batch', classes])],
    nodes,
    initializers,
  });
}

/** Seeded int32 token ids (ONNX models with integer inputs take int32). */
function tokenIds(batch: number, steps: number, vocab: number, seed: number): tf.Tensor {
  return tf.tidy(() => tf.cast(seededTokens(batch, steps, vocab, seed), 'int32'));
}

/** LRP through `explain` (method 'lrp') with the plugin's recurrent composite; initial-state reports summed per sample. */
async function relevance(model: XaiModel, x: tf.Tensor, target: number, options: RecurrentRuleOptions) {
  const reports: InitialStateReport[] = [];
  const e = await explain(model, x, { method: 'lrp', target, composite: recurrentComposite(epsilon(0), { ...options, onInitialState: (r) => reports.push(r) }) });
  const initial = Array.from({ length: x.shape[0]! }, (_, b) => sum(reports.map((r) => r.relevance[b]!)));
  return { e, initial };
}

describe('LRP on ONNX recurrent models', () => {
  beforeAll(async () => {
    await initBackend();
  });

  describe('an ONNX model and its tfjs Keras twin (same weights) get the same relevance', () => {
    const cases: ['LSTM' | 'GRU', boolean][] = [['LSTM', false], ['LSTM', true], ['GRU', false], ['GRU', true]];
    for (const [op, tokens] of cases) {
      for (const options of [{ epsilon: 1e-3, biasFactor: 0 }, { epsilon: 1e-2, biasFactor: 1 }] as const) {
        it(`${tokens ? 'Embedding → ' : ''}${op} → Dense, ε ${options.epsilon}, biasFactor ${options.biasFactor}`, async () => {
          const [steps, features, hidden] = [6, 3, 4];
          const rnnArgs = { units: hidden, recurrentActivation: 'sigmoid' as const, ...(tokens ? {} : { inputShape: [steps, features] }) };
          const m = tf.sequential();
          if (tokens) m.add(tf.layers.embedding({ inputDim: 13, outputDim: features, inputLength: steps }));
          m.add(op === 'LSTM' ? tf.layers.lstm(rnnArgs) : tf.layers.gru(rnnArgs));
          m.add(tf.layers.dense({ units: 3 }));
          seedWeights(m, 71);
          const bytes = onnxTwin(m, op, steps, tokens);
          const x = tokens ? tokenIds(2, steps, 13, 72) : seededInput([2, steps, features], 73, -1.5, 1.5);
          const keras = explainable(m);
          const onnx = await loadOnnx(bytes);
          const a = await relevance(keras, x, 1, options);
          const b = await relevance(onnx, x, 1, options);
          expect(b.e.relevance.shape).toEqual(x.shape);
          expectClose(b.e.logits, a.e.logits, 1e-5, 1e-6, 'logits');
          expectClose(b.e.relevance, a.e.relevance, 1e-5, 1e-7, 'relevance');
          b.initial.forEach((v, i) => expect(v).toBeCloseTo(a.initial[i]!, 6));
          if (!tokens) {
            // The gradient (backpropagation through time) agrees too.
            const [ga, gb] = [gradient(keras, x, { target: 1 }), gradient(onnx, x, { target: 1 })];
            expectClose(gb.relevance, ga.relevance, 1e-5, 1e-7, 'gradient');
            ga.dispose();
            gb.dispose();
          }
          a.e.dispose();
          b.e.dispose();
          keras.dispose();
          onnx.dispose();
          x.dispose();
        });
      }
    }
  });

  describe('biasFactor 1 conserves relevance through the exporters’ patterns', () => {
    const cases: [RecurrentOp, Direction, Head, Record<string, number>][] = [
      ['LSTM', 'bidirectional', 'bi_out_slice', {}],
      ['LSTM', 'forward', 'out_last', {}],
      ['GRU', 'bidirectional', 'h_n', { linear_before_reset: 1 }],
      ['GRU', 'reverse', 'out_last', { linear_before_reset: 0 }],
      ['RNN', 'forward', 'h_n', {}],
    ];
    for (const [op, direction, head, attributes] of cases) {
      for (const initialRows of [0, 3]) {
        it(`${op} ${direction} ${JSON.stringify(attributes)} → ${head}${initialRows ? ', constant initial states' : ''}: Σ R(tokens) + R(initial states) = logit`, async () => {
          const [batch, steps, vocab] = [3, 7, 15];
          const bytes = classifierModel({ op, direction, hidden: 4, inputSize: 5, batch, seed: 81, attributes, initialRows: initialRows || undefined }, { steps, vocab, classes: 3, head, gemmBias: false });
          const model = await loadOnnx(bytes);
          const ids = tokenIds(batch, steps, vocab, 82);
          const target = 2;
          const reports: InitialStateReport[] = [];
          const e = lrp(model, ids, { target, composite: recurrentComposite(epsilon(0), { biasFactor: 1, epsilon: 1e-3, onInitialState: (r) => reports.push(r) }) });
          expect(e.relevance.shape).toEqual([batch, steps]);
          const r = e.relevance.arraySync() as number[][];
          const logits = e.logits.arraySync() as number[][];
          r.forEach((row, b) => {
            const total = sum(row) + sum(reports.map((rep) => rep.relevance[b]!));
            const logit = logits[b]![target]!;
            expect(Math.abs(total - logit), `sample ${b}: Σ R = ${total}, logit ${logit}`).toBeLessThanOrEqual(2e-5 * Math.abs(logit) + 1e-6);
          });
          expect(r.flat().some((v) => v !== 0)).toBe(true);
          e.dispose();
          ids.dispose();
          model.dispose();
        });
      }
    }
  });

  it('an ONNX text model keeps tf.memory().numTensors constant over explanations and frees everything when disposed', async () => {
    const before = tf.memory().numTensors;
    const bytes = classifierModel({ op: 'LSTM', direction: 'bidirectional', hidden: 3, inputSize: 4, batch: 2, seed: 91, initialRows: 2 }, { steps: 5, vocab: 9, classes: 2, head: 'bi_out_slice' });
    const model = await loadOnnx(bytes);
    const ids = tokenIds(2, 5, 9, 92);
    const round = () => {
      lrp(model, ids, { target: 1, composite: recurrentComposite(epsilon(1e-3), { biasFactor: 1 }) }).dispose();
      gradient(model, ids, { target: 0 }).dispose();
    };
    round();
    const settled = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) round();
    expect(tf.memory().numTensors).toBe(settled);
    ids.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

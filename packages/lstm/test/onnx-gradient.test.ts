/**
 * Gradients through the ONNX recurrent nodes: each node's backpropagation through time (its vjp)
 * against tfjs autodiff of its own forward pass, for every cell the ONNX converter makes (the
 * reset-after GRU is the one the Keras path never builds). The whole-model gradient of ONNX models
 * against their Keras twins is in onnx-relevance.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@xai/core';
import { RecurrentNode } from '../src/index.js';
import { expectClose, seededInput } from './helpers.js';
import { loadOnnx, sequenceModel, type RecurrentOp } from './onnx-models.js';

describe('ONNX recurrent nodes: backpropagation through time equals autodiff of the forward pass', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const cases: [RecurrentOp, Record<string, number>, number][] = [
    ['LSTM', {}, 0],
    ['GRU', { linear_before_reset: 0 }, 0],
    ['GRU', { linear_before_reset: 1 }, 0],
    ['GRU', { linear_before_reset: 1 }, 2],
    ['RNN', {}, 2],
  ];
  for (const [op, attributes, initialRows] of cases) {
    it(`${op} ${JSON.stringify(attributes)}, bidirectional${initialRows ? ', constant initial states' : ''}`, async () => {
      const model = await loadOnnx(sequenceModel({ op, direction: 'bidirectional', hidden: 3, inputSize: 2, batch: 2, seed: 31, attributes, initialRows: initialRows || undefined }, 5));
      const nodes = model.graph.nodes.filter((n): n is RecurrentNode => n instanceof RecurrentNode);
      expect(nodes.map((n) => n.name)).toEqual(['rnn/forward', 'rnn/backward']);
      const x = seededInput([2, 5, 2], 32);
      const r = seededInput([2, 5, 3], 33);
      for (const node of nodes) {
        const y = node.forward([x]);
        const [vjp] = node.vjp([x], y, r);
        const auto = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(node.forward([input]), r)))(x);
        expectClose(vjp!, auto, 1e-5, 1e-7, node.name);
        tf.dispose([y, vjp!, auto]);
      }
      tf.dispose([x, r]);
      model.dispose();
    });
  }
});

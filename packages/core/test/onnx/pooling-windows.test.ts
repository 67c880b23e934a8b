/**
 * MaxPool / AveragePool with every padding form (explicit pads, count_include_pad 0 and 1,
 * auto_pad) and ceil_mode partial windows, against onnxruntime's forward values; and LRP through
 * them stays conservative (the divisor correction is a constant factor: relevance passes it).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain, forwardAll, initBackend, loadModel } from '../../src/index.js';
import { buildModel, node, tensor, valueInfo, type AttrInput } from './build-onnx.js';
import { feed, rampData, runReference } from './ort-reference.js';

beforeAll(async () => {
  await initBackend();
});

function poolModel(op: 'MaxPool' | 'AveragePool', dims: readonly number[], attrs: Record<string, AttrInput>): Uint8Array {
  return buildModel({
    opset: 13,
    inputs: [valueInfo('x', 'float32', dims)],
    outputs: [valueInfo('y', 'float32', null)],
    nodes: [node(op, ['x'], ['y'], attrs, 'pool')],
  });
}

/** Largest difference to onnxruntime relative to max |y|; the shapes must agree. */
async function difference(bytes: Uint8Array, dims: readonly number[]): Promise<number> {
  // Shifted so that values of both signs occur (max pooling over padding must not pick the pad).
  const data = rampData(dims, 0.37).map((v, i) => v - 0.2 * (i % 7));
  const ref = await runReference(bytes, { x: feed('float32', dims, data) });
  const want = Array.from(ref.y!.data as Float32Array);
  const model = await loadModel(bytes);
  const x = tf.tensor(data, [...dims]);
  try {
    const values = forwardAll(model.graph, [x]);
    const y = values.get(model.graph.outputs[0]!)!;
    expect(y.shape).toEqual(ref.y!.dims);
    const got = y.dataSync();
    for (const [id, t] of values) if (!model.graph.inputs.includes(id)) t.dispose();
    const scale = Math.max(1e-6, ...want.map(Math.abs));
    return Math.max(0, ...want.map((v, i) => Math.abs(v - got[i]!))) / scale;
  } finally {
    model.dispose();
    x.dispose();
  }
}

const cases: Record<string, { op: 'MaxPool' | 'AveragePool'; dims: number[]; attrs: Record<string, AttrInput> }> = {
  'AveragePool ceil_mode partial window (2-D, stride 2, 7×7)': { op: 'AveragePool', dims: [1, 2, 7, 7], attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 } },
  'AveragePool ceil_mode 3×3 stride 2 on 8×9 (last window past the end)': { op: 'AveragePool', dims: [2, 3, 8, 9], attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
  'AveragePool ceil_mode with pads, count_include_pad 1': { op: 'AveragePool', dims: [1, 2, 7, 6], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 } },
  'AveragePool ceil_mode with pads, count_include_pad 0': { op: 'AveragePool', dims: [1, 2, 7, 6], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 } },
  'AveragePool asymmetric pads, count_include_pad 0 (not TensorFlow same)': { op: 'AveragePool', dims: [1, 2, 6, 6], attrs: { kernel_shape: [3, 3], pads: [2, 0, 0, 1] } },
  'AveragePool 1-D ceil_mode stride 3': { op: 'AveragePool', dims: [2, 3, 8], attrs: { kernel_shape: [3], strides: [3], ceil_mode: 1 } },
  'AveragePool 3-D ceil_mode': { op: 'AveragePool', dims: [1, 2, 5, 5, 5], attrs: { kernel_shape: [2, 2, 2], strides: [2, 2, 2], ceil_mode: 1 } },
  'AveragePool SAME_LOWER count_include_pad 0': { op: 'AveragePool', dims: [1, 2, 5, 6], attrs: { kernel_shape: [2, 3], strides: [2, 2], auto_pad: 'SAME_LOWER' } },
  'MaxPool ceil_mode partial window (SqueezeNet, 3×3 stride 2)': { op: 'MaxPool', dims: [1, 3, 8, 8], attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
  'MaxPool ceil_mode with pads': { op: 'MaxPool', dims: [1, 2, 6, 7], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 } },
  'MaxPool SAME_UPPER': { op: 'MaxPool', dims: [1, 2, 5, 5], attrs: { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' } },
};

describe('ONNX pooling windows against onnxruntime', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      expect(await difference(poolModel(c.op, c.dims, c.attrs), c.dims)).toBeLessThan(1e-5);
    });
  }
});

describe('LRP through a partial-window average pool', () => {
  it('is conservative: the relevance sums to the logit (ε on the head, z⁺ on the conv, tiny ε)', async () => {
    // Conv → Relu → AveragePool (ceil_mode, pads, count_include_pad 0) → Flatten → Gemm.
    const bytes = buildModel({
      opset: 13,
      inputs: [valueInfo('x', 'float32', [1, 2, 7, 7])],
      outputs: [valueInfo('y', 'float32', null)],
      nodes: [
        node('Conv', ['x', 'W', 'B'], ['c'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv'),
        node('Relu', ['c'], ['r'], {}, 'relu'),
        node('AveragePool', ['r'], ['p'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }, 'pool'),
        node('Flatten', ['p'], ['f'], {}, 'flatten'),
        node('Gemm', ['f', 'D'], ['y'], { transB: 1 }, 'head'),
      ],
      initializers: [
        tensor('W', 'float32', [3, 2, 3, 3], Array.from(rampData([3, 2, 3, 3], 0.21)).map((v, i) => (i % 5 === 0 ? -v : v))),
        tensor('B', 'float32', [3], [0, 0, 0]),
        tensor('D', 'float32', [2, 48], Array.from(rampData([2, 48], 0.13)).map((v, i) => (i % 3 === 0 ? -0.5 * v : v))),
      ],
    });
    const model = await loadModel(bytes);
    const x = tf.tensor(rampData([1, 2, 7, 7], 0.3), [1, 2, 7, 7]);
    try {
      const result = await explain(model, x, { method: 'lrp', composite: 'epsilon_plus', epsilon: 1e-9, target: 0 });
      try {
        const total = result.relevance.sum().dataSync()[0]!;
        const logit = result.logits.dataSync()[0]!;
        expect(result.relevance.shape).toEqual([1, 2, 7, 7]);
        expect(Math.abs(total - logit)).toBeLessThan(1e-4 * Math.max(1, Math.abs(logit)));
      } finally {
        result.dispose();
      }
    } finally {
      x.dispose();
      model.dispose();
    }
  });
});

/**
 * ONNX models as XaiModels: relevance comes back in the model's own (channels-first) layout and is
 * the true gradient (checked against finite differences in onnxruntime), dynamic batch axes, errors
 * naming what is wrong, and no tensor growth over repeated explanations.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain, gradient, initBackend, InvalidArgumentError, loadModel, lrp, UnsupportedLayerError, methodCatalog } from '../../src/index.js';
import { UnsupportedOnnxOpError } from '../../src/import/onnx/convert/registry.js';
import { buildModel, float, node, tensor, valueInfo } from './build-onnx.js';
import { rampData } from './ort-reference.js';

const FIXTURES = join(import.meta.dirname, '../../../../../shared/fixtures/onnx');

beforeAll(async () => {
  await initBackend();
});

/** Conv (asymmetric pads, stride 2) → Relu → MaxPool → Flatten → Gemm over a dynamic batch. */
function convNet(): Uint8Array {
  return buildModel({
    inputs: [valueInfo('input', 'float32', ['N', 2, 6, 5])],
    outputs: [valueInfo('logits', 'float32', ['N', 3])],
    nodes: [
      node('Conv', ['input', 'W', 'B'], ['c'], { kernel_shape: [3, 3], pads: [1, 0, 1, 1], strides: [1, 1] }, 'conv'),
      node('Elu', ['c'], ['r'], { alpha: float(0.7) }, 'elu'),
      node('AveragePool', ['r'], ['p'], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool'),
      node('Flatten', ['p'], ['f'], { axis: 1 }, 'flatten'),
      node('Gemm', ['f', 'G', 'C'], ['logits'], { transB: 1 }, 'fc'),
    ],
    initializers: [
      tensor('W', 'float32', [4, 2, 3, 3], rampData([4, 2, 3, 3], 0.05)),
      tensor('B', 'float32', [4], [0.1, -0.2, 0.05, 0]),
      tensor('G', 'float32', [3, 4 * 3 * 2], rampData([3, 24], 0.08)),
      tensor('C', 'float32', [3], [0.01, 0.02, -0.03]),
    ],
  });
}

describe('an ONNX model in the engine', () => {
  it('gives the gradient in the model layout (NCHW), equal to central differences in onnxruntime', async () => {
    const bytes = convNet();
    const model = await loadModel(bytes);
    const dims = [1, 2, 6, 5];
    const x = rampData(dims, 0.3);
    const result = gradient(model, tf.tensor(x, dims), { target: 1 });
    expect(result.relevance.shape).toEqual(dims);
    const g = result.relevance.dataSync();
    result.dispose();
    model.dispose();
    // All 60 perturbed copies in one batch (the batch axis is dynamic).
    const h = 1e-2;
    const n = x.length;
    const batch = new Float32Array(2 * n * n);
    for (let i = 0; i < n; i++) {
      batch.set(x, 2 * i * n);
      batch.set(x, (2 * i + 1) * n);
      batch[2 * i * n + i]! += h;
      batch[(2 * i + 1) * n + i]! -= h;
    }
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ input: new ort.Tensor('float32', batch, [2 * n, 2, 6, 5]) });
    const y = out.logits!.data as Float32Array;
    await session.release();
    const fd = Array.from({ length: n }, (_, i) => (y[2 * i * 3 + 1]! - y[(2 * i + 1) * 3 + 1]!) / (2 * h));
    const scale = Math.max(...fd.map(Math.abs));
    expect(Math.max(...fd.map((v, i) => Math.abs(v - g[i]!)))).toBeLessThan(2e-3 * scale);
  });

  it('explains a batch of a dynamic-batch model like each sample alone (EEGNet fixture, LRP)', async () => {
    const model = await loadModel(join(FIXTURES, 'onnx_eegnet', 'model.onnx'));
    const dims = [3, 1, 8, 64];
    const x = tf.tensor(rampData(dims, 0.2), dims);
    const all = lrp(model, x, { composite: 'epsilon_plus', target: [0, 1, 0] } as never);
    const second = tf.slice(x, [1, 0, 0, 0], [1, 1, 8, 64]);
    const alone = lrp(model, second, { composite: 'epsilon_plus', target: 1 } as never);
    const row = tf.slice(all.relevance, [1, 0, 0, 0], [1, 1, 8, 64]);
    expect(tf.max(tf.abs(tf.sub(row, alone.relevance))).dataSync()[0]).toBeLessThan(1e-5 * tf.max(tf.abs(alone.relevance)).dataSync()[0]!);
    tf.dispose([x, second, row]);
    all.dispose();
    alone.dispose();
    model.dispose();
  });

  it('runs every method of the catalogue on an ONNX model (relevance shaped like the input)', async () => {
    const model = await loadModel(convNet());
    const x = tf.tensor(rampData([2, 6, 5], 0.3), [2, 6, 5]);
    const fast: Record<string, Record<string, unknown>> = {
      integrated_gradients: { steps: 4 }, smoothgrad: { samples: 3, seed: 1 }, lime: { samples: 20, seed: 1 },
      occlusion: { window: 2 }, meaningful_perturbation: { steps: 3, maskSize: 2 },
    };
    for (const { name } of methodCatalog()) {
      const result = await explain(model, x, { method: name, target: 0, ...(fast[name] ?? {}) } as never);
      expect(result.relevance.shape, name).toEqual([2, 6, 5]);
      expect(Array.from(result.relevance.dataSync()).every(Number.isFinite), name).toBe(true);
      result.dispose();
    }
    x.dispose();
    model.dispose();
  });

  it('keeps the number of tensors constant over repeated explanations, and releases all on dispose', async () => {
    const before = tf.memory().numTensors;
    const model = await loadModel(join(FIXTURES, 'onnx_resnet', 'model.onnx'));
    const x = tf.tensor(rampData([1, 3, 16, 16], 0.2), [1, 3, 16, 16]);
    const run = async () => {
      for (const method of ['lrp', 'gradient', 'guided_backprop']) (await explain(model, x, { method, target: 2 })).dispose();
    };
    await run();
    const settled = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await run();
    expect(tf.memory().numTensors).toBe(settled);
    x.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('errors', () => {
  it('an unsupported operator names its type, the node and the supported operator types', async () => {
    const bytes = buildModel({
      inputs: [valueInfo('x', 'float32', [1, 4])],
      outputs: [valueInfo('y', 'float32', [1, 4])],
      nodes: [node('Relu', ['x'], ['r'], {}, 'relu'), node('Hardmax', ['r'], ['y'], {}, 'the_hardmax')],
    });
    const err = await loadModel(bytes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedOnnxOpError);
    expect(err).toBeInstanceOf(UnsupportedLayerError);
    const message = (err as Error).message;
    expect(message).toMatch(/ONNX node 'the_hardmax' of type Hardmax is not supported/);
    expect(message).toMatch(/supported operator types: .*BatchNormalization, .*Conv, .*Gemm/);
  });

  it('a Gemm whose weights are computed says so', async () => {
    const bytes = buildModel({
      inputs: [valueInfo('x', 'float32', [1, 4]), valueInfo('w', 'float32', [4, 2])],
      outputs: [valueInfo('y', 'float32', [1, 2])],
      nodes: [node('Gemm', ['x', 'w'], ['y'], {}, 'gemm')],
    });
    await expect(loadModel(bytes)).rejects.toThrow(/ONNX node 'gemm' of type Gemm is not supported \(a Gemm whose B/);
  });

  it('an input of the wrong shape or dtype is refused at explain time, naming the input', async () => {
    const model = await loadModel(convNet());
    const wrong = tf.zeros([1, 3, 6, 5]);
    expect(() => gradient(model, wrong, { target: 0 })).toThrow(InvalidArgumentError);
    expect(() => gradient(model, wrong, { target: 0 })).toThrow(/input 'input' has shape \[1,3,6,5\], the model expects \[any,2,6,5\]/);
    const ints = tf.zeros([1, 2, 6, 5], 'int32');
    expect(() => gradient(model, ints, { target: 0 })).toThrow(/input 'input' has dtype int32, the model expects float32/);
    tf.dispose([wrong, ints]);
    model.dispose();
  });
});

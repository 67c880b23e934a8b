/**
 * ONNX models as XaiModels: relevance comes back in the model's own (channels-first) layout and is
 * the true gradient (checked against finite differences in onnxruntime), dynamic batch axes, errors
 * naming what is wrong, and no tensor growth over repeated explanations.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain, forwardAll, gradient, initBackend, InvalidArgumentError, loadModel, lrp, UnsupportedLayerError, methodsFor } from '../../src/index.js';
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

/**
 * The engine's gradient of logit 1 against central differences computed by onnxruntime (every
 * perturbed copy in one batch: the model's batch axis must be dynamic); the largest difference
 * relative to the largest derivative. The gradient must come back in the model's layout.
 */
async function gradientAgainstDifferences(bytes: Uint8Array, dims: number[]): Promise<number> {
  const model = await loadModel(bytes);
  const x = rampData(dims, 0.3);
  const result = gradient(model, tf.tensor(x, dims), { target: 1 });
  expect(result.relevance.shape).toEqual(dims);
  const g = result.relevance.dataSync();
  result.dispose();
  model.dispose();
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
  const out = await session.run({ input: new ort.Tensor('float32', batch, [2 * n, ...dims.slice(1)]) });
  const y = out.logits!.data as Float32Array;
  const classes = y.length / (2 * n);
  await session.release();
  const fd = Array.from({ length: n }, (_, i) => (y[2 * i * classes + 1]! - y[(2 * i + 1) * classes + 1]!) / (2 * h));
  const scale = Math.max(...fd.map(Math.abs));
  return Math.max(...fd.map((v, i) => Math.abs(v - g[i]!))) / scale;
}

describe('an ONNX model in the engine', () => {
  it('gives the gradient in the model layout (NCHW), equal to central differences in onnxruntime', async () => {
    expect(await gradientAgainstDifferences(convNet(), [1, 2, 6, 5])).toBeLessThan(2e-3);
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
    for (const { name } of methodsFor(model)) {
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

/** The engine's gradient (hand-written backward of every node) against tfjs autodiff through the whole forward pass. */
async function gradientAgainstAutodiff(bytes: Uint8Array, dims: number[]): Promise<number> {
  const model = await loadModel(bytes);
  const x = tf.tensor(rampData(dims, 0.2), dims);
  const engine = gradient(model, x, { target: 1 });
  const auto = tf.grad((t: tf.Tensor) => {
    const values = forwardAll(model.graph, [t]);
    return tf.slice(values.get(model.graph.outputs[0]!)!, [0, 1], [1, 1]).sum();
  })(x);
  const scale = tf.max(tf.abs(auto)).dataSync()[0]!;
  const err = tf.max(tf.abs(tf.sub(engine.relevance, auto))).dataSync()[0]! / scale;
  tf.dispose([x, auto]);
  engine.dispose();
  model.dispose();
  return err;
}

describe('backward passes of layout-sensitive linear nodes', () => {
  const head = [
    node('Flatten', ['c'], ['f'], { axis: 1 }, 'flatten'),
    node('Gemm', ['f', 'G'], ['logits'], { transB: 1 }, 'fc'),
  ] as const;
  const gemm = (n: number) => tensor('G', 'float32', [3, n], rampData([3, n], 0.07));

  it('ConvTranspose (stride 2, pads, output_padding): gradient = autodiff', async () => {
    const bytes = buildModel({
      inputs: [valueInfo('input', 'float32', [1, 3, 4, 5])],
      outputs: [valueInfo('logits', 'float32', [1, 3])],
      nodes: [node('ConvTranspose', ['input', 'W'], ['c'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 1, 1], output_padding: [1, 0] }, 'deconv'), ...head],
      initializers: [tensor('W', 'float32', [3, 2, 3, 3], rampData([3, 2, 3, 3], 0.05)), gemm(2 * 8 * 10)],
    });
    expect(await gradientAgainstAutodiff(bytes, [1, 3, 4, 5])).toBeLessThan(1e-5);
  });

  it('grouped and depthwise Conv with explicit pads: gradient = central differences', async () => {
    const bytes = buildModel({
      inputs: [valueInfo('input', 'float32', ['N', 4, 5, 5])],
      outputs: [valueInfo('logits', 'float32', ['N', 3])],
      nodes: [
        node('Conv', ['input', 'W1'], ['d'], { kernel_shape: [3, 3], group: 4, pads: [1, 0, 1, 2] }, 'depthwise'),
        node('Conv', ['d', 'W2'], ['c'], { kernel_shape: [2, 2], group: 2, strides: [2, 2] }, 'grouped'),
        ...head,
      ],
      initializers: [tensor('W1', 'float32', [8, 1, 3, 3], rampData([8, 1, 3, 3], 0.05)), tensor('W2', 'float32', [4, 4, 2, 2], rampData([4, 4, 2, 2], 0.06)), gemm(4 * 2 * 2)],
    });
    expect(await gradientAgainstDifferences(bytes, [1, 4, 5, 5])).toBeLessThan(2e-3);
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

/**
 * Node kinds the 'ort' executor compiles beyond Dense/Conv/pooling, against the tfjs executor on
 * small seeded models: depthwise (multiplier 2, stride 2) and separable convolutions, padding and
 * cropping, concatenation, global and windowed max pooling (ties: the first arg-max, as tfjs),
 * transposed convolutions (ONNX), and every activation's forward and gradient. Each model is
 * explained with LRP (epsilon_plus) and with the gradient rule on every node (so every node's
 * vector–Jacobian product is compiled), one batch of 2 in one run each.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradientRule, initBackend, loadModel, lrp, lrpOn, XaiModel, type LrpOptions } from '../src/index.js';
import { expectSameOnBothExecutors } from './executor-comparison.js';
import { buildModel, node, tensor, valueInfo } from './onnx/build-onnx.js';
import { rampData } from './onnx/ort-reference.js';

async function expectSameOnBoth(model: XaiModel, x: tf.Tensor, options: LrpOptions): Promise<void> {
  const notices: string[] = [];
  const a = lrp(model, x, options);
  const b = await lrpOn(model, x, { ...options, executor: 'ort', onNotice: (line) => notices.push(line) });
  try {
    expectSameOnBothExecutors(a, b, notices, 1e-5);
  } finally {
    a.dispose();
    b.dispose();
  }
}

const init = (seed: number) => tf.initializers.glorotUniform({ seed });
const biasInit = (seed: number) => tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed });

/** Padding and cropping, a Conv2D (ELU) beside a depthwise conv (SELU), concatenated, a strided separable conv, global max pooling. */
function branchesModel(): tf.LayersModel {
  const input = tf.input({ shape: [9, 8, 3] });
  const padded = tf.layers.zeroPadding2d({ padding: [[1, 0], [2, 1]] }).apply(input) as tf.SymbolicTensor;
  const cropped = tf.layers.cropping2D({ cropping: [[2, 1], [0, 2]] }).apply(padded) as tf.SymbolicTensor;
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'elu', kernelInitializer: init(1), biasInitializer: biasInit(2) }).apply(cropped) as tf.SymbolicTensor;
  const depthwise = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'selu', depthwiseInitializer: init(3), biasInitializer: biasInit(4) }).apply(cropped) as tf.SymbolicTensor;
  const strided = tf.layers.depthwiseConv2d({ kernelSize: [3, 2], depthMultiplier: 2, strides: 2, padding: 'valid', depthwiseInitializer: init(5) }).apply(cropped) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([conv, depthwise]) as tf.SymbolicTensor;
  const separable = tf.layers.separableConv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation: 'softplus', depthwiseInitializer: init(6), pointwiseInitializer: init(7), biasInitializer: biasInit(8) }).apply(joined) as tf.SymbolicTensor;
  const pooled = tf.layers.concatenate().apply([
    tf.layers.globalMaxPooling2d({}).apply(separable) as tf.SymbolicTensor,
    tf.layers.globalAveragePooling2d({}).apply(strided) as tf.SymbolicTensor,
  ]) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 3, kernelInitializer: init(9) }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** A Dense chain through every built-in activation (and ReLU6, a clipped ReLU), softmax last but one. */
function activationsModel(): tf.LayersModel {
  const input = tf.input({ shape: [6] });
  let h = input;
  const names = ['tanh', 'sigmoid', 'softsign', 'hardSigmoid', 'elu', 'selu', 'softplus', 'relu6', 'linear', 'softmax'] as const;
  names.forEach((activation, i) => {
    h = tf.layers.dense({ units: 6, activation, kernelInitializer: init(20 + i), biasInitializer: biasInit(40 + i) }).apply(h) as tf.SymbolicTensor;
  });
  h = tf.layers.leakyReLU({ alpha: 0.1 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU({ maxValue: 0.5 }).apply(h) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 3, kernelInitializer: init(60) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** ReLU then global max pooling: whole channels of zeros and repeated maxima (ties go to the first arg-max). */
function tiesModel(): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 2] });
  const relu = tf.layers.activation({ activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.globalMaxPooling2d({}).apply(relu) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.ones() }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** ONNX: ConvTranspose 2 → 3 channels (stride 2, pads, output_padding 1, bias) → Relu → Flatten → Gemm. */
function convTransposeOnnx(): Uint8Array {
  const features = 3 * 10 * 12;
  return buildModel({
    inputs: [valueInfo('input', 'float32', [2, 2, 5, 6])],
    outputs: [valueInfo('logits', 'float32', [2, 3])],
    nodes: [
      node('ConvTranspose', ['input', 'W', 'B'], ['a'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, 'deconv'),
      node('Relu', ['a'], ['r'], {}, 'relu'),
      node('Flatten', ['r'], ['f'], { axis: 1 }, 'flatten'),
      node('Gemm', ['f', 'G'], ['logits'], { transB: 1 }, 'fc'),
    ],
    initializers: [
      tensor('W', 'float32', [2, 3, 3, 3], rampData([2, 3, 3, 3], 0.06)),
      tensor('B', 'float32', [3], [0.05, -0.02, 0.01]),
      tensor('G', 'float32', [3, features], rampData([3, features], 0.05)),
    ],
  });
}

/**
 * ONNX: Relu → MaxPool k3 s2 p1 (ResNet's stem pooling: overlapping windows, padded border) →
 * Flatten → Gemm, for windows whose maximum is held by several positions.
 */
function windowTiesOnnx(): Uint8Array {
  return buildModel({
    inputs: [valueInfo('input', 'float32', [2, 2, 5, 5])],
    outputs: [valueInfo('logits', 'float32', [2, 3])],
    nodes: [
      node('Relu', ['input'], ['r'], {}, 'relu'),
      node('MaxPool', ['r'], ['p'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, 'maxpool'),
      node('Flatten', ['p'], ['f'], { axis: 1 }, 'flatten'),
      node('Gemm', ['f', 'G'], ['logits'], { transB: 1 }, 'fc'),
    ],
    initializers: [tensor('G', 'float32', [3, 18], Float32Array.from({ length: 54 }, (_, i) => 0.5 + 0.01 * i))],
  });
}

const COMPOSITES: [string, LrpOptions][] = [
  ['LRP epsilon_plus', { composite: 'epsilon_plus' }],
  ['the gradient rule on every node', { rule: gradientRule() }],
];

beforeAll(async () => {
  await initBackend();
});

describe("node kinds on the 'ort' executor", () => {
  const models: XaiModel[] = [];
  afterAll(() => models.forEach((m) => m.dispose()));
  const keep = (m: XaiModel) => (models.push(m), m);

  it.each(COMPOSITES)('depthwise, separable, padding, cropping, concatenation, global pooling: %s', async (_name, options) => {
    const model = keep(XaiModel.fromLayersModel(branchesModel()));
    const x = tf.randomUniform([2, 9, 8, 3], -1, 1, 'float32', 7);
    await expectSameOnBoth(model, x, options);
    x.dispose();
  });

  it.each(COMPOSITES)('every built-in activation, forward and gradient: %s', async (_name, options) => {
    const model = keep(XaiModel.fromLayersModel(activationsModel()));
    const x = tf.randomUniform([2, 6], -3, 3, 'float32', 8);
    await expectSameOnBoth(model, x, options);
    x.dispose();
  });

  it.each(COMPOSITES)('global max pooling routes ties to the first arg-max: %s', async (_name, options) => {
    const model = keep(XaiModel.fromLayersModel(tiesModel()));
    // Channel 0 all negative (zeros after ReLU: every position ties); channel 1 holds its maximum 0.8 three times.
    const values = Array.from({ length: 2 * 16 * 2 }, (_, i) => (i % 2 === 0 ? -0.5 : [3, 7, 12].includes((i >> 1) % 16) ? 0.8 : 0.1 * ((i >> 1) % 5)));
    const x = tf.tensor4d(values, [2, 4, 4, 2]);
    await expectSameOnBoth(model, x, { ...options, target: 1 });
    const e = await lrpOn(model, x, { ...options, target: 1, executor: 'ort' });
    const r = e.relevance.slice([0, 0, 0, 1], [1, 4, 4, 1]).dataSync();
    expect(Array.from(r).map((v, i) => (v !== 0 ? i : -1)).filter((i) => i >= 0)).toEqual([3]);
    e.dispose();
    x.dispose();
  });

  // Which of two equal maxima takes a window's relevance is the one place where float32 noise moves
  // relevance a whole receptive field away (ResNet-18 at 224×224: a stem window whose top two
  // conv outputs tie exactly on ORT and differ by one ulp on tfjs); on exact ties both executors
  // must pick the same position: the first arg-max in row-major order.
  it.each(COMPOSITES)('windowed max pooling (ONNX MaxPool k3 s2 p1) routes ties to the first arg-max: %s', async (_name, options) => {
    const model = keep(await loadModel(windowTiesOnnx(), { label: 'maxpool-ties.onnx', workers: false }));
    // Channel 0: 0.3 everywhere (every window, border ones included, all ties); channel 1: 0.8 at
    // eight positions (ties inside and across overlapping windows), distinct smaller values elsewhere.
    const tied = new Set([0, 1, 5, 6, 12, 14, 18, 22]);
    const sample = [...Array.from({ length: 25 }, () => 0.3), ...Array.from({ length: 25 }, (_, i) => (tied.has(i) ? 0.8 : 0.01 * i))];
    const x = tf.tensor([...sample, ...sample.map((v) => -v + 0.5)], [2, 2, 5, 5]);
    await expectSameOnBoth(model, x, { ...options, target: 0 });
    const e = await lrpOn(model, x, { ...options, target: 0, executor: 'ort' });
    const r = e.relevance.slice([0], [1]).dataSync();
    const routed = (c: number) => Array.from(r.subarray(25 * c, 25 * (c + 1))).map((v, i) => (v !== 0 ? i : -1)).filter((i) => i >= 0);
    expect(routed(0)).toEqual([0, 1, 3, 5, 6, 8, 15, 16, 18]); // each window's top-left position
    expect(routed(1)).toEqual([0, 1, 5, 6, 9, 14, 18, 21]);
    e.dispose();
    x.dispose();
  });

  it.each(COMPOSITES)('an ONNX ConvTranspose (stride 2, pads, output_padding, bias): %s', async (_name, options) => {
    const model = keep(await loadModel(convTransposeOnnx(), { label: 'deconv.onnx', workers: false }));
    const x = tf.tensor(rampData([2, 2, 5, 6], 0.1), [2, 2, 5, 6]);
    await expectSameOnBoth(model, x, options);
    x.dispose();
  });
});

/**
 * Each converted ONNX operator computes in the engine what onnxruntime computes (the reference
 * executor), on small models built here, including opset variants (attribute vs input forms).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { forwardAll, initBackend, loadModel } from '../../src/index.js';
import type { OnnxDtype } from '../../src/import/onnx/index.js';
import { buildModel, float, floats, node, tensor, valueInfo, type AttrInput } from './build-onnx.js';
import { feed, rampData, runReference, type ReferenceTensor } from './ort-reference.js';

beforeAll(async () => {
  await initBackend();
});

interface Case {
  readonly inputs: readonly (readonly [string, readonly number[], OnnxDtype?])[];
  readonly nodes: readonly { op: string; inputs: readonly string[]; outputs?: readonly string[]; attrs?: Record<string, AttrInput> }[];
  /** Initializers: float32 unless a dtype is given; values default to a deterministic ramp. */
  readonly weights?: Record<string, readonly [readonly number[], (readonly number[])?, OnnxDtype?]>;
  readonly opset?: number;
  readonly output?: string;
}

const rampValues = (dims: readonly number[], seed: number) => Array.from(rampData(dims, 0.05 + 0.01 * seed));

function modelOf(c: Case): Uint8Array {
  const out = c.output ?? 'y';
  return buildModel({
    opset: c.opset ?? 13,
    inputs: c.inputs.map(([name, dims, dtype]) => valueInfo(name, dtype ?? 'float32', dims)),
    outputs: [valueInfo(out, 'float32', null)],
    nodes: c.nodes.map((n, i) => node(n.op, n.inputs, n.outputs ?? [i === c.nodes.length - 1 ? out : `t${i}`], n.attrs ?? {})),
    initializers: Object.entries(c.weights ?? {}).map(([name, [dims, values, dtype]], i) => tensor(name, dtype ?? 'float32', dims, values ?? rampValues(dims, i + 1))),
  });
}

function inputData(dims: readonly number[], dtype: OnnxDtype | undefined, k: number): { ref: ReferenceTensor; x: tf.Tensor } {
  const n = dims.reduce((a, b) => a * b, 1);
  if (dtype === 'int64') {
    const ids = Array.from({ length: n }, (_, i) => (i * 3 + k) % 5);
    return { ref: feed('int64', dims, BigInt64Array.from(ids.map(BigInt))), x: tf.tensor(ids, [...dims], 'int32') };
  }
  const data = rampData(dims, 0.1 + 0.03 * k);
  return { ref: feed('float32', dims, data), x: tf.tensor(data, [...dims]) };
}

/** Runs the case in onnxruntime and in the engine; returns the largest difference relative to max |y|. */
async function compare(c: Case): Promise<number> {
  const bytes = modelOf(c);
  const data = c.inputs.map(([, dims, dtype], k) => inputData(dims, dtype, k));
  const ref = await runReference(bytes, Object.fromEntries(c.inputs.map(([name], k) => [name, data[k]!.ref])));
  const expected = ref[c.output ?? 'y']!;
  const model = await loadModel(bytes);
  try {
    const values = forwardAll(model.graph, data.map((d) => d.x));
    const y = values.get(model.graph.outputs[0]!)!;
    expect(y.shape).toEqual(expected.dims);
    const got = y.dataSync();
    for (const [id, t] of values) if (!model.graph.inputs.includes(id)) t.dispose();
    const want = Array.from(expected.data as Float32Array, Number);
    const scale = Math.max(1e-6, ...want.map(Math.abs));
    return Math.max(0, ...want.map((v, i) => Math.abs(v - got[i]!))) / scale;
  } finally {
    model.dispose();
    data.forEach((d) => d.x.dispose());
  }
}

const one = (op: string, inputs: string[], attrs: Record<string, AttrInput> = {}) => [{ op, inputs, attrs }];
const x4 = [['x', [2, 3, 6, 6]]] as const;

const cases: Record<string, Case> = {
  'Gemm transB alpha beta': { inputs: [['x', [2, 5]]], nodes: one('Gemm', ['x', 'W', 'C'], { transB: 1, alpha: float(0.5), beta: float(2) }), weights: { W: [[4, 5]], C: [[4]] } },
  'Gemm without C': { inputs: [['x', [2, 5]]], nodes: one('Gemm', ['x', 'W']), weights: { W: [[5, 3]] } },
  'MatMul weight + bias Add (bias first)': { inputs: [['x', [2, 3, 4]]], nodes: [{ op: 'MatMul', inputs: ['x', 'W'] }, { op: 'Add', inputs: ['b', 't0'] }], weights: { W: [[4, 5]], b: [[5]] } },
  'MatMul of two activations': { inputs: [['x', [2, 3, 4]], ['z', [2, 4, 2]]], nodes: one('MatMul', ['x', 'z']) },
  'Conv 2-D asymmetric pads, stride 2': { inputs: x4, nodes: one('Conv', ['x', 'W', 'B'], { kernel_shape: [3, 3], pads: [0, 1, 1, 2], strides: [2, 2] }), weights: { W: [[4, 3, 3, 3]], B: [[4]] } },
  'Conv 2-D groups 3 (per group 1 in, 2 out) = depthwise': { inputs: x4, nodes: one('Conv', ['x', 'W'], { kernel_shape: [3, 3], group: 3, dilations: [2, 2], pads: [2, 2, 2, 2] }), weights: { W: [[6, 1, 3, 3]] } },
  'Conv 2-D groups 2 (2 in, 3 out per group)': { inputs: [['x', [1, 4, 5, 5]]], nodes: one('Conv', ['x', 'W', 'B'], { kernel_shape: [2, 2], group: 2 }), weights: { W: [[6, 2, 2, 2]], B: [[6]] } },
  'Conv auto_pad SAME_UPPER stride 2': { inputs: x4, nodes: one('Conv', ['x', 'W'], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }), weights: { W: [[2, 3, 3, 3]] } },
  'Conv auto_pad SAME_LOWER': { inputs: x4, nodes: one('Conv', ['x', 'W'], { kernel_shape: [2, 2], auto_pad: 'SAME_LOWER' }), weights: { W: [[2, 3, 2, 2]] } },
  'Conv 1-D pads dilation': { inputs: [['x', [2, 3, 12]]], nodes: one('Conv', ['x', 'W', 'B'], { kernel_shape: [3], pads: [2, 1], dilations: [2] }), weights: { W: [[4, 3, 3]], B: [[4]] } },
  'Conv 3-D': { inputs: [['x', [1, 2, 4, 5, 5]]], nodes: one('Conv', ['x', 'W', 'B'], { kernel_shape: [2, 3, 3], pads: [0, 1, 1, 1, 1, 1] }), weights: { W: [[3, 2, 2, 3, 3]], B: [[3]] } },
  'ConvTranspose 2-D stride 2, pads, output_padding': { inputs: [['x', [2, 3, 4, 5]]], nodes: one('ConvTranspose', ['x', 'W', 'B'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 1, 1], output_padding: [1, 0] }), weights: { W: [[3, 2, 3, 3]], B: [[2]] } },
  'ConvTranspose 1-D groups 2, dilation 2': { inputs: [['x', [1, 4, 7]]], nodes: one('ConvTranspose', ['x', 'W'], { kernel_shape: [3], group: 2, dilations: [2] }), weights: { W: [[4, 3, 3]] } },
  'Conv + BatchNormalization (merged)': {
    inputs: x4,
    nodes: [{ op: 'Conv', inputs: ['x', 'W'], attrs: { kernel_shape: [3, 3] } }, { op: 'BatchNormalization', inputs: ['t0', 'g', 'be', 'm', 'v'], attrs: { epsilon: float(1e-3) } }],
    weights: { W: [[4, 3, 3, 3]], g: [[4]], be: [[4]], m: [[4]], v: [[4], [0.5, 1, 1.5, 2]] },
  },
  'BatchNormalization alone (NCHW)': { inputs: x4, nodes: one('BatchNormalization', ['x', 'g', 'be', 'm', 'v']), weights: { g: [[3]], be: [[3]], m: [[3]], v: [[3], [0.5, 1, 2]] } },
  'Relu, Elu, LeakyRelu chain': { inputs: x4, nodes: [{ op: 'Elu', inputs: ['x'], attrs: { alpha: float(0.5) } }, { op: 'LeakyRelu', inputs: ['t0'], attrs: { alpha: float(0.1) } }, { op: 'Relu', inputs: ['t1'] }] },
  'Sigmoid, Tanh, Softplus, Erf': { inputs: [['x', [2, 7]]], nodes: [{ op: 'Sigmoid', inputs: ['x'] }, { op: 'Tanh', inputs: ['t0'] }, { op: 'Softplus', inputs: ['t1'] }, { op: 'Erf', inputs: ['t2'] }] },
  'Selu, HardSigmoid, HardSwish': { opset: 14, inputs: [['x', [2, 7]]], nodes: [{ op: 'Selu', inputs: ['x'] }, { op: 'HardSigmoid', inputs: ['t0'], attrs: { alpha: float(0.3) } }, { op: 'HardSwish', inputs: ['t1'] }] },
  'Clip as ReLU6 (inputs, opset 13)': { inputs: [['x', [2, 9]]], nodes: one('Clip', ['x', 'lo', 'hi']), weights: { lo: [[], [0]], hi: [[], [0.4]] } },
  'Clip (-0.3, 0.5)': { inputs: [['x', [2, 9]]], nodes: one('Clip', ['x', 'lo', 'hi']), weights: { lo: [[], [-0.3]], hi: [[], [0.5]] } },
  'PRelu per channel after Conv': { inputs: x4, nodes: [{ op: 'Conv', inputs: ['x', 'W'], attrs: { kernel_shape: [1, 1] } }, { op: 'PRelu', inputs: ['t0', 's'] }], weights: { W: [[3, 3, 1, 1]], s: [[3, 1, 1], [0.1, 0.2, 0.3]] } },
  'Softmax last axis and axis 1, LogSoftmax': { inputs: [['x', [2, 3, 4]]], nodes: [{ op: 'Softmax', inputs: ['x'], attrs: { axis: 1 } }, { op: 'LogSoftmax', inputs: ['t0'], attrs: { axis: -1 } }, { op: 'Softmax', inputs: ['t1'] }] },
  'MaxPool pads (torchvision stem), stride 2': { inputs: [['x', [1, 2, 8, 8]]], nodes: one('MaxPool', ['x'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }) },
  'MaxPool 1-D': { inputs: [['x', [2, 3, 10]]], nodes: one('MaxPool', ['x'], { kernel_shape: [2], strides: [2] }) },
  'AveragePool pads count_include_pad 1': { inputs: x4, nodes: one('AveragePool', ['x'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }) },
  'AveragePool pads count_include_pad 0 (same)': { inputs: x4, nodes: one('AveragePool', ['x'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }) },
  'AveragePool ceil_mode without partial window': { inputs: x4, nodes: one('AveragePool', ['x'], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }) },
  'GlobalAveragePool, GlobalMaxPool, Flatten, Gemm': {
    inputs: x4,
    nodes: [{ op: 'GlobalAveragePool', inputs: ['x'] }, { op: 'GlobalMaxPool', inputs: ['x'] }, { op: 'Add', inputs: ['t0', 't1'] }, { op: 'Flatten', inputs: ['t2'] }, { op: 'Gemm', inputs: ['t3', 'W', 'C'], attrs: { transB: 1 } }],
    weights: { W: [[2, 3]], C: [[2]] },
  },
  'Reshape, Transpose': { inputs: [['x', [2, 3, 4]]], nodes: [{ op: 'Reshape', inputs: ['x', 's'] }, { op: 'Transpose', inputs: ['t0'], attrs: { perm: [0, 2, 1] } }], weights: { s: [[3], [0, 6, 2], 'int64'] } },
  'Squeeze/Unsqueeze axes as attribute (opset 11)': { opset: 11, inputs: [['x', [2, 3, 1, 4]]], nodes: [{ op: 'Squeeze', inputs: ['x'], attrs: { axes: [2] } }, { op: 'Unsqueeze', inputs: ['t0'], attrs: { axes: [1] } }] },
  'Squeeze/Unsqueeze axes as input (opset 13)': { inputs: [['x', [2, 3, 1, 4]]], nodes: [{ op: 'Squeeze', inputs: ['x', 'a'] }, { op: 'Unsqueeze', inputs: ['t0', 'b'] }], weights: { a: [[1], [2], 'int64'], b: [[1], [-1], 'int64'] } },
  'Split as attribute (opset 11) + Concat': { opset: 11, inputs: [['x', [2, 6, 3]]], nodes: [{ op: 'Split', inputs: ['x'], outputs: ['p', 'q'], attrs: { axis: 1, split: [2, 4] } }, { op: 'Concat', inputs: ['q', 'p'], attrs: { axis: 1 } }] },
  'Split as input (opset 13) + Concat': { inputs: [['x', [2, 6, 3]]], nodes: [{ op: 'Split', inputs: ['x', 's'], outputs: ['p', 'q'], attrs: { axis: -1 } }, { op: 'Concat', inputs: ['q', 'p'], attrs: { axis: 2 } }], weights: { s: [[2], [1, 2], 'int64'] } },
  'Split num_outputs (opset 18) + Mul': { opset: 18, inputs: [['x', [2, 6, 3]]], nodes: [{ op: 'Split', inputs: ['x'], outputs: ['p', 'q'], attrs: { axis: 1, num_outputs: 2 } }, { op: 'Mul', inputs: ['p', 'q'] }] },
  'Concat of two conv branches (channels)': {
    inputs: x4,
    nodes: [{ op: 'Conv', inputs: ['x', 'W1'], attrs: { kernel_shape: [1, 1] } }, { op: 'Conv', inputs: ['x', 'W2'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } }, { op: 'Concat', inputs: ['t0', 't1'], attrs: { axis: 1 } }],
    weights: { W1: [[2, 3, 1, 1]], W2: [[3, 3, 3, 3]] },
  },
  'Slice with steps, Gather with constant indices': {
    inputs: [['x', [2, 5, 6]]],
    nodes: [{ op: 'Slice', inputs: ['x', 'st', 'en', 'ax', 'sp'] }, { op: 'Gather', inputs: ['t0', 'i'], attrs: { axis: 2 } }],
    weights: { st: [[2], [1, -1], 'int64'], en: [[2], [5, 0], 'int64'], ax: [[2], [1, 2], 'int64'], sp: [[2], [2, -2], 'int64'], i: [[2], [1, 0], 'int64'] },
  },
  'Pad constant value and zero spatial pad': {
    inputs: x4,
    nodes: [{ op: 'Pad', inputs: ['x', 'p'] }, { op: 'Pad', inputs: ['t0', 'q', 'v'] }],
    weights: { p: [[8], [0, 0, 1, 2, 0, 0, 2, 1], 'int64'], q: [[8], [0, 1, 0, 0, 0, 0, 1, 0], 'int64'], v: [[], [0.5]] },
  },
  'ReduceMean attribute (opset 13), ReduceSum input': {
    inputs: x4,
    nodes: [{ op: 'ReduceMean', inputs: ['x'], attrs: { axes: [2], keepdims: 1 } }, { op: 'ReduceSum', inputs: ['t0', 'a'], attrs: { keepdims: 0 } }],
    weights: { a: [[1], [3], 'int64'] },
  },
  'ReduceMean axes as input (opset 18)': { opset: 18, inputs: x4, nodes: one('ReduceMean', ['x', 'a']), weights: { a: [[2], [2, 3], 'int64'] } },
  'Add/Sub/Mul/Div with constants after Conv (channels-last inside)': {
    inputs: x4,
    nodes: [
      { op: 'Conv', inputs: ['x', 'W'], attrs: { kernel_shape: [1, 1] } },
      { op: 'Add', inputs: ['t0', 'c1'] }, { op: 'Mul', inputs: ['c2', 't1'] }, { op: 'Sub', inputs: ['t2', 'c3'] }, { op: 'Div', inputs: ['t3', 'c4'] },
    ],
    weights: { W: [[3, 3, 1, 1]], c1: [[3, 1, 1]], c2: [[6], [1, 2, 3, 4, 5, 6]], c3: [[], [0.25]], c4: [[1, 3, 1, 1], [1, 2, 4]] },
  },
  'Resize nearest ×2 (asymmetric, floor: PyTorch)': { inputs: x4, nodes: one('Resize', ['x', '', 's'], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }), weights: { s: [[4], [1, 1, 2, 2]] } },
  'Resize nearest to sizes (half_pixel, round_prefer_floor)': { inputs: x4, nodes: one('Resize', ['x', '', '', 'z'], { mode: 'nearest' }), weights: { z: [[4], [2, 3, 9, 4], 'int64'] } },
  'Resize linear ×1.5 (align_corners) and half_pixel': {
    inputs: x4,
    nodes: [{ op: 'Resize', inputs: ['x', '', 's'], attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' } }, { op: 'Resize', inputs: ['t0', '', 's2'], attrs: { mode: 'linear' } }],
    weights: { s: [[4], [1, 1, 1.5, 1.5]], s2: [[4], [1, 1, 0.5, 2]] },
  },
  'Resize opset 11 (roi input present), nearest ×2×3': { opset: 11, inputs: x4, nodes: one('Resize', ['x', 'r', 's'], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }), weights: { r: [[0], []], s: [[4], [1, 1, 2, 3]] } },
  'Resize cubic ×2 (half_pixel, a = −0.75, edge repeat)': { inputs: x4, nodes: one('Resize', ['x', '', 's'], { mode: 'cubic' }), weights: { s: [[4], [1, 1, 2, 2]] } },
  'Resize cubic ×1.5 (pytorch_half_pixel, a = −0.5: PyTorch bicubic)': { inputs: x4, nodes: one('Resize', ['x', '', 's'], { mode: 'cubic', coordinate_transformation_mode: 'pytorch_half_pixel', cubic_coeff_a: float(-0.5) }), weights: { s: [[4], [1, 1, 1.5, 1.5]] } },
  'Resize cubic align_corners to sizes 9×4': { inputs: x4, nodes: one('Resize', ['x', '', '', 'z'], { mode: 'cubic', coordinate_transformation_mode: 'align_corners' }), weights: { z: [[4], [2, 3, 9, 4], 'int64'] } },
  'Resize cubic asymmetric, exclude_outside, ×2.5 / ×0.5': { inputs: x4, nodes: one('Resize', ['x', '', 's'], { mode: 'cubic', coordinate_transformation_mode: 'asymmetric', exclude_outside: 1 }), weights: { s: [[4], [1, 1, 2.5, 0.5]] } },
  'Resize cubic half_pixel exclude_outside to sizes (opset 11, roi)': { opset: 11, inputs: x4, nodes: one('Resize', ['x', 'r', 'e', 'z'], { mode: 'cubic', exclude_outside: 1 }), weights: { r: [[0], []], e: [[0], []], z: [[4], [2, 3, 4, 11], 'int64'] } },
  'ConvTranspose auto_pad SAME_UPPER stride 2 (odd total pad)': { inputs: [['x', [2, 3, 4, 5]]], nodes: one('ConvTranspose', ['x', 'W', 'B'], { kernel_shape: [4, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }), weights: { W: [[3, 2, 4, 3]], B: [[2]] } },
  'ConvTranspose auto_pad SAME_LOWER stride 2 (odd total pad)': { inputs: [['x', [2, 3, 4, 5]]], nodes: one('ConvTranspose', ['x', 'W'], { kernel_shape: [4, 3], strides: [2, 2], auto_pad: 'SAME_LOWER' }), weights: { W: [[3, 2, 4, 3]] } },
  'ConvTranspose auto_pad SAME_UPPER stride 3, output_padding, 1-D': { inputs: [['x', [1, 4, 6]]], nodes: one('ConvTranspose', ['x', 'W'], { kernel_shape: [4], strides: [3], output_padding: [1], auto_pad: 'SAME_UPPER' }), weights: { W: [[4, 2, 4]] } },
  'ConvTranspose output_shape (pads derived, odd one at the beginning)': { inputs: [['x', [2, 3, 4, 5]]], nodes: one('ConvTranspose', ['x', 'W', 'B'], { kernel_shape: [3, 3], strides: [2, 2], output_shape: [8, 9] }), weights: { W: [[3, 2, 3, 3]], B: [[2]] } },
  'ConvTranspose output_shape with output_padding and groups': { inputs: [['x', [1, 4, 4, 4]]], nodes: one('ConvTranspose', ['x', 'W'], { kernel_shape: [3, 3], strides: [2, 2], group: 2, output_padding: [1, 1], output_shape: [8, 7] }), weights: { W: [[4, 3, 3, 3]] } },
  'LayerNormalization (opset 17)': { opset: 17, inputs: [['x', [2, 3, 8]]], nodes: one('LayerNormalization', ['x', 'g', 'b'], { axis: -1, epsilon: float(1e-5) }), weights: { g: [[8]], b: [[8]] } },
  'InstanceNormalization': { inputs: x4, nodes: one('InstanceNormalization', ['x', 'g', 'b']), weights: { g: [[3]], b: [[3]] } },
  'Gather embedding of int64 token ids': { inputs: [['ids', [2, 4], 'int64']], nodes: one('Gather', ['E', 'ids']), weights: { E: [[5, 3]] } },
};

describe('ONNX operators against onnxruntime', () => {
  it.each(Object.keys(cases))('%s', async (name) => {
    expect(await compare(cases[name]!)).toBeLessThan(2e-5);
  });
});

/**
 * Shape inference of every operator issue 17 lists agrees with onnxruntime: each case is a one-node
 * model; its output dims from onnxruntime are compared with the normalised model's inferred shape.
 */
import { describe, expect, it } from 'vitest';
import { decodeOnnx, normalizeOnnx, OnnxNodeError } from '../../src/import/onnx/index.js';
import type { OnnxDtype } from '../../src/import/onnx/index.js';
import { buildModel, float, node, tensor, valueInfo, type AttrInput } from './build-onnx.js';
import { feed, rampData, runReference, type ReferenceTensor } from './ort-reference.js';
import type { OnnxProto } from '../../src/import/onnx/proto.js';

type Input = [string, OnnxDtype, number[]];

interface Case {
  readonly op: string;
  readonly inputs: Input[];
  /** Inputs that are initializers (weights, parameters): name → [dtype, dims, values?]. */
  readonly weights?: Record<string, [OnnxDtype, number[], (number | bigint)[]?]>;
  readonly attrs?: Record<string, AttrInput>;
  readonly outputs?: number;
  readonly opset?: number;
  /** Node inputs when they differ from inputs + weights in order ('' for a left-out optional input). */
  readonly nodeInputs?: string[];
}

const w = (dims: number[]): [OnnxDtype, number[]] => ['float32', dims];
const i64 = (values: number[], dims = [values.length]): [OnnxDtype, number[], number[]] => ['int64', dims, values];

const CASES: Record<string, Case> = {
  'Conv 1-D': { op: 'Conv', inputs: [['x', 'float32', [2, 3, 17]]], weights: { w: w([5, 3, 4]), b: w([5]) }, attrs: { pads: [1, 2], strides: [2] } },
  'Conv 2-D dilated': { op: 'Conv', inputs: [['x', 'float32', [1, 4, 11, 9]]], weights: { w: w([6, 4, 3, 3]) }, attrs: { dilations: [2, 1], pads: [1, 1, 1, 1] } },
  'Conv 2-D grouped': { op: 'Conv', inputs: [['x', 'float32', [1, 4, 8, 8]]], weights: { w: w([6, 2, 3, 3]) }, attrs: { group: 2, strides: [2, 2] } },
  'Conv depthwise': { op: 'Conv', inputs: [['x', 'float32', [1, 4, 8, 8]]], weights: { w: w([8, 1, 3, 3]) }, attrs: { group: 4, pads: [1, 1, 1, 1] } },
  'Conv SAME_UPPER': { op: 'Conv', inputs: [['x', 'float32', [1, 2, 7, 10]]], weights: { w: w([3, 2, 3, 4]) }, attrs: { auto_pad: 'SAME_UPPER', strides: [2, 3] } },
  'Conv VALID': { op: 'Conv', inputs: [['x', 'float32', [1, 2, 7, 10]]], weights: { w: w([3, 2, 3, 4]) }, attrs: { auto_pad: 'VALID', strides: [2, 2] } },
  'Conv 3-D': { op: 'Conv', inputs: [['x', 'float32', [1, 2, 6, 7, 8]]], weights: { w: w([3, 2, 3, 3, 3]), b: w([3]) }, attrs: { pads: [1, 0, 1, 1, 0, 1], strides: [1, 2, 2] } },
  ConvTranspose: { op: 'ConvTranspose', inputs: [['x', 'float32', [1, 4, 5, 6]]], weights: { w: w([4, 3, 3, 3]) }, attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 0] } },
  'ConvTranspose grouped': { op: 'ConvTranspose', inputs: [['x', 'float32', [1, 4, 5]]], weights: { w: w([4, 2, 4]) }, attrs: { group: 2, strides: [3] } },
  Gemm: { op: 'Gemm', inputs: [['x', 'float32', [6, 3]]], weights: { w: w([5, 6]), b: w([5]) }, attrs: { transA: 1, transB: 1, alpha: 0.5, beta: float(2) } },
  'MatMul with a weight': { op: 'MatMul', inputs: [['x', 'float32', [2, 7, 4]]], weights: { w: w([4, 3]) } },
  'MatMul between activations': { op: 'MatMul', inputs: [['a', 'float32', [2, 1, 5, 4]], ['b', 'float32', [3, 4, 6]]] },
  'MatMul 1-D': { op: 'MatMul', inputs: [['a', 'float32', [4]], ['b', 'float32', [2, 4, 3]]] },
  BatchNormalization: { op: 'BatchNormalization', inputs: [['x', 'float32', [2, 3, 4]]], weights: { s: w([3]), b: w([3]), m: w([3]), v: ['float32', [3], [1, 2, 3]] } },
  InstanceNormalization: { op: 'InstanceNormalization', inputs: [['x', 'float32', [2, 3, 4, 5]]], weights: { s: w([3]), b: w([3]) } },
  LayerNormalization: { op: 'LayerNormalization', opset: 17, inputs: [['x', 'float32', [2, 5, 8]]], weights: { s: w([8]), b: w([8]) }, attrs: { axis: -1 } },
  Relu: { op: 'Relu', inputs: [['x', 'float32', [2, 3]]] },
  LeakyRelu: { op: 'LeakyRelu', inputs: [['x', 'float32', [2, 3]]], attrs: { alpha: 0.2 } },
  PRelu: { op: 'PRelu', inputs: [['x', 'float32', [2, 3, 4]]], weights: { slope: w([3, 1]) } },
  Elu: { op: 'Elu', inputs: [['x', 'float32', [2, 3]]] },
  Selu: { op: 'Selu', inputs: [['x', 'float32', [2, 3]]] },
  'Clip (ReLU6)': { op: 'Clip', inputs: [['x', 'float32', [2, 3]]], weights: { lo: ['float32', [], [0]], hi: ['float32', [], [6]] } },
  Sigmoid: { op: 'Sigmoid', inputs: [['x', 'float32', [4]]] },
  Tanh: { op: 'Tanh', inputs: [['x', 'float32', [4]]] },
  Softmax: { op: 'Softmax', inputs: [['x', 'float32', [2, 3, 4]]], attrs: { axis: 1 } },
  LogSoftmax: { op: 'LogSoftmax', inputs: [['x', 'float32', [2, 3]]] },
  Erf: { op: 'Erf', inputs: [['x', 'float32', [2, 3]]] },
  HardSigmoid: { op: 'HardSigmoid', inputs: [['x', 'float32', [2, 3]]] },
  HardSwish: { op: 'HardSwish', opset: 14, inputs: [['x', 'float32', [2, 3]]] },
  Mish: { op: 'Mish', opset: 18, inputs: [['x', 'float32', [2, 3]]] },
  'MaxPool 2-D ceil_mode': { op: 'MaxPool', inputs: [['x', 'float32', [1, 2, 7, 8]]], attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
  'MaxPool 1-D padded, dilated': { op: 'MaxPool', inputs: [['x', 'float32', [1, 2, 15]]], attrs: { kernel_shape: [3], pads: [1, 1], dilations: [2] } },
  'MaxPool with indices': { op: 'MaxPool', inputs: [['x', 'float32', [1, 2, 6, 6]]], attrs: { kernel_shape: [2, 2], strides: [2, 2] }, outputs: 2 },
  'AveragePool count_include_pad': { op: 'AveragePool', inputs: [['x', 'float32', [1, 2, 7, 7]]], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2], count_include_pad: 1 } },
  'AveragePool ceil_mode': { op: 'AveragePool', inputs: [['x', 'float32', [1, 2, 8]]], attrs: { kernel_shape: [3], strides: [3], ceil_mode: 1 } },
  'AveragePool 3-D SAME_LOWER': { op: 'AveragePool', inputs: [['x', 'float32', [1, 1, 5, 6, 7]]], attrs: { kernel_shape: [2, 2, 2], strides: [2, 2, 2], auto_pad: 'SAME_LOWER' } },
  GlobalAveragePool: { op: 'GlobalAveragePool', inputs: [['x', 'float32', [2, 3, 4, 5]]] },
  GlobalMaxPool: { op: 'GlobalMaxPool', inputs: [['x', 'float32', [2, 3, 7]]] },
  'Pad (constant)': { op: 'Pad', inputs: [['x', 'float32', [1, 2, 3, 4]]], weights: { p: i64([0, 0, 1, 2, 0, 0, 3, 0]), v: ['float32', [], [0]] }, attrs: { mode: 'constant' } },
  Flatten: { op: 'Flatten', inputs: [['x', 'float32', [2, 3, 4, 5]]], attrs: { axis: 2 } },
  'Flatten axis 0': { op: 'Flatten', inputs: [['x', 'float32', [2, 3, 4]]], attrs: { axis: 0 } },
  Reshape: { op: 'Reshape', inputs: [['x', 'float32', [2, 3, 4]]], weights: { s: i64([0, -1, 2]) } },
  Transpose: { op: 'Transpose', inputs: [['x', 'float32', [2, 3, 4, 5]]], attrs: { perm: [0, 3, 1, 2] } },
  'Transpose default': { op: 'Transpose', inputs: [['x', 'float32', [2, 3, 4]]] },
  Squeeze: { op: 'Squeeze', inputs: [['x', 'float32', [1, 3, 1, 5]]] },
  Unsqueeze: { op: 'Unsqueeze', inputs: [['x', 'float32', [3, 5]]], weights: { a: i64([0, -1]) } },
  Concat: { op: 'Concat', inputs: [['a', 'float32', [2, 3, 4]], ['b', 'float32', [2, 5, 4]]], attrs: { axis: -2 } },
  'Split equal': { op: 'Split', inputs: [['x', 'float32', [2, 6]]], attrs: { axis: 1 }, outputs: 3, opset: 13 },
  'Split num_outputs uneven': { op: 'Split', inputs: [['x', 'float32', [2, 7]]], attrs: { axis: -1, num_outputs: 3 }, outputs: 3, opset: 18 },
  'Split sizes': { op: 'Split', inputs: [['x', 'float32', [6, 2]]], weights: { s: i64([1, 2, 3]) }, outputs: 3 },
  'Slice negative step': { op: 'Slice', inputs: [['x', 'float32', [5, 6]]], weights: { st: i64([-1, 1]), en: i64([-100, 5]), ax: i64([0, 1]), sp: i64([-2, 3]) } },
  Gather: { op: 'Gather', inputs: [['x', 'float32', [3, 5, 2]]], weights: { i: ['int64', [2, 2], [0, 4, 1, 1]] }, attrs: { axis: 1 } },
  'Gather embedding': { op: 'Gather', inputs: [['ids', 'int64', [1, 6]]], weights: { table: w([10, 4]) }, nodeInputs: ['table', 'ids'] },
  Identity: { op: 'Identity', inputs: [['x', 'float32', [2, 3]]] },
  Dropout: { op: 'Dropout', inputs: [['x', 'float32', [2, 3]]] },
  'Add broadcast': { op: 'Add', inputs: [['a', 'float32', [2, 1, 4]], ['b', 'float32', [3, 1]]] },
  'Sub constant': { op: 'Sub', inputs: [['a', 'float32', [2, 3]]], weights: { c: ['float32', [], [1]] } },
  'Mul branches': { op: 'Mul', inputs: [['a', 'float32', [2, 3, 4]], ['b', 'float32', [2, 3, 4]]] },
  'Div constant': { op: 'Div', inputs: [['a', 'float32', [2, 3]]], weights: { c: w([3]) } },
  Pow: { op: 'Pow', inputs: [['a', 'float32', [2, 3]]], weights: { c: ['float32', [], [2]] } },
  Sqrt: { op: 'Sqrt', inputs: [['a', 'float32', [2, 3]]] },
  ReduceMean: { op: 'ReduceMean', inputs: [['x', 'float32', [2, 3, 4]]], attrs: { axes: [-1], keepdims: 1 } },
  'ReduceSum all': { op: 'ReduceSum', inputs: [['x', 'float32', [2, 3, 4]]], attrs: { keepdims: 0 } },
  'ReduceSum axes input': { op: 'ReduceSum', inputs: [['x', 'float32', [2, 3, 4]]], weights: { a: i64([0, 2]) }, attrs: { keepdims: 0 } },
  'Resize nearest scales': { op: 'Resize', inputs: [['x', 'float32', [1, 2, 3, 5]]], weights: { sc: ['float32', [4], [1, 1, 2, 1.5]] }, nodeInputs: ['x', '', 'sc'], attrs: { mode: 'nearest' } },
  'Resize linear sizes': { op: 'Resize', inputs: [['x', 'float32', [1, 2, 3, 5]]], weights: { sz: i64([1, 2, 7, 4]) }, nodeInputs: ['x', '', '', 'sz'], attrs: { mode: 'linear' } },
  LSTM: { op: 'LSTM', inputs: [['x', 'float32', [5, 2, 3]]], weights: { W: w([1, 16, 3]), R: w([1, 16, 4]) }, attrs: { hidden_size: 4 }, outputs: 3 },
  // onnxruntime's CPU kernels refuse layout = 1 (batch first), so only layout 0 is compared
  'GRU bidirectional': { op: 'GRU', opset: 14, inputs: [['x', 'float32', [5, 2, 3]]], weights: { W: w([2, 12, 3]), R: w([2, 12, 4]) }, attrs: { hidden_size: 4, direction: 'bidirectional' }, outputs: 2 },
  RNN: { op: 'RNN', inputs: [['x', 'float32', [4, 1, 3]]], weights: { W: w([1, 6, 3]), R: w([1, 6, 6]) }, attrs: { hidden_size: 6 }, outputs: 2 },
  Shape: { op: 'Shape', inputs: [['x', 'float32', [2, 3, 4]]] },
  'Shape start/end': { op: 'Shape', opset: 15, inputs: [['x', 'float32', [2, 3, 4]]], attrs: { start: 1, end: -1 } },
  ConstantOfShape: { op: 'ConstantOfShape', inputs: [], weights: { s: i64([2, 3]) }, attrs: { value: tensor('', 'float32', [1], [1]) } },
  Expand: { op: 'Expand', inputs: [['x', 'float32', [3, 1]]], weights: { s: i64([2, 1, 4]) } },
  Tile: { op: 'Tile', inputs: [['x', 'float32', [2, 3]]], weights: { r: i64([2, 1]) } },
  Range: { op: 'Range', inputs: [], weights: { a: ['int64', [], [1]], b: ['int64', [], [10]], c: ['int64', [], [3]] } },
  Equal: { op: 'Equal', inputs: [['a', 'int64', [2, 3]], ['b', 'int64', [3]]] },
  Where: { op: 'Where', inputs: [['c', 'bool', [2, 1]], ['a', 'float32', [3]], ['b', 'float32', [2, 3]]] },
  Cast: { op: 'Cast', inputs: [['x', 'float32', [2, 3]]], attrs: { to: 7 } },
};

function feedFor([, dtype, dims]: Input): ReferenceTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (dtype === 'int64') return feed('int64', dims, BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 3)));
  if (dtype === 'bool') return feed('bool', dims, Uint8Array.from({ length: n }, (_, i) => i % 2));
  return feed('float32', dims, rampData(dims));
}

function build(c: Case): Uint8Array {
  const weights: OnnxProto.ITensorProto[] = Object.entries(c.weights ?? {}).map(([name, [dtype, dims, values]]) =>
    tensor(name, dtype, dims, values ?? Array.from(rampData(dims))));
  const outputs = Array.from({ length: c.outputs ?? 1 }, (_, i) => `y${i}`);
  return buildModel({
    opset: c.opset ?? 13,
    inputs: c.inputs.map(([n, d, s]) => valueInfo(n, d, s)),
    outputs: outputs.map((o) => ({ name: o })),
    initializers: weights,
    nodes: [node(c.op, c.nodeInputs ?? [...c.inputs.map(([n]) => n), ...Object.keys(c.weights ?? {})], outputs, c.attrs ?? {})],
  });
}

describe('shape inference agrees with onnxruntime', () => {
  it.each(Object.keys(CASES))('%s', async (name) => {
    const c = CASES[name];
    const bytes = build(c);
    const ref = await runReference(bytes, Object.fromEntries(c.inputs.map((i) => [i[0], feedFor(i)])));
    const m = normalizeOnnx(decodeOnnx(bytes));
    const outputs = Object.keys(ref);
    expect(outputs.length).toBe(c.outputs ?? 1);
    for (const o of outputs) {
      expect(m.types.get(o)?.shape, o).toEqual(ref[o].dims);
      expect(m.types.get(o)?.dtype, o).toBe(ortDtype(ref[o].type));
    }
  });
});

describe('shape inference with a symbolic batch', () => {
  it('keeps the batch name through a conv net (Conv, pool, Flatten, Gemm)', () => {
    const m = normalizeOnnx(decodeOnnx(buildModel({
      inputs: [valueInfo('x', 'float32', ['N', 2, 8, 8])], outputs: [valueInfo('y', 'float32', null)],
      initializers: [tensor('w', 'float32', [4, 2, 3, 3], Array.from(rampData([4, 2, 3, 3]))), tensor('g', 'float32', [3, 64], Array.from(rampData([3, 64])))],
      nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), node('MaxPool', ['c'], ['p'], { kernel_shape: [2, 2], strides: [2, 2] }),
        node('Flatten', ['p'], ['f']), node('Gemm', ['f', 'g'], ['y'], { transB: 1 })],
    })));
    expect(['c', 'p', 'f', 'y'].map((v) => m.types.get(v)?.shape)).toEqual([['N', 4, 8, 8], ['N', 4, 4, 4], ['N', 64], ['N', 3]]);
    const fixed = normalizeOnnx(decodeOnnx(buildModel({
      inputs: [valueInfo('x', 'float32', ['N', 2, 8, 8])], outputs: [valueInfo('y', 'float32', null)],
      nodes: [node('Flatten', ['x'], ['y'])],
    })), { batch: 3 });
    expect(fixed.types.get('y')?.shape).toEqual([3, 128]);
  });
  it('names the node when shapes contradict each other', () => {
    const bytes = buildModel({
      inputs: [valueInfo('x', 'float32', [1, 3, 8, 8])], outputs: [valueInfo('y', 'float32', null)],
      initializers: [tensor('w', 'float32', [4, 2, 3, 3], Array.from(rampData([4, 2, 3, 3])))],
      nodes: [node('Conv', ['x', 'w'], ['y'], {}, 'conv1')],
    });
    const run = () => normalizeOnnx(decodeOnnx(bytes));
    expect(run).toThrow(OnnxNodeError);
    expect(run).toThrow("model.onnx: node 'conv1' (Conv): input has 3 channels, the weight expects 2 × group 1");
  });
});

function ortDtype(type: string): OnnxDtype {
  return ({ float32: 'float32', int64: 'int64', bool: 'bool', int32: 'int32' } as Record<string, OnnxDtype>)[type];
}

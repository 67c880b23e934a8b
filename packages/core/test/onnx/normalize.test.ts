import { describe, expect, it } from 'vitest';
import { decodeOnnx, int64Values, normalizeOnnx, type NormalizedOnnxModel } from '../../src/import/onnx/index.js';
import { buildModel, float, floats, node, tensor, valueInfo } from './build-onnx.js';
import { feed, rampData, runReference } from './ort-reference.js';
import type { OnnxProto } from '../../src/import/onnx/proto.js';

/** What a converter sees: op types, data inputs and attributes of every node (names aside). */
function signature(m: NormalizedOnnxModel) {
  return m.graph.nodes.map((n) => ({ op: n.opType, inputs: n.inputs, outputs: n.outputs, attributes: n.attributes }));
}

function normalized(bytes: Uint8Array): NormalizedOnnxModel {
  return normalizeOnnx(decodeOnnx(bytes, { anyOpset: true }));
}

interface Variant {
  readonly opset: number;
  readonly nodes: OnnxProto.INodeProto[];
  readonly initializers?: OnnxProto.ITensorProto[];
}

const i64 = (name: string, values: number[]) => tensor(name, 'int64', [values.length], values);
const f32 = (name: string, values: number[]) => tensor(name, 'float32', values.length === 1 ? [] : [values.length], values);

/** Opset variants of one computation on x: [2, 4, 1, 6] → the outputs listed. */
const VARIANTS: Record<string, { outputs: string[]; variants: Variant[] }> = {
  Split: {
    outputs: ['a', 'b'],
    variants: [
      { opset: 11, nodes: [node('Split', ['x'], ['a', 'b'], { axis: 3, split: [2, 4] })] },
      { opset: 13, nodes: [node('Split', ['x', 's'], ['a', 'b'], { axis: 3 })], initializers: [i64('s', [2, 4])] },
      { opset: 18, nodes: [node('Split', ['x', 's'], ['a', 'b'], { axis: 3 })], initializers: [i64('s', [2, 4])] },
    ],
  },
  'Split (equal parts)': {
    outputs: ['a', 'b'],
    variants: [
      { opset: 11, nodes: [node('Split', ['x'], ['a', 'b'], { axis: 1 })] },
      { opset: 13, nodes: [node('Split', ['x'], ['a', 'b'], { axis: 1 })] },
      { opset: 18, nodes: [node('Split', ['x'], ['a', 'b'], { axis: 1, num_outputs: 2 })] },
    ],
  },
  'Squeeze + Unsqueeze': {
    outputs: ['y'],
    variants: [
      { opset: 11, nodes: [node('Squeeze', ['x'], ['s'], { axes: [2] }), node('Unsqueeze', ['s'], ['y'], { axes: [0] })] },
      { opset: 13, nodes: [node('Squeeze', ['x', 'ax'], ['s']), node('Unsqueeze', ['s', 'ax0'], ['y'])], initializers: [i64('ax', [2]), i64('ax0', [0])] },
      // axes from Constant nodes, as exporters write them
      { opset: 17, nodes: [
        node('Constant', [], ['ax'], { value: i64('', [-2]) }), node('Squeeze', ['x', 'ax'], ['s']),
        node('Constant', [], ['ax0'], { value: i64('', [0]) }), node('Unsqueeze', ['s', 'ax0'], ['y'])] },
    ],
  },
  Clip: {
    outputs: ['y'],
    variants: [
      { opset: 6, nodes: [node('Clip', ['x'], ['y'], { min: float(0), max: float(6) })] },
      { opset: 11, nodes: [node('Clip', ['x', 'lo', 'hi'], ['y'])], initializers: [f32('lo', [0]), f32('hi', [6])] },
      { opset: 13, nodes: [node('Constant', [], ['lo'], { value: f32('', [0]) }), node('Clip', ['x', 'lo', 'hi'], ['y'])], initializers: [f32('hi', [6])] },
    ],
  },
  'Clip (max only)': {
    outputs: ['y'],
    variants: [
      { opset: 6, nodes: [node('Clip', ['x'], ['y'], { max: float(6) })] },
      { opset: 13, nodes: [node('Clip', ['x', '', 'hi'], ['y'])], initializers: [f32('hi', [6])] },
    ],
  },
  Pad: {
    outputs: ['y'],
    variants: [
      { opset: 10, nodes: [node('Pad', ['x'], ['y'], { mode: 'constant', pads: [0, 0, 0, 1, 0, 0, 0, 2], value: 0.5 })] },
      { opset: 11, nodes: [node('Pad', ['x', 'p', 'v'], ['y'], { mode: 'constant' })], initializers: [i64('p', [0, 0, 0, 1, 0, 0, 0, 2]), f32('v', [0.5])] },
      { opset: 18, nodes: [node('Pad', ['x', 'p', 'v', 'ax'], ['y'], { mode: 'constant' })], initializers: [i64('p', [1, 2]), f32('v', [0.5]), i64('ax', [3])] },
    ],
  },
  ReduceMean: {
    outputs: ['y'],
    variants: [
      { opset: 13, nodes: [node('ReduceMean', ['x'], ['y'], { axes: [1, 3], keepdims: 1 })] },
      { opset: 18, nodes: [node('ReduceMean', ['x', 'ax'], ['y'], { keepdims: 1 })], initializers: [i64('ax', [1, 3])] },
    ],
  },
  ReduceSum: {
    outputs: ['y'],
    variants: [
      { opset: 11, nodes: [node('ReduceSum', ['x'], ['y'], { axes: [-1], keepdims: 0 })] },
      { opset: 13, nodes: [node('ReduceSum', ['x', 'ax'], ['y'], { keepdims: 0 })], initializers: [i64('ax', [-1])] },
    ],
  },
  Slice: {
    outputs: ['y'],
    variants: [
      { opset: 9, nodes: [node('Slice', ['x'], ['y'], { starts: [1, 0], ends: [4, 2], axes: [1, 0] })] },
      { opset: 13, nodes: [node('Slice', ['x', 'st', 'en', 'ax'], ['y'])], initializers: [i64('st', [1, 0]), i64('en', [4, 2]), i64('ax', [1, 0])] },
    ],
  },
};

/** Pad opset 18 with `axes` has a different canonical attribute set (axes kept); others must match exactly. */
function comparable(m: NormalizedOnnxModel) {
  return signature(m);
}

describe.each(Object.entries(VARIANTS))('opset variants of %s', (_name, { outputs, variants }) => {
  const shape = [2, 4, 1, 6];
  const x = rampData(shape);
  const models = variants.map((v) => buildModel({
    opset: v.opset,
    inputs: [valueInfo('x', 'float32', shape)],
    outputs: outputs.map((o) => valueInfo(o, 'float32', null)),
    nodes: v.nodes,
    initializers: v.initializers,
  }));
  it('compute the same in onnxruntime (the variants are equivalent)', async () => {
    const results = await Promise.all(models.map((b) => runReference(b, { x: feed('float32', shape, x) })));
    for (const r of results.slice(1)) {
      for (const o of outputs) {
        expect(r[o].dims).toEqual(results[0][o].dims);
        expect(Array.from(r[o].data as Float32Array)).toEqual(Array.from(results[0][o].data as Float32Array));
      }
    }
  });
  it('normalise to the same graph, with the shapes onnxruntime computes', async () => {
    const ref = await runReference(models[0], { x: feed('float32', shape, x) });
    const normalizedModels = models.map(normalized);
    for (const m of normalizedModels) {
      expect(m.graph.nodes.every((n) => n.inputs.length === 1)).toBe(true);
      for (const o of outputs) expect(m.types.get(o)?.shape).toEqual(ref[o].dims);
    }
    const expected = comparable(normalizedModels[0]);
    for (const m of normalizedModels.slice(1)) {
      const got = comparable(m);
      if (_name === 'Pad' && m.opsetImports.get('') === 18) {
        expect(got[0].attributes).toMatchObject({ pads: [1, 2], axes: [3], value: 0.5, mode: 'constant' });
        continue;
      }
      expect(got).toEqual(expected);
    }
  });
});

describe('Constant, Identity and Dropout', () => {
  it('Constant nodes become initializers; Identity and Dropout disappear; graph outputs keep their names', () => {
    const m = normalized(buildModel({
      opset: 13,
      inputs: [valueInfo('x', 'float32', ['N', 3])],
      outputs: [valueInfo('out', 'float32', ['N', 3]), valueInfo('copy', 'float32', ['N', 3])],
      nodes: [
        node('Identity', ['x'], ['x1']),
        node('Constant', [], ['c'], { value: f32('', [1, 2, 3]) }),
        node('Mul', ['x1', 'c'], ['m']),
        node('Dropout', ['m'], ['d'], { seed: 1 }),
        node('Relu', ['d'], ['r']),
        node('Identity', ['r'], ['out']),
        node('Identity', ['x'], ['copy']),
      ],
    }));
    expect(signature(m)).toEqual([
      { op: 'Mul', inputs: ['x', 'c'], outputs: ['m'], attributes: {} },
      { op: 'Relu', inputs: ['m'], outputs: ['out'], attributes: {} },
      { op: 'Identity', inputs: ['x'], outputs: ['copy'], attributes: {} }, // input → output: stays
    ]);
    expect(m.graph.initializers.get('c')?.data).toEqual(Float32Array.of(1, 2, 3));
    expect(m.types.get('out')?.shape).toEqual(['N', 3]);
  });
  it('a Dropout whose mask is used stays', () => {
    const m = normalized(buildModel({
      opset: 13, inputs: [valueInfo('x', 'float32', [2])], outputs: [valueInfo('y', 'float32', [2]), valueInfo('mask', 'bool', [2])],
      nodes: [node('Dropout', ['x'], ['y', 'mask'])],
    }));
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Dropout']);
    expect(m.types.get('mask')).toEqual({ dtype: 'bool', shape: [2] });
  });
});

describe('constant folding of shape arithmetic', () => {
  const unsq = (input: string, output: string) => node('Unsqueeze', [input, 'axis0'], [output]);
  /** A shape chain through every folded operator, ending in Reshape(x, [N, C, H*W]) and a constant z. */
  const bytes = buildModel({
    opset: 13,
    inputs: [valueInfo('x', 'float32', ['N', 2, 3, 4])],
    outputs: [valueInfo('y', 'float32', null), valueInfo('z', 'float32', null)],
    initializers: [
      i64('axis0', [0]), tensor('i0', 'int64', [], [0]), tensor('i1', 'int64', [], [1]), tensor('two', 'int64', [], [2]),
      tensor('four', 'int64', [], [4]), tensor('zero', 'int64', [], [0]), i64('st', [2]), i64('en', [4]), i64('st2', [2]), i64('en2', [3]),
      i64('one1', [1]),
    ],
    nodes: [
      node('Shape', ['x'], ['s']),
      node('Gather', ['s', 'i1'], ['c']),
      node('Slice', ['s', 'st', 'en'], ['hw']),
      node('Slice', ['s', 'st2', 'en2'], ['h1']),
      node('Squeeze', ['h1', 'axis0'], ['h']),
      node('Gather', ['hw', 'i1'], ['w']),
      node('Mul', ['h', 'w'], ['hwp']),
      node('Mul', ['c', 'four'], ['c4']),
      node('Div', ['c4', 'two'], ['c2']),
      node('Sub', ['c2', 'two'], ['c3']),
      node('Add', ['hwp', 'zero'], ['area']),
      node('Range', ['zero', 'c3', 'i1'], ['r']),
      node('Equal', ['r', 'r'], ['eq']),
      unsq('c3', 'c3v'),
      node('ConstantOfShape', ['c3v'], ['zeros'], { value: tensor('', 'int64', [1], [0]) }),
      node('Where', ['eq', 'r', 'zeros'], ['sel']),
      node('Expand', ['one1', 'c3v'], ['ones']),
      node('Cast', ['sel'], ['self'], { to: 1 }),
      node('Cast', ['ones'], ['onesf'], { to: 1 }),
      node('Add', ['self', 'onesf'], ['z']),
      node('Gather', ['s', 'i0'], ['n']),
      unsq('n', 'nv'), unsq('c', 'cv'), unsq('area', 'av'),
      node('Concat', ['nv', 'cv', 'av'], ['target'], { axis: 0 }),
      node('Cast', ['target'], ['t32'], { to: 6 }),
      node('Cast', ['t32'], ['t64'], { to: 7 }),
      node('Reshape', ['x', 't64'], ['y']),
    ],
  });

  it('keeps a symbolic batch symbolic: Reshape gets [0, 2, 12], z becomes a constant', async () => {
    const m = normalized(bytes);
    expect(signature(m)).toEqual([{ op: 'Reshape', inputs: ['x'], outputs: ['y'], attributes: { shape: [0, 2, 12] } }]);
    expect(m.types.get('y')?.shape).toEqual(['N', 2, 12]);
    const ref = await runReference(bytes, { x: feed('float32', [3, 2, 3, 4], rampData([3, 2, 3, 4])) });
    expect(ref.y.dims).toEqual([3, 2, 12]);
    expect(m.graph.initializers.get('z')?.data).toEqual(Float32Array.from(ref.z.data as Float32Array));
    expect(m.graph.initializers.get('z')?.dims).toEqual(ref.z.dims);
  });
  it('folds everything for a stated batch, to the shapes onnxruntime computes', async () => {
    const m = normalizeOnnx(decodeOnnx(bytes), { batch: 3 });
    expect(signature(m)).toEqual([{ op: 'Reshape', inputs: ['x'], outputs: ['y'], attributes: { shape: [3, 2, 12] } }]);
    const ref = await runReference(bytes, { x: feed('float32', [3, 2, 3, 4], rampData([3, 2, 3, 4])) });
    expect(m.types.get('y')?.shape).toEqual(ref.y.dims);
  });
  it("folds PyTorch's x.view(x.size(0), -1) (opset 11 Unsqueeze attribute) and a dynamic Expand", () => {
    const viewBytes = buildModel({
      opset: 11,
      inputs: [valueInfo('x', 'float32', ['batch', 4, 5]), valueInfo('b', 'float32', [1, 20])],
      outputs: [valueInfo('y', 'float32', null)],
      initializers: [tensor('i0', 'int64', [], [0]), i64('m1', [-1]), i64('k', [20])],
      nodes: [
        node('Shape', ['x'], ['s']), node('Gather', ['s', 'i0'], ['n'], { axis: 0 }), node('Unsqueeze', ['n'], ['nv'], { axes: [0] }),
        node('Concat', ['nv', 'm1'], ['t'], { axis: 0 }), node('Reshape', ['x', 't'], ['f']),
        node('Concat', ['nv', 'k'], ['bt'], { axis: 0 }), node('Expand', ['b', 'bt'], ['be']),
        node('Add', ['f', 'be'], ['y']),
      ],
    });
    const m = normalized(viewBytes);
    // Reshape no longer needs the chain; Expand of [1, 20] to [batch, 20] does (it depends on the batch)
    const reshape = m.graph.nodes.find((n) => n.opType === 'Reshape');
    expect(reshape).toMatchObject({ inputs: ['x'], attributes: { shape: [0, -1] } });
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Shape', 'Gather', 'Unsqueeze', 'Reshape', 'Concat', 'Expand', 'Add']);
    expect(m.types.get('be')?.shape).toEqual(['batch', 20]);
    const fixed = normalizeOnnx(decodeOnnx(viewBytes), { batch: 5 });
    expect(signature(fixed).map((n) => [n.op, n.attributes])).toEqual([['Reshape', { shape: [5, -1] }], ['Expand', { shape: [5, 20] }], ['Add', {}]]);
    expect(m.types.get('f')?.shape).toEqual(['batch', 20]);
    expect(m.types.get('y')?.shape).toEqual(['batch', 20]);
  });
  it('int64 sentinels survive folding (Slice to the end with INT64_MAX)', () => {
    const m = normalized(buildModel({
      opset: 13,
      inputs: [valueInfo('x', 'float32', [2, 7])], outputs: [valueInfo('y', 'float32', null)],
      initializers: [tensor('st', 'int64', [1], [2n]), tensor('en', 'int64', [1], [2n ** 63n - 1n]), i64('ax', [1])],
      nodes: [node('Slice', ['x', 'st', 'en', 'ax'], ['y'])],
    }));
    expect(m.graph.nodes[0].attributes).toEqual({ starts: [2], ends: [Infinity], axes: [1] });
    expect(m.types.get('y')?.shape).toEqual([2, 5]);
    expect(int64Values(BigInt64Array.of(2n ** 63n - 1n))).toEqual([Infinity]);
  });
});

describe('Resize and Upsample', () => {
  it('Resize scales/sizes inputs become attributes; Upsample becomes Resize', async () => {
    const shape = [1, 2, 3, 4];
    const resize = buildModel({
      opset: 13, inputs: [valueInfo('x', 'float32', shape)], outputs: [valueInfo('y', 'float32', null), valueInfo('z', 'float32', null)],
      initializers: [tensor('sc', 'float32', [4], [1, 1, 2, 2]), tensor('sz', 'int64', [4], [1, 2, 5, 7])],
      nodes: [node('Resize', ['x', '', 'sc'], ['y'], { mode: 'nearest' }), node('Resize', ['x', '', '', 'sz'], ['z'], { mode: 'linear' })],
    });
    const m = normalized(resize);
    expect(m.graph.nodes.map((n) => n.attributes)).toEqual([{ mode: 'nearest', scales: floats([1, 1, 2, 2]).slice() }, { mode: 'linear', sizes: [1, 2, 5, 7] }]);
    const ref = await runReference(resize, { x: feed('float32', shape, rampData(shape)) });
    expect(m.types.get('y')?.shape).toEqual(ref.y.dims);
    expect(m.types.get('z')?.shape).toEqual(ref.z.dims);
    const up = normalized(buildModel({
      opset: 9, inputs: [valueInfo('x', 'float32', shape)], outputs: [valueInfo('y', 'float32', null)],
      initializers: [tensor('sc', 'float32', [4], [1, 1, 2, 2])],
      nodes: [node('Upsample', ['x', 'sc'], ['y'], { mode: 'nearest' })],
    }));
    expect(signature(up)).toEqual([{ op: 'Resize', inputs: ['x'], outputs: ['y'], attributes: { mode: 'nearest', scales: [1, 1, 2, 2], coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' } }]);
    expect(up.types.get('y')?.shape).toEqual([1, 2, 6, 8]);
  });
});

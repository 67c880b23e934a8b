import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeOnnx, normalizeOnnx, OnnxDtypeError, OnnxExternalDataError, OnnxFormatError, OnnxGraphError, OnnxOpsetError, OnnxShapeTooLargeError, readOnnx,
} from '../../src/import/onnx/index.js';
import { InvalidModelError } from '../../src/errors.js';
import { loadModel } from '../../src/model.js';
import { onnx } from '../../src/import/onnx/proto.js';
import { buildModel, node, rawBytes, tensor, valueInfo } from './build-onnx.js';

const linear = buildModel({
  inputs: [valueInfo('x', 'float32', [1, 4])], outputs: [valueInfo('y', 'float32', [1, 2])],
  initializers: [tensor('w', 'float32', [2, 4], Array.from({ length: 8 }, (_, i) => i)), tensor('b', 'float32', [2], [0, 1])],
  nodes: [node('Gemm', ['x', 'w', 'b'], ['y'], { transB: 1 })],
});

describe('readOnnx errors name the file and the field', () => {
  it('malformed protobuf', () => {
    const e = catchError(() => decodeOnnx(new TextEncoder().encode('{"this is": "json"}'), { label: 'net.onnx' }));
    expect(e).toBeInstanceOf(OnnxFormatError);
    expect(e).toBeInstanceOf(InvalidModelError);
    expect(e.message).toMatch(/^net\.onnx: ModelProto: malformed or truncated protobuf/);
  });
  it('truncated protobuf', () => {
    const e = catchError(() => decodeOnnx(linear.subarray(0, linear.length - 7), { label: 'cut.onnx' }));
    expect(e).toBeInstanceOf(OnnxFormatError);
    expect(e.message).toMatch(/^cut\.onnx: .*(truncated|holds)/);
  });
  it('bytes that decode but hold no graph', () => {
    expect(() => decodeOnnx(new Uint8Array([]))).toThrow(/ModelProto\.graph: the model has no graph/);
  });
  it('raw data shorter than its shape', () => {
    const bytes = buildModel({
      inputs: [], outputs: [valueInfo('w', 'float32', null)], nodes: [],
      initializers: [{ ...tensor('w', 'float32', [4], [1, 2, 3, 4]), rawData: rawBytes('float32', [1, 2, 3]) }],
    });
    expect(() => decodeOnnx(bytes)).toThrow(/graph\.initializer\[0\] 'w': raw data holds 12 bytes, the shape needs 16/);
  });
  it('missing file', async () => {
    await expect(readOnnx('/nonexistent/model.onnx')).rejects.toThrow(/model\.onnx: file: cannot be read \(ENOENT\)/);
  });
});

describe('external data errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xai-onnx-ext-'));
  const model = (location: string, offset = 0, length?: number) => buildModel({
    inputs: [valueInfo('x', 'float32', [4])], outputs: [valueInfo('y', 'float32', [4])],
    initializers: [tensor('w', 'float32', [4], [1, 2, 3, 4], { external: { location, offset, length } })],
    nodes: [node('Add', ['x', 'w'], ['y'])],
  });
  writeFileSync(join(dir, 'model.onnx.data'), rawBytes('float32', [1, 2, 3, 4]));
  mkdirSync(join(dir, 'sub'), { recursive: true });
  it('a missing external file', async () => {
    const e: unknown = await readOnnx(model('weights.onnx.data'), { externalDataDir: dir, label: 'm.onnx' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OnnxExternalDataError);
    expect((e as Error).message).toMatch(/^m\.onnx: graph\.initializer\[0\] 'w': external data file 'weights\.onnx\.data' cannot be read \(ENOENT\)/);
  });
  it('a range outside the file', async () => {
    await expect(readOnnx(model('model.onnx.data', 8, 16), { externalDataDir: dir })).rejects.toThrow(
      /model\.onnx\.data: graph\.initializer\[0\] 'w': external data range \[8, 24\) lies outside the file \(16 bytes\)/);
  });
  it('a length that does not match the shape', async () => {
    await expect(readOnnx(model('model.onnx.data', 4), { externalDataDir: dir })).rejects.toThrow(/raw data holds 12 bytes, the shape needs 16/);
  });
  for (const location of ['../model.onnx.data', '/etc/passwd', 'sub/../../x.data']) {
    it(`a location that leaves the folder: ${location}`, async () => {
      await expect(readOnnx(model(location), { externalDataDir: join(dir, 'sub') })).rejects.toThrow(
        /external data location '.*' leaves the model's folder/);
    });
  }
  it('external data in bytes without a folder', async () => {
    await expect(readOnnx(model('model.onnx.data'))).rejects.toThrow(/no externalDataDir was given/);
  });
});

describe('declared shapes and types', () => {
  it('an initializer larger than the cap', () => {
    const bytes = buildModel({ inputs: [], outputs: [valueInfo('w', 'float32', null)], nodes: [],
      initializers: [{ name: 'w', dataType: 1, dims: [100000, 100000], rawData: new Uint8Array(4) }] });
    const e = catchError(() => decodeOnnx(bytes));
    expect(e).toBeInstanceOf(OnnxShapeTooLargeError);
    expect(e.message).toMatch(/graph\.initializer\[0\] 'w': declared shape \[100000, 100000\] exceeds the limit of 268435456 elements/);
  });
  it('an input shape larger than a configured cap', () => {
    const bytes = buildModel({ inputs: [valueInfo('x', 'float32', ['batch', 3, 512, 512])], outputs: [valueInfo('x', 'float32', null)], nodes: [] });
    expect(() => decodeOnnx(bytes, { maxElements: 100000 })).toThrow(/graph\.input\[0\] 'x': declared shape \[batch, 3, 512, 512\] exceeds the limit of 100000/);
    expect(decodeOnnx(bytes).graph.inputs[0].shape).toEqual(['batch', 3, 512, 512]);
  });
  it('loadModel bounds ONNX tensors by the model-bytes cap (maxWeightBytes, else XAI_MAX_MODEL_BYTES) as float32 values', async () => {
    const bytes = buildModel({
      inputs: [valueInfo('x', 'float32', ['batch', 64])],
      outputs: [valueInfo('y', 'float32', null)],
      nodes: [node('Gemm', ['x', 'W'], ['y'], {}, 'head')],
      initializers: [tensor('W', 'float32', [64, 32], new Array(64 * 32).fill(0.01))],
    });
    await expect(loadModel(bytes, { maxWeightBytes: 4000, label: 'big.onnx' })).rejects.toThrow(/big\.onnx.*'W'.*exceeds the limit of 1000/);
    const saved = process.env.XAI_MAX_MODEL_BYTES;
    process.env.XAI_MAX_MODEL_BYTES = '4000';
    try {
      await expect(loadModel(bytes, { label: 'env.onnx' })).rejects.toThrow(/exceeds the limit of 1000/);
    } finally {
      if (saved === undefined) delete process.env.XAI_MAX_MODEL_BYTES;
      else process.env.XAI_MAX_MODEL_BYTES = saved;
    }
    const model = await loadModel(bytes, { maxWeightBytes: 64 * 32 * 4 });
    model.dispose();
  });
  it('an unknown data type', () => {
    const bytes = buildModel({ inputs: [], outputs: [valueInfo('w', 'float32', null)], nodes: [],
      initializers: [{ name: 'w', dataType: 99, dims: [1], rawData: new Uint8Array(4) }] });
    const e = catchError(() => decodeOnnx(bytes));
    expect(e).toBeInstanceOf(OnnxDtypeError);
    expect(e.message).toMatch(/initializer\[0\] 'w': unknown or unsupported data_type 99 of tensor 'w'/);
    const input = onnx.ModelProto.encode({ opsetImport: [{ domain: '', version: 13 }], graph: { input: [{ name: 'x', type: { tensorType: { elemType: 77 } } }] } }).finish();
    expect(() => decodeOnnx(input)).toThrow(/graph\.input\[0\]: value 'x' has unknown or unsupported elem_type 77/);
  });
});

describe('graph wiring and opsets', () => {
  it('an input no node, initializer or graph input produces', () => {
    const bytes = buildModel({ inputs: [valueInfo('x', 'float32', [2])], outputs: [valueInfo('y', 'float32', [2])],
      nodes: [node('Add', ['x', 'bias'], ['y'], {}, 'add1')] });
    const e = catchError(() => decodeOnnx(bytes));
    expect(e).toBeInstanceOf(OnnxGraphError);
    expect(e.message).toMatch(/graph\.node\[0\]: input 'bias' of node 'add1' \(Add\) is produced by no node, initializer or graph input/);
  });
  it('a cycle, naming its nodes', () => {
    const bytes = buildModel({ inputs: [valueInfo('x', 'float32', [2])], outputs: [valueInfo('c', 'float32', [2])],
      nodes: [node('Add', ['x', 'c'], ['a'], {}, 'A'), node('Relu', ['a'], ['b'], {}, 'B'), node('Neg', ['b'], ['c'], {}, 'C')] });
    expect(() => decodeOnnx(bytes)).toThrow(OnnxGraphError);
    const message = catchError(() => decodeOnnx(bytes)).message;
    expect(message).toMatch(/^model\.onnx: graph: the nodes form a cycle: ([ABC]) → [ABC] → [ABC] → \1$/);
    expect(['A', 'B', 'C'].every((n) => message.includes(n))).toBe(true);
  });
  it('a value produced twice', () => {
    const bytes = buildModel({ inputs: [valueInfo('x', 'float32', [2])], outputs: [valueInfo('y', 'float32', [2])],
      nodes: [node('Relu', ['x'], ['y'], {}, 'r1'), node('Neg', ['x'], ['y'], {}, 'r2')] });
    expect(() => decodeOnnx(bytes)).toThrow(/value 'y' of node 'r2' is produced twice/);
  });
  it('a graph output nothing produces', () => {
    const bytes = buildModel({ inputs: [valueInfo('x', 'float32', [2])], outputs: [valueInfo('nope', 'float32', [2])], nodes: [] });
    expect(() => decodeOnnx(bytes)).toThrow(/graph\.output\[0\]: graph output 'nope' is produced by no node/);
  });
  for (const [opset, hint] of [[10, 'a newer'], [22, 'an older']] as const) {
    it(`opset ${opset} is outside 11–21 and says so`, () => {
      const bytes = buildModel({ opset, inputs: [valueInfo('x', 'float32', [2])], outputs: [valueInfo('y', 'float32', [2])], nodes: [node('Relu', ['x'], ['y'])] });
      const e = catchError(() => decodeOnnx(bytes, { label: 'old.onnx' }));
      expect(e).toBeInstanceOf(OnnxOpsetError);
      expect(e.message).toBe(`old.onnx: ModelProto.opset_import: imports ai.onnx opset ${opset}; supported: 11–21 (re-export with ${hint} opset_version)`);
      expect(decodeOnnx(bytes, { anyOpset: true }).opsetImports.get('')).toBe(opset);
    });
  }
  it('no default opset at all', () => {
    const bytes = onnx.ModelProto.encode({ opsetImport: [{ domain: 'com.microsoft', version: 1 }], graph: { name: 'g' } }).finish();
    expect(() => decodeOnnx(bytes)).toThrow(/imports no version of the default operator set/);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('normalisation refuses what it cannot allocate, and folds nothing undefined', () => {
  const i64 = (name: string, values: number[], dims = [values.length]) => tensor(name, 'int64', dims, values);
  it('a ConstantOfShape of 10^12 elements is not folded, and the node is named', () => {
    const bytes = buildModel({
      inputs: [valueInfo('x', 'float32', [1])], outputs: [valueInfo('y', 'float32', null)],
      initializers: [i64('s', [1000000, 1000000])],
      nodes: [node('ConstantOfShape', ['s'], ['big'], {}, 'huge'), node('Mul', ['big', 'x'], ['y'])],
    });
    const e = catchError(() => normalizeOnnx(decodeOnnx(bytes)));
    expect(e).toBeInstanceOf(OnnxShapeTooLargeError);
    expect(e.message).toBe("model.onnx: node 'huge' (ConstantOfShape) output 'big': declared shape [1000000, 1000000] exceeds the limit of 268435456 elements");
  });
  it('integer division by zero and Cast of NaN to int stay in the graph for the runtime', () => {
    const bytes = buildModel({
      inputs: [], outputs: [valueInfo('q', 'int64', null), valueInfo('c', 'int64', null)],
      initializers: [i64('a', [6]), i64('z', [0]), tensor('nan', 'float32', [1], [NaN])],
      nodes: [node('Div', ['a', 'z'], ['q']), node('Cast', ['nan'], ['c'], { to: 7 })],
    });
    const m = normalizeOnnx(decodeOnnx(bytes));
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Div', 'Cast']);
    expect(m.types.get('q')).toEqual({ dtype: 'int64', shape: [1] });
  });
  it('a dimension without value or name reads as "?"', () => {
    const bytes = onnx.ModelProto.encode({
      opsetImport: [{ domain: '', version: 13 }],
      graph: { input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{}, { dimValue: 3 }] } } } }], output: [{ name: 'x' }] },
    }).finish();
    expect(decodeOnnx(bytes).graph.inputs[0].shape).toEqual(['?', 3]);
  });
});

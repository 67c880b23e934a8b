import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOnnx, int64Values, readOnnx } from '../../src/import/onnx/index.js';
import type { OnnxGraph, OnnxTensor } from '../../src/import/onnx/index.js';
import { buildModel, float, floats, graphProto, node, rawBytes, tensor, valueInfo } from './build-onnx.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'xai-onnx-'));
}

describe('readOnnx: model fields', () => {
  const bytes = buildModel({
    opset: 17,
    metadata: { channels: 'Fz,Cz,Pz', sfreq: '256' },
    domains: { 'com.microsoft': 1 },
    inputs: [valueInfo('x', 'float32', ['batch', 3, 8]), valueInfo('w', 'float32', [3])],
    outputs: [valueInfo('y', 'float32', ['batch', 3, 8])],
    initializers: [tensor('w', 'float32', [3], [1, 2, 3])],
    nodes: [node('Mul', ['x', 'w'], ['y'])],
  });
  it('reads opsets, producer, metadata, inputs with symbolic dims; drops initializers listed as inputs', () => {
    const m = decodeOnnx(bytes);
    expect([...m.opsetImports]).toEqual([['', 17], ['com.microsoft', 1]]);
    expect(m.producerName).toBe('xai-test');
    expect(m.metadata).toEqual({ channels: 'Fz,Cz,Pz', sfreq: '256' });
    expect(m.graph.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 3, 8] }]);
    expect(m.graph.outputs).toEqual([{ name: 'y', dtype: 'float32', shape: ['batch', 3, 8] }]);
    expect(m.graph.initializers.get('w')?.data).toEqual(Float32Array.of(1, 2, 3));
  });
  it('reads from a path (the file name labels errors) and from bytes', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'net.onnx'), bytes);
    const m = await readOnnx(join(dir, 'net.onnx'));
    expect(m.file).toBe('net.onnx');
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Mul']);
    expect((await readOnnx(bytes, { label: 'upload.onnx' })).file).toBe('upload.onnx');
  });
});

describe('readOnnx: initializers as typed arrays', () => {
  const cases: [string, Parameters<typeof tensor>[1], (number | bigint)[], unknown][] = [
    ['f32', 'float32', [1.5, -2, 3.25], Float32Array.of(1.5, -2, 3.25)],
    ['f64', 'float64', [1e-300, 2], Float64Array.of(1e-300, 2)],
    ['i32', 'int32', [-7, 2 ** 31 - 1], Int32Array.of(-7, 2 ** 31 - 1)],
    ['i64', 'int64', [-(2n ** 62n), 5n], BigInt64Array.of(-(2n ** 62n), 5n)],
    ['u8', 'uint8', [0, 255], Uint8Array.of(0, 255)],
    ['i8', 'int8', [-128, 127], Int8Array.of(-128, 127)],
    ['b', 'bool', [1, 0, 1], Uint8Array.of(1, 0, 1)],
    ['h', 'float16', [1, -0.5, 65504, 2 ** -24], Float32Array.of(1, -0.5, 65504, 2 ** -24)],
    ['bf', 'bfloat16', [1, -2.5, 3.140625], Float32Array.of(1, -2.5, 3.140625)],
    ['u16', 'uint16', [0, 65535], Uint16Array.of(0, 65535)],
    ['u32', 'uint32', [0, 2 ** 32 - 1], Uint32Array.of(0, 2 ** 32 - 1)],
  ];
  for (const raw of [true, false]) {
    it(`decodes every dtype from ${raw ? 'raw_data (little-endian)' : 'the typed fields'}`, () => {
      const m = decodeOnnx(buildModel({
        inputs: [], outputs: cases.map(([n]) => valueInfo(n, 'float32', null)), nodes: [],
        initializers: cases.map(([n, d, v]) => tensor(n, d, [v.length], v, { raw })),
      }));
      for (const [name, dtype, , expected] of cases) {
        const t = m.graph.initializers.get(name) as OnnxTensor;
        expect(t.dtype).toBe(dtype);
        expect(t.dims).toEqual([(expected as ArrayLike<unknown>).length]);
        expect(t.data).toEqual(expected);
      }
    });
  }
  it('gives int64 values as checked numbers: beyond 2^53 only as ±Infinity (the Slice sentinels)', () => {
    expect(int64Values(BigInt64Array.of(2n ** 63n - 1n, -(2n ** 63n), 42n))).toEqual([Infinity, -Infinity, 42]);
  });
  it('reads string tensors and scalars', () => {
    const m = decodeOnnx(buildModel({
      inputs: [], outputs: [valueInfo('s', 'string', null), valueInfo('k', 'float32', null)], nodes: [],
      initializers: [tensor('s', 'string', [2], ['ab', 'ü']), tensor('k', 'float32', [], [7])],
    }));
    expect(m.graph.initializers.get('s')?.data).toEqual(['ab', 'ü']);
    expect(m.graph.initializers.get('k')).toMatchObject({ dims: [], data: Float32Array.of(7) });
  });
});

describe('readOnnx: attributes and node order', () => {
  it('decodes attributes to plain values', () => {
    const sub = graphProto({ inputs: [], outputs: [valueInfo('c', 'float32', [1])], nodes: [node('Constant', [], ['c'], { value: tensor('v', 'float32', [1], [3]) })] });
    const m = decodeOnnx(buildModel({
      inputs: [valueInfo('x', 'float32', [1])], outputs: [valueInfo('y', 'float32', [1])],
      nodes: [node('Custom', ['x'], ['y'], {
        i: 3, f: 0.5, f1: float(1), s: 'same', ints: [1, -2], fl: floats([1, 2]), ss: ['a', 'b'],
        t: tensor('t', 'int64', [2], [4, 5]), g: sub,
      }, 'custom')],
    }));
    const a = m.graph.nodes[0].attributes;
    expect(a.i).toBe(3);
    expect(a.f).toBe(0.5);
    expect(a.f1).toBe(1);
    expect(a.s).toBe('same');
    expect(a.ints).toEqual([1, -2]);
    expect(a.fl).toEqual([1, 2]);
    expect(a.ss).toEqual(['a', 'b']);
    expect((a.t as OnnxTensor).data).toEqual(BigInt64Array.of(4n, 5n));
    expect((a.g as OnnxGraph).nodes[0].opType).toBe('Constant');
  });
  it('puts nodes stored out of order into topological order', () => {
    const m = decodeOnnx(buildModel({
      inputs: [valueInfo('x', 'float32', [2])], outputs: [valueInfo('z', 'float32', [2])],
      nodes: [node('Relu', ['y'], ['z'], {}, 'second'), node('Neg', ['x'], ['y'], {}, 'first')],
    }));
    expect(m.graph.nodes.map((n) => n.name)).toEqual(['first', 'second']);
  });
});

describe('readOnnx: external data', () => {
  const values = [1, 2, 3, 4, 5, 6];
  function externalModel(location: string, offset: number, length?: number): Uint8Array {
    return buildModel({
      inputs: [valueInfo('x', 'float32', [6])], outputs: [valueInfo('y', 'float32', [6])],
      initializers: [tensor('w', 'float32', [6], values, { external: { location, offset, length } })],
      nodes: [node('Add', ['x', 'w'], ['y'])],
    });
  }
  it('reads location/offset/length from model.onnx.data beside the model', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'model.onnx.data'), Buffer.concat([Buffer.alloc(16, 9), rawBytes('float32', values)]));
    writeFileSync(join(dir, 'model.onnx'), externalModel('model.onnx.data', 16, 24));
    const m = await readOnnx(join(dir, 'model.onnx'));
    expect(m.graph.initializers.get('w')?.data).toEqual(Float32Array.from(values));
    // bytes + the folder stated explicitly
    const fromBytes = await readOnnx(externalModel('model.onnx.data', 16), { externalDataDir: dir });
    expect(fromBytes.graph.initializers.get('w')?.data).toEqual(Float32Array.from(values));
  });
});

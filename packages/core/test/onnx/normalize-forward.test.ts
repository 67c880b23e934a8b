/**
 * Normalisation keeps the function: the normalised graph, written back as ONNX, computes in
 * onnxruntime what the original file computes (fixtures and built models with shape chains).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOnnx, normalizeOnnx } from '../../src/import/onnx/index.js';
import { buildModel, node, tensor, valueInfo } from './build-onnx.js';
import { encodeNormalized } from './encode-normalized.js';
import { feed, rampData, runReference, type ReferenceTensor } from './ort-reference.js';

const FIXTURES = join(import.meta.dirname, '../../../../../shared/fixtures/onnx');

function expectClose(a: ReferenceTensor, b: ReferenceTensor, tolerance: number): void {
  expect(a.dims).toEqual(b.dims);
  const x = Array.from(a.data as Float32Array, Number);
  const y = Array.from(b.data as Float32Array, Number);
  const worst = Math.max(0, ...x.map((v, i) => Math.abs(v - y[i]) / Math.max(1, Math.abs(y[i]))));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

/** The model's opset within 13–17, or 20 when recognition left a `Gelu` (an opset-20 operator). */
const encodingOpset = (m: ReturnType<typeof normalizeOnnx>) =>
  m.graph.nodes.some((n) => n.opType === 'Gelu') ? 20 : Math.min(17, Math.max(13, m.opsetImports.get('') ?? 13));

async function compare(bytes: Uint8Array, feeds: Record<string, ReferenceTensor>, batch?: number): Promise<void> {
  const normalized = normalizeOnnx(decodeOnnx(bytes), { batch });
  const [before, after] = await Promise.all([runReference(bytes, feeds), runReference(encodeNormalized(normalized.graph, encodingOpset(normalized)), feeds)]);
  for (const name of Object.keys(before)) expectClose(after[name], before[name], 1e-6); // same kernels, same order: equal up to rounding
}

describe.each(['onnx_mlp', 'onnx_cnn_bn', 'onnx_resnet', 'onnx_conv1d', 'onnx_eegnet', 'onnx_transformer'])('fixture %s', (name) => {
  it('computes the same logits after normalisation', async () => {
    const bytes = readFileSync(join(FIXTURES, name, 'model.onnx'));
    const input = decodeOnnx(bytes).graph.inputs[0];
    const dims = (input.shape ?? []).map((d) => (typeof d === 'number' ? d : 2));
    const n = dims.reduce((a, b) => a * b, 1);
    const data = input.dtype === 'int64' ? feed('int64', dims, BigInt64Array.from({ length: n }, (_, i) => BigInt((i * 7) % 40))) : feed('float32', dims, rampData(dims));
    await compare(bytes, { [input.name]: data });
  });
});

describe('built models with shape arithmetic', () => {
  it('x.view(x.size(0), -1) → Gemm, symbolic batch kept, run at batch 3', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [valueInfo('x', 'float32', ['batch', 2, 3, 4])], outputs: [valueInfo('y', 'float32', null)],
      initializers: [tensor('i0', 'int64', [], [0]), tensor('ax', 'int64', [1], [0]), tensor('m1', 'int64', [1], [-1]), tensor('w', 'float32', [5, 24], Array.from(rampData([5, 24])))],
      nodes: [
        node('Shape', ['x'], ['s']), node('Gather', ['s', 'i0'], ['n']), node('Unsqueeze', ['n', 'ax'], ['nv']),
        node('Concat', ['nv', 'm1'], ['t'], { axis: 0 }), node('Reshape', ['x', 't'], ['f']), node('Gemm', ['f', 'w'], ['y'], { transB: 1 }),
      ],
    });
    await compare(bytes, { x: feed('float32', [3, 2, 3, 4], rampData([3, 2, 3, 4])) });
    expect(normalizeOnnx(decodeOnnx(bytes)).graph.nodes.map((n) => n.opType)).toEqual(['Reshape', 'Gemm']);
  });
  it('Split/Squeeze/Clip/Pad/ReduceMean/Slice with parameter inputs and a zero Pad', async () => {
    const i64 = (name: string, v: number[]) => tensor(name, 'int64', [v.length], v);
    const bytes = buildModel({
      opset: 13,
      inputs: [valueInfo('x', 'float32', [2, 4, 1, 6])], outputs: [valueInfo('y', 'float32', null)],
      initializers: [i64('sp', [2, 4]), i64('a2', [2]), tensor('lo', 'float32', [], [0]), tensor('hi', 'float32', [], [0.6]),
        i64('p', [0, 0, 1, 0, 0, 2]), i64('z', [0, 0, 0, 0, 0, 0]), i64('st', [1]), i64('en', [100]), i64('a1', [1]), i64('a0', [0])],
      nodes: [
        node('Split', ['x', 'sp'], ['a', 'b'], { axis: 3 }), node('Squeeze', ['b', 'a2'], ['bs']), node('Clip', ['bs', 'lo', 'hi'], ['c']),
        node('Pad', ['c', 'p'], ['pd'], { mode: 'constant' }), node('Pad', ['pd', 'z'], ['pz']),
        node('ReduceMean', ['pz'], ['r'], { axes: [1], keepdims: 0 }), node('Slice', ['r', 'st', 'en', 'a1'], ['sl']),
        node('Unsqueeze', ['sl', 'a0'], ['y']),
      ],
    });
    const m = normalizeOnnx(decodeOnnx(bytes));
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Split', 'Squeeze', 'Clip', 'Pad', 'ReduceMean', 'Slice', 'Unsqueeze']);
    await compare(bytes, { x: feed('float32', [2, 4, 1, 6], rampData([2, 4, 1, 6])) });
  });
});

describe('Softmax before opset 13 (2-D coercion at axis)', () => {
  for (const [label, attrs, ops] of [
    ['default axis 1 on a 3-D input', {}, ['Flatten', 'Softmax', 'Reshape']],
    ['the last axis', { axis: -1 }, ['Softmax']],
  ] as const) {
    it(`${label}: the normalised graph computes what opset 11 computes`, async () => {
      const bytes = buildModel({
        opset: 11, inputs: [valueInfo('x', 'float32', [2, 3, 4])], outputs: [valueInfo('y', 'float32', null)],
        nodes: [node('LogSoftmax', ['x'], ['y'], attrs)],
      });
      const m = normalizeOnnx(decodeOnnx(bytes));
      expect(m.graph.nodes.map((n) => n.opType)).toEqual(ops.map((o) => (o === 'Softmax' ? 'LogSoftmax' : o)));
      expect(m.graph.nodes.find((n) => n.opType === 'LogSoftmax')?.attributes.axis).toBe(ops.length === 1 ? 2 : 1);
      const x = { x: feed('float32', [2, 3, 4], rampData([2, 3, 4])) };
      const [before, after] = await Promise.all([runReference(bytes, x), runReference(encodeNormalized(m.graph, 13), x)]);
      expectClose(after.y, before.y, 1e-6);
      expect(m.types.get('y')?.shape).toEqual([2, 3, 4]);
    });
  }
});

/**
 * Every fixture model in shared/fixtures/onnx reads and normalises; the inferred shape of every value
 * that survives normalisation equals the shape onnxruntime computes for it on the original file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeOnnx, readOnnx, type NormalizedOnnxModel } from '../../src/import/onnx/index.js';
import { exposeAllValues, feed, rampData, runReference } from './ort-reference.js';

const FIXTURES = join(import.meta.dirname, '../../../../../shared/fixtures/onnx');

/** What the fixtures hold after normalisation (op type → count), from shared/fixtures/README.md. */
const EXPECTED: Record<string, { opset: number; ops: Record<string, number>; input: (number | string)[] }> = {
  onnx_mlp: { opset: 13, ops: { Gemm: 3, BatchNormalization: 1, Relu: 2 }, input: [1, 12] },
  onnx_cnn_bn: { opset: 13, ops: { Conv: 2, Relu: 2, MaxPool: 1, GlobalAveragePool: 1, Flatten: 1, Gemm: 1 }, input: [1, 3, 12, 12] },
  onnx_resnet: { opset: 13, ops: { Conv: 9, Relu: 7, Add: 3, GlobalAveragePool: 1, Flatten: 1, Gemm: 1 }, input: [1, 3, 16, 16] },
  onnx_conv1d: { opset: 13, ops: { Conv: 2, Relu: 2, MaxPool: 1, AveragePool: 1, Flatten: 1, Gemm: 1 }, input: [1, 4, 32] },
  onnx_eegnet: { opset: 13, ops: { Conv: 4, Elu: 2, AveragePool: 2, Flatten: 1, Gemm: 1 }, input: ['batch', 1, 8, 64] },
  onnx_transformer: {
    opset: 17,
    // GELU's Erf formula (Div, Erf, Add, Mul, Mul) recognised as one Gelu node per block
    ops: { Gather: 2, Add: 17, MatMul: 16, Reshape: 8, Transpose: 8, Div: 2, Softmax: 2, LayerNormalization: 4, Gelu: 2, Gemm: 1 },
    input: [1, 10],
  },
};

const SHAPE_ARITHMETIC = ['Shape', 'Constant', 'ConstantOfShape', 'Identity', 'Dropout', 'Unsqueeze', 'Concat', 'Cast', 'Range', 'Expand', 'Where', 'Equal'];

function opCounts(m: NormalizedOnnxModel): Record<string, number> {
  const ops: Record<string, number> = {};
  for (const n of m.graph.nodes) ops[n.opType] = (ops[n.opType] ?? 0) + 1;
  return ops;
}

describe.each(Object.keys(EXPECTED))('fixture %s', (name) => {
  const path = join(FIXTURES, name, 'model.onnx');
  const expected = EXPECTED[name];
  it('is present', () => {
    expect(existsSync(path)).toBe(true);
  });
  it('reads and normalises to its layers, with no shape arithmetic left', async () => {
    const raw = await readOnnx(path);
    expect(raw.opsetImports.get('')).toBe(expected.opset);
    expect(raw.graph.inputs[0].shape).toEqual(expected.input);
    const m = normalizeOnnx(raw);
    expect(opCounts(m)).toEqual(expected.ops);
    expect(m.graph.nodes.filter((n) => SHAPE_ARITHMETIC.includes(n.opType))).toEqual([]);
    // zero Pads in front of average pools are gone, every parameter is an attribute
    expect(m.graph.nodes.filter((n) => n.opType === 'Pad')).toEqual([]);
    expect(m.graph.nodes.filter((n) => n.opType === 'Reshape').every((n) => n.inputs.length === 1 && Array.isArray(n.attributes.shape))).toBe(true);
    // every value has a fully known shape; the output's is the declared one
    for (const node of m.graph.nodes) for (const o of node.outputs) expect(m.types.get(o)?.shape, `${node.name} → ${o}`).not.toBeNull();
    expect(m.types.get('logits')?.shape).toEqual(raw.graph.outputs[0].shape);
  });
  it('infers the shapes onnxruntime computes for every surviving value', async () => {
    const bytes = readFileSync(path);
    const raw = await readOnnx(path);
    const input = raw.graph.inputs[0];
    const batch = 2;
    const dims = (input.shape ?? []).map((d) => (typeof d === 'number' ? d : batch));
    const m = normalizeOnnx(raw, { batch });
    const data = input.dtype === 'int64'
      ? BigInt64Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => BigInt((i * 7) % 40))
      : rampData(dims);
    const all = exposeAllValues(bytes);
    const outputs = await runReference(all.bytes, { [input.name]: feed(input.dtype === 'int64' ? 'int64' : 'float32', dims, data) });
    let compared = 0;
    for (const node of m.graph.nodes) {
      for (const o of node.outputs) {
        if (!outputs[o]) continue;
        expect(m.types.get(o)?.shape, o).toEqual(outputs[o].dims);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(m.graph.nodes.length - 1);
  });
});

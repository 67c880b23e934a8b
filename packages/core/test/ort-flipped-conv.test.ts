/**
 * The ORT executor's transposed convolutions (a convolution's backward W'ᵀs): a Conv with the
 * kernel flipped spatially, channel axes swapped and mirrored padding for stride 1, ConvTranspose
 * otherwise — both against the tfjs executor's ConvOp.backward, on padded, asymmetric, dilated,
 * strided and 1-D geometries.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/index.js';
import { ConvOp, identityParams } from '../src/graph/linear-op.js';
import type { WindowGeometry } from '../src/ops/conv-geometry.js';
import { ortLinearMap, ParamInitializers } from '../src/executors/ort/linear-maps.js';
import { loadOrt } from '../src/executors/ort/load-ort.js';
import { OnnxWriter } from '../src/executors/ort/onnx-writer.js';
import { dimsIn, Values } from '../src/executors/ort/values.js';
import { gammaParams } from '../src/rules/basic-rule.js';
import { onnx } from '../src/import/onnx/proto.js';

beforeAll(async () => {
  await initBackend();
});

interface Case {
  readonly name: string;
  readonly input: readonly number[];
  readonly kernel: readonly number[];
  readonly geometry: WindowGeometry;
  readonly expectOp: 'Conv' | 'ConvTranspose';
}

const g = (size: number[], strides: number[], dilations: number[], padding: WindowGeometry['padding'], pads?: [number, number][]): WindowGeometry => ({ size, strides, dilations, padding, ...(pads ? { pads } : {}) });

const cases: Case[] = [
  { name: '3×3 same', input: [2, 9, 8, 3], kernel: [3, 3, 3, 5], geometry: g([3, 3], [1, 1], [1, 1], 'same'), expectOp: 'Conv' },
  { name: '3×2 valid', input: [1, 7, 6, 4], kernel: [3, 2, 4, 2], geometry: g([3, 2], [1, 1], [1, 1], 'valid'), expectOp: 'Conv' },
  { name: '3×3 dilated 2, same', input: [1, 11, 10, 2], kernel: [3, 3, 2, 3], geometry: g([3, 3], [1, 1], [2, 2], 'same'), expectOp: 'Conv' },
  { name: '4×4 same (asymmetric padding)', input: [1, 8, 7, 2], kernel: [4, 4, 2, 3], geometry: g([4, 4], [1, 1], [1, 1], 'same'), expectOp: 'Conv' },
  { name: 'explicit pads [2,0],[1,2]', input: [1, 6, 6, 3], kernel: [3, 3, 3, 4], geometry: g([3, 3], [1, 1], [1, 1], 'valid', [[2, 0], [1, 2]]), expectOp: 'Conv' },
  { name: 'a pad wider than the kernel (ConvTranspose)', input: [1, 6, 6, 3], kernel: [3, 3, 3, 4], geometry: g([3, 3], [1, 1], [1, 1], 'valid', [[2, 0], [1, 3]]), expectOp: 'ConvTranspose' },
  { name: '1-D, 5 taps, causal', input: [2, 12, 3], kernel: [5, 3, 4], geometry: g([5], [1], [1], 'causal'), expectOp: 'Conv' },
  { name: '3×3 stride 2 same (ConvTranspose)', input: [1, 9, 8, 3], kernel: [3, 3, 3, 4], geometry: g([3, 3], [2, 2], [1, 1], 'same'), expectOp: 'ConvTranspose' },
  { name: '7×7 stride 2 pads 3', input: [1, 16, 16, 3], kernel: [7, 7, 3, 4], geometry: g([7, 7], [2, 2], [1, 1], 'valid', [[3, 3], [3, 3]]), expectOp: 'ConvTranspose' },
];

describe('ORT transposed convolution', () => {
  it.each(cases)('equals the tfjs backward: $name', async ({ input, kernel, geometry, expectOp }) => {
    const ort = await loadOrt();
    const k = tf.randomNormal([...kernel], 0, 1, 'float32', 3);
    const op = new ConvOp(k, null, geometry);
    const mod = gammaParams(0.25, 'positive');
    try {
      const outShape = tf.tidy(() => op.forward(tf.zeros([...input]), k, null).shape);
      const s = tf.randomNormal(outShape, 0, 1, 'float32', 4);
      const expected = tf.tidy(() => op.backward(s, mod.apply(k), input));
      const w = new OnnxWriter();
      const v = new Values(w);
      const y = ortLinearMap(op, v, new ParamInitializers(v), 'test').backward(v.make(outShape, 's', 'cl'), mod, input);
      const out = w.op('Identity', [v.at(y, 'cl')]);
      const bytes = w.encode([{ name: 's', dtype: 'float32', shape: outShape }], [out]);
      const ops = onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.opType);
      expect(ops).toContain(expectOp);
      expect(ops).not.toContain(expectOp === 'Conv' ? 'ConvTranspose' : 'Conv');
      const session = await ort.InferenceSession.create(bytes);
      const result = await session.run({ s: new ort.Tensor('float32', Float32Array.from(s.dataSync()), outShape) });
      const got = result[session.outputNames[0]!]!;
      expect(got.dims).toEqual(dimsIn(input, 'cl'));
      // Same sums in another order: max |Δ| ≤ 1e-5 · max |expected| (float32).
      const want = expected.dataSync() as Float32Array;
      const scale = want.reduce((m, a) => Math.max(m, Math.abs(a)), 0);
      const diff = (got.data as Float32Array).reduce((m, a, i) => Math.max(m, Math.abs(a - want[i]!)), 0);
      expect(diff).toBeLessThanOrEqual(1e-5 * scale);
      expect(scale).toBeGreaterThan(0);
      await session.release();
      s.dispose();
      expected.dispose();
    } finally {
      k.dispose();
    }
  });
});

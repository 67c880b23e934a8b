/**
 * Backward passes through cubic Resize and ConvTranspose with derived pads (auto_pad SAME_*,
 * output_shape): the engine's gradient equals tfjs autodiff through its own forward pass, and LRP
 * (ε on bias-free linear layers) conserves the logit across them — a cubic Resize is a linear map
 * whose weights per output sum to 1, so routing relevance by its transpose loses nothing.
 * Forward values against onnxruntime are in convert-ops.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { epsilon, forwardAll, gradient, initBackend, loadModel, lrp } from '../../src/index.js';
import type { OnnxProto } from '../../src/import/onnx/proto.js';
import { buildModel, float, node, tensor, valueInfo, type AttrInput } from './build-onnx.js';
import { rampData } from './ort-reference.js';

beforeAll(async () => {
  await initBackend();
});

const IN = [1, 2, 5, 6];

/** input → `op` (→ [1, 3, H, W]) → Relu → Flatten → Gemm(3), no biases. */
function model(op: string, attrs: Record<string, AttrInput>, params: readonly OnnxProto.ITensorProto[], outSpatial: readonly [number, number], channels: number): Uint8Array {
  const features = channels * outSpatial[0] * outSpatial[1];
  return buildModel({
    inputs: [valueInfo('input', 'float32', IN)],
    outputs: [valueInfo('logits', 'float32', [1, 3])],
    nodes: [
      node(op, ['input', ...params.map((p) => p.name!)], ['a'], attrs, 'op'),
      node('Relu', ['a'], ['r'], {}, 'relu'),
      node('Flatten', ['r'], ['f'], { axis: 1 }, 'flatten'),
      node('Gemm', ['f', 'G'], ['logits'], { transB: 1 }, 'fc'),
    ],
    initializers: [
      ...params,
      // Positive weights for logit 0 on every feature, so the explained logit is clearly positive.
      tensor('G', 'float32', [3, features], Array.from(rampData([3, features], 0.05), (v, i) => (i < features ? Math.abs(v) + 0.01 : v))),
    ],
  });
}

/** Resize to `out` (roi and scales empty, sizes given). */
const resize = (attrs: Record<string, AttrInput>, out: readonly [number, number]) =>
  model('Resize', { mode: 'cubic', ...attrs }, [tensor('roi', 'float32', [0], []), tensor('scales', 'float32', [0], []), tensor('sizes', 'int64', [4], [1, 2, ...out])], out, 2);
/** ConvTranspose 2 → 3 channels with a [2, 3, ...k] weight, output of spatial size `out`. */
const deconv = (attrs: Record<string, AttrInput> & { kernel_shape: number[] }, out: readonly [number, number]) =>
  model('ConvTranspose', attrs, [tensor('W', 'float32', [2, 3, ...attrs.kernel_shape], rampData([2, 3, ...attrs.kernel_shape], 0.06))], out, 3);

const CASES: Record<string, () => Uint8Array> = {
  'Resize cubic half_pixel to 9×11': () => resize({}, [9, 11]),
  'Resize cubic align_corners, a = −0.5, exclude_outside, to 8×4': () => resize({ coordinate_transformation_mode: 'align_corners', cubic_coeff_a: float(-0.5), exclude_outside: 1 }, [8, 4]),
  'ConvTranspose auto_pad SAME_UPPER, stride 2': () => deconv({ kernel_shape: [4, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }, [10, 12]),
  'ConvTranspose auto_pad SAME_LOWER, stride 2': () => deconv({ kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_LOWER' }, [10, 12]),
  'ConvTranspose output_shape 9×12': () => deconv({ kernel_shape: [3, 3], strides: [2, 2], output_shape: [9, 12] }, [9, 12]),
};

describe('backward through cubic Resize and ConvTranspose with derived pads', () => {
  for (const [name, build] of Object.entries(CASES)) {
    it(`${name}: gradient = autodiff (1e-5 relative), LRP-ε conserves the logit (1e-4 relative)`, async () => {
      const m = await loadModel(build());
      const x = tf.tensor(rampData(IN, 0.1), IN);
      const engine = gradient(m, x, { target: 0 });
      const auto = tf.grad((t: tf.Tensor) => {
        const values = forwardAll(m.graph, [t]);
        return tf.slice(values.get(m.graph.outputs[0]!)!, [0, 0], [1, 1]).sum();
      })(x);
      const scale = tf.max(tf.abs(auto)).dataSync()[0]!;
      expect(scale).toBeGreaterThan(0);
      expect(tf.max(tf.abs(tf.sub(engine.relevance, auto))).dataSync()[0]! / scale).toBeLessThan(1e-5);

      const e = lrp(m, x, { rule: epsilon(1e-9), target: 0 });
      expect(e.relevance.shape).toEqual(IN);
      const R = Array.from(e.relevance.dataSync());
      const logit = e.logits.dataSync()[0]!;
      expect(logit).toBeGreaterThan(1e-3);
      expect(R.every(Number.isFinite)).toBe(true);
      expect(Math.abs(R.reduce((a, b) => a + b, 0) - logit) / logit).toBeLessThan(1e-4);
      tf.dispose([x, auto]);
      engine.dispose();
      e.dispose();
      m.dispose();
    });
  }
});

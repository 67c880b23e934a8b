/**
 * A torchvision ResNet-18 in ONNX (generated as torch.onnx.export writes it, random weights,
 * 224×224: resnet18-onnx.ts) loads, computes what onnxruntime computes, and is explained with
 * epsilon_gamma_box.
 *
 * Conservation expected from the rules: with BatchNorm as torchvision initialises it, every folded
 * Conv bias is zero, so z^B (first Conv) and γ (other Convs) hand on all relevance except the
 * stabiliser's share; Relu passes it, MaxPool routes it to the winners, the residual Add and
 * GlobalAveragePool split it in proportion (norm). Only the fc layer (ε = 1e-6) has a bias, and ε-LRP
 * leaves its share there: Σ R(input) = logit − b_fc[target] up to float32 rounding and the
 * stabilisers (measured 6e-6 of the logit; checked to 5e-5, while b_fc[target] is 2e-4 of it).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardAll, initBackend, loadModel, lrp, type XaiModel } from '../../src/index.js';
import { mulberry32 } from '../../src/random/mulberry32.js';
import { feed, runReference } from './ort-reference.js';
import { resnet18FcBias, resnet18Onnx } from './resnet18-onnx.js';

const DIMS = [1, 3, 224, 224];
// Standardised-image range (ImageNet mean/std normalisation gives about [−2.1, 2.6]); z^B's bounds.
const [LOW, HIGH] = [-2, 2];

let bytes: Uint8Array;
let model: XaiModel;
let input: Float32Array;
let x: tf.Tensor;

beforeAll(async () => {
  await initBackend();
  bytes = resnet18Onnx({ seed: 18 });
  const uniform = mulberry32(224);
  input = Float32Array.from({ length: 3 * 224 * 224 }, () => LOW + (HIGH - LOW) * uniform());
  model = await loadModel(bytes, { label: 'resnet18.onnx' });
  x = tf.tensor(input, DIMS);
}, 120_000);

afterAll(() => {
  x?.dispose();
  model?.dispose();
});

describe('ResNet-18 (torchvision layout) from ONNX', () => {
  let logits: Float32Array;

  it('computes the logits onnxruntime computes (1e-4 of the largest |logit|)', async () => {
    const ref = await runReference(bytes, { input: feed('float32', DIMS, input) });
    const want = ref.logits!.data as Float32Array;
    expect(ref.logits!.dims).toEqual([1, 1000]);
    const values = forwardAll(model.graph, [x]);
    const y = values.get(model.graph.outputs[0]!)!;
    expect(y.shape).toEqual([1, 1000]);
    logits = y.dataSync() as Float32Array;
    for (const [id, t] of values) if (!model.graph.inputs.includes(id)) t.dispose();
    const scale = Math.max(...Array.from(want, Math.abs));
    // Activations stay finite and O(1) through the 18 layers (torchvision's initialisation).
    expect(scale).toBeGreaterThan(0.1);
    expect(scale).toBeLessThan(1e3);
    const err = Math.max(...Array.from(want, (v, i) => Math.abs(v - logits[i]!)));
    expect(err / scale).toBeLessThan(1e-4);
  }, 120_000);

  it('is explained with epsilon_gamma_box: relevance [1, 3, 224, 224], finite, Σ R = logit − fc bias', () => {
    const target = logits.indexOf(Math.max(...logits));
    const e = lrp(model, x, { composite: 'epsilon_gamma_box', low: LOW, high: HIGH, target });
    expect(e.relevance.shape).toEqual(DIMS);
    const R = e.relevance.dataSync();
    const logit = e.logits.dataSync()[target]!;
    e.dispose();
    expect(logit).toBeCloseTo(logits[target]!, 4);
    expect(logit).toBeGreaterThan(0.1);
    expect(R.every(Number.isFinite)).toBe(true);
    let sum = 0;
    for (const r of R) sum += r;
    const expected = logit - resnet18FcBias(bytes)[target]!;
    expect(Math.abs(sum - expected) / Math.abs(logit)).toBeLessThan(5e-5);
  }, 120_000);
});

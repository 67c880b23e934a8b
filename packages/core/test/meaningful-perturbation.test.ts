/** Meaningful perturbation (Fong & Vedaldi 2017): deletion on the demo model, gradients, options, memory. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelledError, DEMO_MODEL, explain, gaussianBlur, generateShapes, initBackend, InvalidArgumentError, loadModel, MethodContext,
  meaningfulPerturbation, meaningfulPerturbationObjective, XaiModel,
} from '../src/index.js';
import { CHANNELS, IMAGE_SIZE } from '../src/demo/synthetic-shapes.js';

const softmax = (row: number[]): number[] => {
  const max = Math.max(...row);
  const e = row.map((z) => Math.exp(z - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

describe('meaningful perturbation', () => {
  let demo: XaiModel;
  let tiny: XaiModel;
  const tinyInput = () => tf.randomUniform([6, 6, 2], 0, 1, 'float32', 11);

  beforeAll(async () => {
    await initBackend();
    demo = await loadModel(DEMO_MODEL);
    const init = (seed: number) => tf.initializers.glorotNormal({ seed });
    // Smooth (tanh), so that central differences are accurate.
    tiny = XaiModel.fromLayersModel(tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, activation: 'tanh', kernelInitializer: init(1), biasInitializer: 'glorotNormal' }),
      tf.layers.flatten(), tf.layers.dense({ units: 3, kernelInitializer: init(2) }),
    ] }));
  });

  afterAll(() => {
    demo.dispose();
    tiny.dispose();
  });

  it('deletes the evidence on the demo model: the perturbed input loses ≥ 50% of the target probability', async () => {
    // The first correctly classified ring, cross and triangle of a fixed draw. (Squares are left
    // out: this model reads any blurred blob as a square, so no blur deletion can remove one.)
    const count = 16;
    const data = generateShapes(count, 2024);
    const images = tf.tensor(data.images, [count, IMAGE_SIZE, IMAGE_SIZE, CHANNELS]);
    const predicted = Array.from((tf.tidy(() => tf.argMax(demo.layersModel.predict(images) as tf.Tensor, 1)).dataSync()));
    images.dispose();
    const chosen = [1, 2, 3].map((label) => predicted.findIndex((p, i) => p === label && data.labels[i] === label));
    expect(chosen.every((i) => i >= 0)).toBe(true);
    const pixels = IMAGE_SIZE * IMAGE_SIZE;
    for (const i of chosen) {
      const x = tf.tensor(data.images.subarray(i * pixels * CHANNELS, (i + 1) * pixels * CHANNELS), [IMAGE_SIZE, IMAGE_SIZE, CHANNELS]);
      const label = data.labels[i]!;
      const started = performance.now();
      const e = await meaningfulPerturbation(demo, x, { target: label, steps: 100 });
      const ms = performance.now() - started;
      expect(e.relevance.shape).toEqual([IMAGE_SIZE, IMAGE_SIZE, CHANNELS]);
      expect(e.mask.shape).toEqual([8, 8]);
      // Rebuild x̃ = m⊙x + (1−m)⊙blur(x) from the returned deletion map (1 − m, on every channel)
      // with the documented default σ = min(10, 32/8) = 4, and score it with the tfjs model itself.
      const rel = e.relevance.arraySync() as number[][][];
      rel.flat().forEach((v) => expect(v.every((c) => c === v[0])).toBe(true));
      const [before, after] = scores(x, e.relevance);
      expect(before).toBeGreaterThan(0.9);
      expect(after).toBeLessThanOrEqual(0.5 * before);
      expect(e.scoreBefore[0]).toBeCloseTo(before, 3);
      expect(e.scoreAfter[0]).toBeCloseTo(after, 3);
      // The deletion sits on the object: its share of the deleted mass is well above the object's area.
      const mask = data.masks.subarray(i * pixels, (i + 1) * pixels);
      let onObject = 0;
      let total = 0;
      rel.flat().forEach((v, p) => {
        total += v[0]!;
        if (mask[p]) onObject += v[0]!;
      });
      const area = mask.reduce((a, b) => a + b, 0) / pixels;
      expect(onObject / total).toBeGreaterThan(1.5 * area);
      console.log(`meaningful perturbation, label ${label}: p ${before.toFixed(4)} → ${after.toFixed(4)}, object share ${(onObject / total).toFixed(2)} (area ${area.toFixed(2)}), 100 steps in ${ms.toFixed(0)} ms`);
      e.dispose();
      x.dispose();
    }

    /** Target probability of x and of x̃ rebuilt from the deletion map. */
    function scores(x: tf.Tensor, deletion: tf.Tensor): [number, number] {
      const logits = tf.tidy(() => {
        const keep = tf.sub(1, deletion);
        const blurred = gaussianBlur(x.expandDims(0), 4).squeeze([0]);
        const perturbed = tf.add(tf.mul(keep, x), tf.mul(tf.sub(1, keep), blurred));
        return demo.layersModel.predict(tf.stack([x, perturbed])) as tf.Tensor;
      });
      const rows = logits.arraySync() as number[][];
      logits.dispose();
      const t = rows[0]!.indexOf(Math.max(...rows[0]!));
      return [softmax(rows[0]!)[t]!, softmax(rows[1]!)[t]!];
    }
  });

  it('the analytic mask gradient agrees with central differences (both scores, blur and constant baselines)', () => {
    const x = tinyInput();
    const cells = [0.35, 0.8, 0.55, 0.2, 0.9, 0.6, 0.45, 0.7, 0.3]; // 3×3 mask, away from the bounds
    const cases = [
      { score: 'probability' as const, baseline: 'blur' as const, blurSigma: 1 },
      { score: 'probability' as const, baseline: 0.3, batchSize: 1 }, // the chunked path (more classes than batchSize)
      { score: 'logit' as const, baseline: -0.5 },
    ];
    for (const c of cases) {
      const options = { ...c, maskSize: 3, target: 1, l1Coefficient: 0.3, tvCoefficient: 2, tvBeta: 3 };
      const { grad, value } = meaningfulPerturbationObjective(tiny, x, cells, options);
      expect(Number.isFinite(value)).toBe(true);
      const h = 1e-2;
      const numeric = cells.map((_, u) => {
        const plus = cells.map((v, k) => (k === u ? v + h : v));
        const minus = cells.map((v, k) => (k === u ? v - h : v));
        return (meaningfulPerturbationObjective(tiny, x, plus, options).value - meaningfulPerturbationObjective(tiny, x, minus, options).value) / (2 * h);
      });
      const scale = Math.max(...numeric.map(Math.abs));
      expect(scale).toBeGreaterThan(1e-3);
      numeric.forEach((n, u) => expect(Math.abs(grad[u]! - n)).toBeLessThan(2e-3 * scale + 1e-5));
    }
    // A score-only objective: the penalties are not what makes the two agree.
    const bare = meaningfulPerturbationObjective(tiny, x, cells, { maskSize: 3, target: 1, l1Coefficient: 0, tvCoefficient: 0, baseline: 0.3 });
    const chunked = meaningfulPerturbationObjective(tiny, x, cells, { maskSize: 3, target: 1, l1Coefficient: 0, tvCoefficient: 0, baseline: 0.3, batchSize: 2 });
    expect(Math.max(...bare.grad.map(Math.abs))).toBeGreaterThan(1e-4);
    bare.grad.forEach((g, u) => expect(chunked.grad[u]).toBeCloseTo(g, 6));
    x.dispose();
  });

  it('keeps the mask in [0, 1]; the L1 term keeps most of the input', async () => {
    const data = generateShapes(4, 2024);
    const pixels = IMAGE_SIZE * IMAGE_SIZE * CHANNELS;
    const ring = 3; // a ring, classified as one (p = 0.97)
    expect(data.labels[ring]).toBe(2);
    const image = tf.tensor(data.images.subarray(ring * pixels, (ring + 1) * pixels), [IMAGE_SIZE, IMAGE_SIZE, CHANNELS]);
    const meanMask = async (l1Coefficient: number) => {
      const e = await meaningfulPerturbation(demo, image, { target: 2, steps: 100, l1Coefficient });
      const mask = Array.from(e.mask.dataSync());
      expect(mask.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(Array.from(e.relevance.dataSync()).every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(Math.min(...mask)).toBeLessThan(0.5); // it did delete something
      e.dispose();
      return mask.reduce((a, b) => a + b, 0) / mask.length;
    };
    const withL1 = await meanMask(0.05);
    const without = await meanMask(0);
    expect(withL1).toBeGreaterThan(0.6);
    expect(withL1).toBeGreaterThan(without + 0.2);
    image.dispose();
    const x = tinyInput();
    // A prohibitive λ₁ (no deletion can pay for itself) brings the mask back to keep everything.
    const strict = await meaningfulPerturbation(tiny, x, { maskSize: 3, steps: 60, baseline: 0, target: 0, l1Coefficient: 50 });
    const kept = Array.from(strict.mask.dataSync());
    expect(kept.reduce((a, b) => a + b, 0) / kept.length).toBeGreaterThan(0.95);
    strict.dispose();
    x.dispose();
  });

  it('rejects bad options, naming them', async () => {
    const x = tinyInput();
    await expect(meaningfulPerturbation(tiny, x, { steps: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(meaningfulPerturbation(tiny, x, { steps: 0 })).rejects.toThrow(/steps/);
    await expect(meaningfulPerturbation(tiny, x, { maskSize: 7 })).rejects.toThrow(InvalidArgumentError);
    await expect(meaningfulPerturbation(tiny, x, { maskSize: 7 })).rejects.toThrow(/maskSize/);
    await expect(meaningfulPerturbation(tiny, x, { maskSize: [3, 3, 3] })).rejects.toThrow(/maskSize/);
    await expect(meaningfulPerturbation(tiny, x, { learningRate: -1 })).rejects.toThrow(/learningRate/);
    await expect(explain(tiny, x, { method: 'meaningful_perturbation', steps: 0 })).rejects.toThrow(/option 'steps'/);
    await expect(explain(tiny, x, { method: 'meaningful_perturbation', score: 'margin' })).rejects.toThrow(/option 'score'/);
    await expect(explain(tiny, x, { method: 'meaningful_perturbation', maskSize: 8 })).rejects.toThrow(/maskSize/);
    x.dispose();
  });

  it('does not leak tensors (batches, both scores, the registry, cancellation)', async () => {
    const x = tinyInput();
    const batch = tf.tidy(() => tf.stack([x, tf.reverse(x, 0)]));
    const run = async () => {
      (await meaningfulPerturbation(tiny, x, { maskSize: 2, steps: 3 })).dispose();
      const b = await meaningfulPerturbation(tiny, batch, { maskSize: [2, 3], steps: 3, score: 'logit', baseline: 0.5, target: [0, 2] });
      expect(b.relevance.shape).toEqual([2, 6, 6, 2]);
      expect(b.mask.shape).toEqual([2, 2, 3]);
      b.dispose();
      const r = await explain(tiny, x, { method: 'meaningful_perturbation', maskSize: 3, steps: 4, batchSize: 2 });
      expect(r.family).toBe('perturbation');
      r.dispose();
      const controller = new AbortController();
      const context = new MethodContext({ signal: controller.signal, onProgress: (p) => p.done >= 2 && controller.abort() });
      await expect(meaningfulPerturbation(tiny, batch, { maskSize: 2, steps: 4 }, context)).rejects.toThrow(CancelledError);
    };
    await run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await run();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, batch]);
  });
});

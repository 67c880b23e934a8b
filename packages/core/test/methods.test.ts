/** The method registry and `explain`: schemas, metadata, progress, cancellation, and each method's defining property. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CancelledError, deepTaylor, DEMO_MODEL, excitationBackprop, explain, gaussLegendre, generateShapes, initBackend, InvalidArgumentError,
  listMethods, methodsFor, loadModel, lrp, methodCatalog, zplus, XaiModel, type Progress,
} from '../src/index.js';

const init = (seed: number) => tf.initializers.glorotNormal({ seed });
const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('method registry and explain()', () => {
  let demo: XaiModel;
  let image: tf.Tensor;
  let smooth: XaiModel;
  let relu: tf.Sequential;
  let reluModel: XaiModel;

  beforeAll(async () => {
    await initBackend();
    demo = await loadModel(DEMO_MODEL);
    image = tf.tensor(generateShapes(1, 7).images, [32, 32, 3]);
    smooth = XaiModel.fromLayersModel(tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [5], units: 8, activation: 'tanh', kernelInitializer: init(11) }),
      tf.layers.dense({ units: 6, activation: 'softplus', kernelInitializer: init(12) }),
      tf.layers.dense({ units: 3, kernelInitializer: init(13) }),
    ] }));
    relu = tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [4], units: 6, activation: 'relu', kernelInitializer: init(21), biasInitializer: tf.initializers.constant({ value: 0.1 }) }),
      tf.layers.dense({ units: 3, kernelInitializer: init(22) }),
    ] });
    reluModel = XaiModel.fromLayersModel(relu);
  });

  it('lists every method with a family and a JSON option schema', () => {
    const names = listMethods().map((m) => m.name);
    for (const n of ['lrp', 'deep_taylor', 'excitation_backprop', 'guided_backprop', 'deconvnet', 'gradient', 'gradient_x_input',
      'integrated_gradients', 'smoothgrad', 'smoothgrad_squared', 'vargrad', 'occlusion']) expect(names).toContain(n);
    const catalog = JSON.parse(JSON.stringify(methodCatalog())) as ReturnType<typeof methodCatalog>;
    for (const m of catalog) {
      expect(['structure', 'function', 'sampling', 'surrogate', 'perturbation']).toContain(m.family);
      expect(m.options.type).toBe('object');
    }
    expect(catalog.find((m) => m.name === 'integrated_gradients')!.options.properties.riemann).toMatchObject({ enum: ['right', 'left', 'midpoint', 'gauss_legendre'] });
  });

  it('every method explains the demo model: input-shaped relevance and metadata', async () => {
    for (const { name } of methodsFor(demo)) {
      const quick: Record<string, Record<string, unknown>> = {
        integrated_gradients: { steps: 4 }, smoothgrad: { samples: 3 }, smoothgrad_squared: { samples: 3 }, vargrad: { samples: 3 },
        occlusion: { window: 8, stride: 8 }, lime: { samples: 20 }, meaningful_perturbation: { steps: 3 },
      };
      const e = await explain(demo, image, { method: name, target: 1, ...quick[name] });
      expect(e.relevance.shape, name).toEqual([32, 32, 3]);
      expect(e.targets).toEqual([1]);
      expect(e.method).toBe(name);
      expect(e.logits.shape).toEqual([4]);
      expect(e.elapsedMs).toBeGreaterThan(0);
      expect(values(e.relevance).every(Number.isFinite), name).toBe(true);
      expect(JSON.parse(JSON.stringify(e.options))).toEqual(e.options);
      e.dispose();
    }
  });

  it('options are checked against the schema and the option at fault is named', async () => {
    await expect(explain(demo, image, { method: 'integrated_gradients', steps: 0 })).rejects.toThrow(/option 'steps' of method 'integrated_gradients' must be an integer ≥ 1, got 0/);
    await expect(explain(demo, image, { method: 'gradient', steps: 3 })).rejects.toThrow(/unknown option 'steps'.*options are postprocess/);
    await expect(explain(demo, image, { method: 'lrp', composite: 'nope' })).rejects.toThrow(/option 'composite'.*epsilon_plus/);
    await expect(explain(demo, image, { method: 'nope' })).rejects.toThrow(/unknown method 'nope'; available: lrp/);
    await expect(explain(demo, image, { method: 'smoothgrad', base: 'occlusion' })).rejects.toThrow(/cannot be wrapped/);
    await expect(explain(demo, image, { method: 'smoothgrad', base: 'lrp', baseOptions: { gamma: -1 } })).rejects.toThrow(/option 'gamma' of base method 'lrp'/);
    const e = await explain(demo, image, { method: 'integrated_gradients', steps: 3 });
    expect(e.options).toEqual({ steps: 3, riemann: 'right', baseline: 0, blurSigma: 5, batchSize: 32 });
    e.dispose();
    const t = await explain(demo, image, { method: 'integrated_gradients', steps: 2, baseline: tf.zeros([32, 32, 3]) });
    expect(t.options.baseline).toBe('<tensor [32,32,3]>');
    t.dispose();
  });

  it('reports progress per batch and stops with CancelledError when aborted', async () => {
    const seen: Progress[] = [];
    const e = await explain(demo, image, { method: 'integrated_gradients', steps: 10, batchSize: 4, onProgress: (p) => seen.push(p) });
    e.dispose();
    expect(seen.map((p) => p.done)).toEqual([4, 8, 10]);
    expect(seen.every((p) => p.total === 10 && p.unit === 'steps')).toBe(true);
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    const run = explain(demo, image, {
      method: 'occlusion', window: 4, stride: 2, batchSize: 8, signal: controller.signal,
      onProgress: (p) => p.done === 2 && controller.abort(),
    });
    await expect(run).rejects.toThrow(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Gauss–Legendre nodes integrate polynomials of degree 2n − 1 exactly', () => {
    const { points, weights } = gaussLegendre(5);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let d = 0; d <= 9; d++) {
      const integral = points.reduce((acc, p, k) => acc + weights[k]! * p ** d, 0);
      expect(integral).toBeCloseTo(1 / (d + 1), 12);
    }
  });

  it('IG completeness: Σ IG = f(x) − f(baseline) within 1% with 64 Gauss–Legendre steps on a smooth model', async () => {
    const x = tf.tensor([[0.9, -1.2, 0.4, 2.0, -0.3], [1.5, 0.2, -0.7, -1.1, 0.8]]);
    const baseline = tf.tensor([0.1, 0.3, -0.2, 0.0, 0.5]);
    for (const target of [0, 2]) {
      const e = await explain(smooth, x, { method: 'integrated_gradients', steps: 64, riemann: 'gauss_legendre', baseline, target });
      const fx = (smooth.layersModel.predict(x) as tf.Tensor).arraySync() as number[][];
      const fb = (smooth.layersModel.predict(baseline.expandDims(0)) as tf.Tensor).arraySync() as number[][];
      const sums = tf.sum(e.relevance, 1).arraySync() as number[];
      sums.forEach((s, k) => {
        const delta = fx[k]![target]! - fb[0]![target]!;
        expect(Math.abs(s - delta)).toBeLessThan(0.01 * Math.abs(delta));
      });
      e.dispose();
    }
    tf.dispose([x, baseline]);
  });

  it('SmoothGrad with σ = 0 equals its base method (gradient and LRP)', async () => {
    for (const [base, baseOptions] of [['gradient', {}], ['lrp', { composite: 'epsilon_gamma_box' }]] as const) {
      const plain = await explain(demo, image, { method: base, target: 2, ...baseOptions });
      const sg = await explain(demo, image, { method: 'smoothgrad', base, baseOptions, noiseLevel: 0, samples: 4, target: 2 });
      const p = values(plain.relevance);
      values(sg.relevance).forEach((v, i) => expect(v).toBeCloseTo(p[i]!, 6));
      const vg = await explain(demo, image, { method: 'vargrad', base, baseOptions, noiseLevel: 0, samples: 4, target: 2 });
      expect(Math.max(...values(vg.relevance).map(Math.abs))).toBeLessThan(1e-9);
      tf.dispose([plain, sg, vg].flatMap((e) => [e.relevance, e.logits]));
    }
  });

  it('SmoothGrad is reproducible with its seed and differs across seeds; VarGrad and SmoothGrad² are ≥ 0', async () => {
    const run = (method: string, seed: number) => explain(demo, image, { method, seed, samples: 5, batchSize: 2 });
    const [a, b, c] = [await run('smoothgrad', 1), await run('smoothgrad', 1), await run('smoothgrad', 2)];
    expect(values(a.relevance)).toEqual(values(b.relevance));
    expect(values(a.relevance)).not.toEqual(values(c.relevance));
    for (const m of ['vargrad', 'smoothgrad_squared']) {
      const e = await run(m, 3);
      expect(Math.min(...values(e.relevance))).toBeGreaterThanOrEqual(0);
      e.dispose();
    }
    [a, b, c].forEach((e) => e.dispose());
  });

  it('guided backprop and deconvnet follow their ReLU rules (hand formula on Dense–ReLU–Dense)', async () => {
    const x = tf.tensor([[0.5, -1, 2, 0.3]]);
    const [w1, b1] = relu.layers[0]!.getWeights();
    const [w2] = relu.layers[1]!.getWeights();
    const target = 1;
    const z = tf.add(tf.matMul(x, w1!), b1!);
    const back = tf.relu(tf.slice(w2!, [0, target], [-1, 1]).reshape([1, -1])); // positive part of ∂f/∂h
    const guided = tf.matMul(tf.mul(back, tf.cast(tf.greater(z, 0), 'float32')), w1!, false, true);
    const deconv = tf.matMul(back, w1!, false, true);
    for (const [method, expected] of [['guided_backprop', guided], ['deconvnet', deconv]] as const) {
      const e = await explain(reluModel, x, { method, target });
      const want = values(expected);
      values(e.relevance).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
      e.dispose();
    }
    expect(values(deconv)).not.toEqual(values(guided));
    tf.dispose([x, z, back, guided, deconv]);
  });

  it('deep Taylor = z^B first + z⁺ elsewhere with the input range as bounds; excitation backprop = z⁺ everywhere', async () => {
    const dt = await explain(demo, image, { method: 'deep_taylor', target: 0 });
    const [lo, hi] = [tf.min(image).dataSync()[0]!, tf.max(image).dataSync()[0]!];
    const manual = lrp(demo, image, { target: 0, composite: deepTaylor(lo, hi) });
    expect(values(dt.relevance)).toEqual(values(manual.relevance));
    const eb = await explain(demo, image, { method: 'excitation_backprop', target: 0 });
    const z = lrp(demo, image, { target: 0, rule: zplus() });
    expect(values(eb.relevance)).toEqual(values(z.relevance));
    const composite = lrp(demo, image, { target: 0, composite: excitationBackprop() });
    expect(values(composite.relevance)).toEqual(values(z.relevance));
    [dt, manual, eb, z, composite].forEach((e) => e.dispose());
  });

  it('gradient post-processing: absolute and square', async () => {
    const g = await explain(demo, image, { method: 'gradient', target: 3 });
    const a = await explain(demo, image, { method: 'gradient', target: 3, postprocess: 'absolute' });
    const s = await explain(demo, image, { method: 'gradient', target: 3, postprocess: 'square' });
    const gv = values(g.relevance);
    values(a.relevance).forEach((v, i) => expect(v).toBeCloseTo(Math.abs(gv[i]!), 7));
    values(s.relevance).forEach((v, i) => expect(v).toBeCloseTo(gv[i]! ** 2, 7));
    [g, a, s].forEach((e) => e.dispose());
  });

  it('occlusion works on 1-D and 3-D inputs; mean fill of a one-window occlusion equals f(x) − f(mean)', async () => {
    const conv1d = XaiModel.fromLayersModel(tf.sequential({ layers: [
      tf.layers.conv1d({ inputShape: [12, 2], filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: init(31) }),
      tf.layers.flatten(), tf.layers.dense({ units: 2, kernelInitializer: init(32) }),
    ] }));
    const conv3d = XaiModel.fromLayersModel(tf.sequential({ layers: [
      tf.layers.conv3d({ inputShape: [4, 5, 6, 1], filters: 2, kernelSize: 2, activation: 'relu', kernelInitializer: init(33) }),
      tf.layers.flatten(), tf.layers.dense({ units: 2, kernelInitializer: init(34) }),
    ] }));
    const signal = tf.randomUniform([12, 2], -1, 1, 'float32', 3);
    const whole = await explain(conv1d, signal, { method: 'occlusion', window: 12, fill: 'mean', target: 0 });
    const mean = tf.mul(tf.onesLike(signal), tf.mean(signal, 0, true));
    const f = (t: tf.Tensor) => (conv1d.layersModel.predict(t.expandDims(0)) as tf.Tensor).dataSync()[0]!;
    values(whole.relevance).forEach((v) => expect(v).toBeCloseTo(f(signal) - f(mean), 5));
    const volume = tf.randomUniform([4, 5, 6, 1], 0, 1, 'float32', 4);
    const o3 = await explain(conv3d, volume, { method: 'occlusion', window: [2, 2, 3], stride: [2, 1, 3] });
    expect(o3.relevance.shape).toEqual([4, 5, 6, 1]);
    expect(values(o3.relevance).some((v) => v !== 0)).toBe(true);
    tf.dispose([signal, mean, volume, whole.relevance, whole.logits, o3.relevance, o3.logits]);
  });

  it('explain() does not leak tensors over repeated calls', async () => {
    const run = async () => {
      for (const method of ['lrp', 'deep_taylor', 'guided_backprop', 'smoothgrad']) {
        (await explain(demo, image, { method, samples: method === 'smoothgrad' ? 2 : undefined })).dispose();
      }
    };
    await run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await run();
    expect(tf.memory().numTensors).toBe(before);
  });
});

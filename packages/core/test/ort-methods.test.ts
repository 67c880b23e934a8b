/**
 * The gradient family on the 'ort' executor: every method that declares `runsOnOrt` gives the tfjs
 * result; integrated gradients' path points and SmoothGrad's noisy copies run as batches (one
 * session run per batch, one compiled graph for all of them); what cannot compile falls back with
 * one notice.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ortRunStats } from '../src/executors/ort/run-explanation.js';
import { gradientOn } from '../src/engine/explain-on-executor.js';
import {
  CancelledError, DEMO_MODEL, explain, generateShapes, gradient, initBackend, loadModel, methodByName, ortSessionStats, registerMethod,
  XaiModel, type ExplainResult, type Progress,
} from '../src/index.js';

/**
 * max |a − b| ≤ rel · max |a| + 1e-7: float32 sums in another order (one pass: measured ≈ 1e-6
 * relative; multi-pass methods add the passes' rounding, so they get 1e-4).
 */
function expectClose(a: tf.Tensor, b: tf.Tensor, rel = 1e-5): void {
  expect(b.shape).toEqual(a.shape);
  const [diff, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!, tf.max(tf.abs(a)).dataSync()[0]!]);
  expect(scale).toBeGreaterThan(0);
  expect(diff).toBeLessThanOrEqual(rel * scale + 1e-7);
}

let demo: XaiModel;
let images: tf.Tensor;
const quiet = { onNotice: (line: string) => expect.fail(`unexpected notice: ${line}`) };

beforeAll(async () => {
  await initBackend();
  demo = await loadModel(DEMO_MODEL);
  images = tf.tensor(generateShapes(2, 7).images, [2, 32, 32, 3]);
});

afterAll(() => {
  demo.dispose();
  images.dispose();
});

/** The method on both executors (`ortOnly`: options of the ORT call alone); returns the ORT result. */
async function onBoth(method: string, options: Record<string, unknown>, rel: number, ortOnly: Record<string, unknown> = {}): Promise<ExplainResult> {
  const a = await explain(demo, images, { method, executor: 'tfjs', target: [1, 2], ...options });
  const b = await explain(demo, images, { method, executor: 'ort', target: [1, 2], ...quiet, ...options, ...ortOnly });
  try {
    expect(b.execution).toMatchObject({ executor: 'ort', provider: expect.stringMatching(/^(cpu|cuda)$/) });
    expect(b.targets).toEqual(a.targets);
    expectClose(a.logits, b.logits);
    expectClose(a.relevance, b.relevance, rel);
    return b;
  } finally {
    a.dispose();
  }
}

describe("gradient-family methods on executor 'ort'", () => {
  it.each([
    ['gradient', {}],
    ['gradient', { postprocess: 'absolute' }],
    ['gradient_x_input', {}],
    ['guided_backprop', {}],
    ['deconvnet', {}],
    ['excitation_backprop', {}],
    ['deep_taylor', {}],
  ])('%s %j equals tfjs (a batch of 2 in one run)', async (method, options) => {
    expect(methodByName(method).runsOnOrt).toBe(true);
    const runs = ortRunStats(demo.graph).runs;
    (await onBoth(method, options, 1e-5)).dispose();
    expect(ortRunStats(demo.graph).runs - runs).toBe(1);
  });

  it('guided backprop and deconvnet differ from the gradient on ORT (their ReLU rules are compiled, not skipped)', async () => {
    const g = await explain(demo, images, { method: 'gradient', executor: 'ort', ...quiet });
    const d = await explain(demo, images, { method: 'deconvnet', executor: 'ort', ...quiet });
    try {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(g.relevance, d.relevance))).dataSync()[0]!);
      expect(diff).toBeGreaterThan(0);
    } finally {
      g.dispose();
      d.dispose();
    }
  });

  it('integrated gradients: 64 steps run as ceil(64 / batchSize) session runs of one graph; a second call does not rebuild', async () => {
    const x = images.slice(0, 1);
    const seen: Progress[] = [];
    const runs = ortRunStats(demo.graph);
    const ig = await onBoth('integrated_gradients', { steps: 64, batchSize: 24 }, 1e-4, { onProgress: (p: Progress) => seen.push(p) });
    ig.dispose();
    // A batch of 2 and batchSize 24: ≤ 12 points per pass, so 6 passes of 11 points (the last padded), one graph.
    expect(ortRunStats(demo.graph).runs - runs.runs).toBe(Math.ceil(64 / Math.floor(24 / 2)));
    expect(seen.map((p) => p.done)).toEqual([11, 22, 33, 44, 55, 64]);
    const builds = ortSessionStats(demo.graph).builds;
    const before = ortRunStats(demo.graph).runs;
    const again = await explain(demo, x, { method: 'integrated_gradients', steps: 64, executor: 'ort', ...quiet });
    expect(ortRunStats(demo.graph).runs - before).toBe(Math.ceil(64 / 32));
    expect(again.execution).toMatchObject({ executor: 'ort' });
    again.dispose();
    const builtOnce = ortSessionStats(demo.graph).builds;
    expect(builtOnce - builds).toBeLessThanOrEqual(2); // batch 1: its gradient graph (32 points) and forward graph
    const third = await explain(demo, x, { method: 'integrated_gradients', steps: 64, executor: 'ort', ...quiet });
    expect(third.execution).toMatchObject({ executor: 'ort', built: false });
    third.dispose();
    expect(ortSessionStats(demo.graph).builds).toBe(builtOnce);
    x.dispose();
  });

  it.each<[string, { samples: number; batchSize?: number } & Record<string, unknown>]>([
    ['smoothgrad', { samples: 10, batchSize: 8, base: 'gradient' }],
    ['vargrad', { samples: 6, base: 'lrp', baseOptions: { composite: 'epsilon_plus' } }],
    ['smoothgrad_squared', { samples: 3, base: 'integrated_gradients', baseOptions: { steps: 4 } }],
  ])('%s %j: the same seeded noise as tfjs, every pass one run on ORT', async (method, options) => {
    const runs = ortRunStats(demo.graph).runs;
    (await onBoth(method, options, 1e-4)).dispose();
    // Copies of a batch of 2 in passes of ≤ batchSize / 2 copies; the IG inside runs its 4 points of a pass's copies as one run.
    expect(ortRunStats(demo.graph).runs - runs).toBe(Math.ceil(options.samples / Math.floor((options.batchSize ?? 32) / 2)));
  });

  it('stops between batches when cancelled, leaving no tensors behind', async () => {
    const x = images.slice(0, 1);
    (await explain(demo, x, { method: 'integrated_gradients', steps: 8, batchSize: 4, executor: 'ort', ...quiet })).dispose(); // builds outside the count
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = explain(demo, x, {
      method: 'integrated_gradients', steps: 8, batchSize: 4, executor: 'ort', ...quiet, signal: controller.signal,
      onProgress: (p: Progress) => p.done === 4 && controller.abort(),
    });
    await expect(run).rejects.toThrow(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('falls back to tfjs with one notice for what it cannot compile', async () => {
    const notices: string[] = [];
    const onNotice = (line: string) => notices.push(line);
    const a = gradient(demo, images, { keepNodeRelevance: true });
    const b = await gradientOn(demo, images, { keepNodeRelevance: true, executor: 'ort', onNotice });
    try {
      expect(notices).toEqual(["xai: executor 'ort' cannot run relevance kept at every node (keepNodeRelevance) yet; running on tfjs instead"]);
      expect(b.execution).toEqual({ executor: 'tfjs', fallback: 'relevance kept at every node (keepNodeRelevance)' });
      expectClose(a.relevance, b.relevance);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('SmoothGrad over a method that does not run on ORT: one notice, not one per pass', async () => {
    const inner = methodByName('gradient');
    registerMethod({ ...inner, name: 'gradient_on_tfjs_only', runsOnOrt: false, run: (m, x, o, c) => inner.run(m, x, { ...o, executor: 'tfjs' }, c) });
    const notices: string[] = [];
    const options = { method: 'smoothgrad', base: 'gradient_on_tfjs_only', samples: 6, batchSize: 4 };
    const a = await explain(demo, images, { ...options, executor: 'tfjs' });
    const b = await explain(demo, images, { ...options, executor: 'ort', onNotice: (line) => notices.push(line) });
    try {
      expect(notices).toEqual(["xai: executor 'ort' cannot run method 'gradient_on_tfjs_only' yet; running on tfjs instead"]);
      expect(b.execution).toEqual({ executor: 'tfjs', fallback: "method 'gradient_on_tfjs_only'" });
      expectClose(a.relevance, b.relevance, 0);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

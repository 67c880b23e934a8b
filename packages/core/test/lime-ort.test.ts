/**
 * LIME on the 'ort' executor: the perturbed copies (same seeded masks) run in fixed-size batches
 * through the model's forward graph compiled for ONNX Runtime (last batch padded), the surrogate is
 * fitted in JS as on tfjs, and the attributions equal the tfjs executor's on a channels-last model
 * (the demo CNN) and a channels-first ONNX model, whose channels-last view keeps its sessions with
 * the model (a second call — LIME's or occlusion's — builds nothing).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, initBackend, loadModel, ortSessionStats, type Explanation, type XaiModel } from '../src/index.js';
import { expectSameOnBothExecutors } from './executor-comparison.js';

const DEMO = join(import.meta.dirname, '../demo/model');
const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures');

/**
 * Relative tolerance: each target logit is a float32 forward pass summed in another order (≈ 1e-6
 * relative to the logits); the ridge fit (α = 1, well conditioned) maps them to coefficients of the
 * same magnitude (measured on the demo CNN: 1.0e-7 of the largest coefficient).
 */
const REL = 1e-5;

type Lime = Explanation & { scores: number[]; intercepts: number[] };

function expectSameSurrogates(a: Lime, b: Lime): void {
  b.intercepts.forEach((v, i) => expect(v).toBeCloseTo(a.intercepts[i]!, 4));
  b.scores.forEach((v, i) => expect(v).toBeCloseTo(a.scores[i]!, 4));
}

let demo: XaiModel;
beforeAll(async () => {
  await initBackend();
  demo = await loadModel(DEMO);
});
afterAll(() => demo.dispose());

describe("LIME on executor 'ort'", () => {
  it('equals tfjs on the demo CNN (a batch of 2, 100 samples in batches of 32, the last padded) and builds once', async () => {
    const before = tf.memory().numTensors;
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 5);
    const options = { method: 'lime', nSegments: 20, samples: 100, batchSize: 32, fill: 'mean' as const, seed: 7, target: [1, 2] };
    const notices: string[] = [];
    const a = await explain(demo, x, { ...options, executor: 'tfjs' });
    const b = await explain(demo, x, { ...options, executor: 'ort', onNotice: (l) => notices.push(l) });
    const again = await explain(demo, x, { ...options, executor: 'ort' });
    try {
      expect(a.execution).toEqual({ executor: 'tfjs' });
      expect(b.execution).toMatchObject({ executor: 'ort', provider: expect.stringMatching(/^(cpu|cuda)$/) });
      expectSameOnBothExecutors(a, b, notices, REL);
      expectSameSurrogates(a as unknown as Lime, b as unknown as Lime);
      expect(again.execution?.built).toBe(false);
    } finally {
      [a, b, again].forEach((e) => e.dispose());
      x.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('equals tfjs on a channels-first ONNX model; its view keeps the sessions with the model (LIME and occlusion build once)', async () => {
    const model = await loadModel(join(FIXTURES, 'onnx/onnx_cnn_bn/model.onnx'), { workers: false });
    const x = tf.randomUniform(model.graph.inputShapes[0]!.slice(1) as number[], -1, 1, 'float32', 6);
    const made: Explanation[] = [];
    try {
      const options = { method: 'lime', segmentation: 'grid', nSegments: 16, samples: 40, batchSize: 16, seed: 3 };
      const notices: string[] = [];
      const a = await explain(model, x, { ...options, executor: 'tfjs' });
      made.push(a);
      const b = await explain(model, x, { ...options, executor: 'ort', onNotice: (l) => notices.push(l) });
      made.push(b);
      expect(b.relevance.shape).toEqual(x.shape);
      expectSameOnBothExecutors(a, b, notices, REL);
      expectSameSurrogates(a as unknown as Lime, b as unknown as Lime);
      const builds = ortSessionStats(model.graph).builds;
      made.push(await explain(model, x, { ...options, executor: 'ort' }));
      expect(made.at(-1)!.execution?.built).toBe(false);
      // occlusion's copies go through the same view: built once, then taken from the model's cache
      const occlusion = { method: 'occlusion', window: 3, stride: 2, executor: 'ort' as const };
      made.push(await explain(model, x, occlusion));
      made.push(await explain(model, x, occlusion));
      expect(made.at(-1)!.execution?.built).toBe(false);
      expect(ortSessionStats(model.graph).builds).toBeLessThanOrEqual(builds + 1);
    } finally {
      made.forEach((e) => e.dispose());
      x.dispose();
      model.dispose();
    }
  });
});

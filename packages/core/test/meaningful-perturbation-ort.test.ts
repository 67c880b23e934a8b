/**
 * Meaningful perturbation on the 'ort' executor: every Adam step's score and ∂score/∂x̃ come from the
 * model's gradient graph compiled for ONNX Runtime (seeded with ∂p_t/∂z = p_t(δ − p), or the one-hot
 * for the logit score), the mask's blend, upsampling and penalties stay in tfjs. The masks equal the
 * tfjs executor's on a channels-last model (the demo CNN) and a channels-first ONNX model, whose
 * channels-last view keeps its sessions with the model (a second call builds nothing).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, initBackend, loadModel, ortSessionStats, type Explanation, type XaiModel } from '../src/index.js';
import { expectCloseTensors, expectSameOnBothExecutors } from './executor-comparison.js';

const DEMO = join(import.meta.dirname, '../demo/model');
const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures');

/**
 * Relative tolerance: each step's gradient differs by float32 summation order (≈ 1e-6 relative);
 * Adam normalises it, so the mask takes the same steps on both executors (measured on the demo CNN:
 * masks within 2.4e-7 after 300 steps, 1.2e-7 after 12).
 */
const REL = 1e-5;

type Perturbation = Explanation & { mask: tf.Tensor; scoreBefore: number[]; scoreAfter: number[] };

function expectSameMasks(a: Perturbation, b: Perturbation): void {
  expectCloseTensors(a.mask, b.mask, 'mask', REL);
  b.scoreAfter.forEach((v, i) => expect(Math.abs(v - a.scoreAfter[i]!)).toBeLessThanOrEqual(REL * Math.abs(a.scoreBefore[i]!) + 1e-7));
}

let demo: XaiModel;
beforeAll(async () => {
  await initBackend();
  demo = await loadModel(DEMO);
});
afterAll(() => demo.dispose());

describe("meaningful perturbation on executor 'ort'", () => {
  for (const score of ['probability', 'logit'] as const) {
    it(`equals tfjs on the demo CNN (${score} score, a batch of 2, 12 steps) and builds once`, async () => {
      const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 8);
      const options = { method: 'meaningful_perturbation', score, steps: 12, maskSize: 4, warmup: 0.5, target: [1, 2] };
      const notices: string[] = [];
      const a = await explain(demo, x, { ...options, executor: 'tfjs' });
      const before = tf.memory().numTensors; // after tfjs's first call, which keeps a few tensors cached
      const b = await explain(demo, x, { ...options, executor: 'ort', onNotice: (l) => notices.push(l) });
      const again = await explain(demo, x, { ...options, executor: 'ort' });
      try {
        expect(a.execution).toEqual({ executor: 'tfjs' });
        expect(b.execution).toMatchObject({ executor: 'ort', provider: expect.stringMatching(/^(cpu|cuda)$/) });
        expectSameOnBothExecutors(a, b, notices, REL);
        expectSameMasks(a as unknown as Perturbation, b as unknown as Perturbation);
        expect(again.execution?.built).toBe(false);
      } finally {
        [b, again].forEach((e) => e.dispose());
        expect(tf.memory().numTensors).toBe(before);
        a.dispose();
        x.dispose();
      }
    });
  }

  it('equals tfjs on a channels-first ONNX model (logit score); its view keeps the sessions with the model', async () => {
    const model = await loadModel(join(FIXTURES, 'onnx/onnx_cnn_bn/model.onnx'), { workers: false });
    const x = tf.randomUniform(model.graph.inputShapes[0]!.slice(1) as number[], -1, 1, 'float32', 9);
    const made: Explanation[] = [];
    try {
      // (this small model's target probability rises wherever a cell is deleted: only the logit score moves its mask)
      const options = { method: 'meaningful_perturbation', steps: 10, maskSize: 3, score: 'logit', target: 0 };
      const notices: string[] = [];
      made.push(await explain(model, x, { ...options, executor: 'tfjs' }));
      made.push(await explain(model, x, { ...options, executor: 'ort', onNotice: (l) => notices.push(l) }));
      const [a, b] = made as [Perturbation, Perturbation];
      expect(b.relevance.shape).toEqual(x.shape);
      expectSameOnBothExecutors(a, b, notices, REL);
      expectSameMasks(a, b);
      const builds = ortSessionStats(model.graph).builds;
      made.push(await explain(model, x, { ...options, executor: 'ort' }));
      expect(made.at(-1)!.execution?.built).toBe(false);
      expect(ortSessionStats(model.graph).builds).toBe(builds);
    } finally {
      made.forEach((e) => e.dispose());
      x.dispose();
      model.dispose();
    }
  });
});

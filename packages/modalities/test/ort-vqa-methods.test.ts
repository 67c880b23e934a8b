/**
 * The VQA demo model (image + question token ids) under single-input methods on the 'ort' executor:
 * integrated gradients and SmoothGrad explain the image with the question held — int32 ids fed to
 * the compiled graph on every run — with the relevance of tfjs, no fallback, and no rebuild for
 * another question; LIME explains both inputs (the question's tokens masked) as on tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { explain, initBackend, loadModel, ortSessionStats, type XaiModel } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSameOnBothExecutors } from '../../core/test/executor-comparison.js';
import { exampleArrays, generateDataset, QUESTION_LENGTH, VQA_DEMO_MODEL, VQA_SPLITS } from '../src/index.js';

let model: XaiModel;
const heldout = generateDataset(VQA_SPLITS.heldout.seed, VQA_SPLITS.heldout);

/** Image and question (int32 ids, as the adapter hands them) of held-out examples [from, to). */
function inputs(from: number, to: number): tf.Tensor[] {
  const a = exampleArrays(heldout, heldout.examples.slice(from, to));
  return [tf.tensor4d(a.images, [a.count, 48, 48, 3]), tf.tensor2d(a.ids, [a.count, QUESTION_LENGTH], 'int32')];
}

beforeAll(async () => {
  await initBackend();
  registerLstmPlugin();
  model = await loadModel(VQA_DEMO_MODEL, { workers: false });
});
afterAll(() => model.dispose());

describe("VQA single-input methods on executor 'ort'", () => {
  it.each<[string, Record<string, unknown>]>([
    ['integrated_gradients', { steps: 8 }],
    ['smoothgrad', { samples: 4, seed: 2 }],
  ])('%s %j of the image, the question held: as on tfjs, no fallback', async (method, options) => {
    const x = inputs(0, 2);
    const notices: string[] = [];
    const tfjs = await explain(model, x, { method, ...options, executor: 'tfjs' });
    const ort = await explain(model, x, { method, ...options, executor: 'ort', onNotice: (line) => notices.push(line) });
    try {
      expect(ort.options.explainedInputs).toEqual([model.graph.inputNames[0]]);
      // The question (ids) gets zeros on both; 1e-4: float32 sums through conv, LSTM and dense layers over several passes.
      expectSameOnBothExecutors({ ...tfjs, relevances: [tfjs.relevances[0]!] }, { ...ort, relevances: [ort.relevances[0]!] }, notices, 1e-4);
      expect(Array.from(ort.relevances[1]!.dataSync()).every((v) => v === 0)).toBe(true);
    } finally {
      tfjs.dispose();
      ort.dispose();
      tf.dispose(x);
    }
  });

  it('another question runs the session already built', async () => {
    const options = { method: 'integrated_gradients', steps: 8, executor: 'ort' as const, onNotice: (line: string) => expect.fail(`unexpected notice: ${line}`) };
    const first = inputs(2, 3);
    const second = inputs(3, 4);
    try {
      (await explain(model, first, options)).dispose();
      const stats = ortSessionStats(model.graph);
      const again = await explain(model, second, options);
      expect(ortSessionStats(model.graph)).toEqual(stats);
      expect(again.execution).toMatchObject({ executor: 'ort', built: false });
      again.dispose();
    } finally {
      tf.dispose([...first, ...second]);
    }
  });

  it('LIME of the image and of the question (masked token ids, int64 feeds; 40 copies in batches of 16, the last padded): as on tfjs', async () => {
    const x = inputs(4, 5);
    const notices: string[] = [];
    const options = { method: 'lime', samples: 40, batchSize: 16, nSegments: 8, seed: 1 };
    const tfjs = await explain(model, x, { ...options, executor: 'tfjs' });
    const ort = await explain(model, x, { ...options, executor: 'ort', onNotice: (line) => notices.push(line) });
    try {
      expect(ort.options.explainedInputs).toEqual(model.graph.inputNames);
      // 1e-4: the copies' logits are float32 sums through conv, LSTM and dense layers, fitted by ridge regression.
      expectSameOnBothExecutors(tfjs, ort, notices, 1e-4);
    } finally {
      tfjs.dispose();
      ort.dispose();
      tf.dispose(x);
    }
  });
});

/**
 * The committed Clever Hans demo model explained by LRP (default composite) on both executors: the
 * 'ort' executor runs it without falling back and gives the same relevance and logits as 'tfjs',
 * on two generated images in one batch.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadModel, lrp, lrpOn, type XaiModel } from '@xai/core';
import { expectSameOnBothExecutors } from '../../core/test/executor-comparison.js';
import { CLEVER_HANS_MODEL, generateCleverHans } from '../src/index.js';


let model: XaiModel;

beforeAll(async () => {
  await initBackend();
  model = await loadModel(CLEVER_HANS_MODEL, { workers: false });
});
afterAll(() => model?.dispose());

describe("Clever Hans demo on the 'ort' executor", () => {
  it('same relevance and logits as tfjs, no fallback', async () => {
    const data = generateCleverHans(2, 17);
    const x = tf.tensor4d(data.images, [2, 32, 32, 3]);
    const notices: string[] = [];
    const a = lrp(model, x);
    const b = await lrpOn(model, x, { executor: 'ort', onNotice: (line) => notices.push(line) });
    try {
      expectSameOnBothExecutors(a, b, notices, 1e-4);
    } finally {
      a.dispose();
      b.dispose();
      x.dispose();
    }
  });
});

/**
 * The committed Clever Hans demo model explained by LRP (default composite) on both executors: the
 * 'ort' executor runs it without falling back and gives the same relevance and logits as 'tfjs',
 * on two generated images in one batch.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadModel, lrp, lrpOn, type XaiModel } from '@xai/core';
import { CLEVER_HANS_MODEL, generateCleverHans } from '../src/index.js';

/** max |a − b| ≤ 1e-4 · max |a| (+1e-7): float32 sums in another order. */
function expectClose(a: tf.Tensor, b: tf.Tensor, what: string): void {
  expect(b.shape, what).toEqual(a.shape);
  const [diff, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!, tf.max(tf.abs(a)).dataSync()[0]!]);
  expect(scale, `${what}: all zero`).toBeGreaterThan(0);
  expect(diff, what).toBeLessThanOrEqual(1e-4 * scale + 1e-7);
}

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
      expect(notices).toEqual([]);
      expect(b.execution?.executor).toBe('ort');
      expect(b.targets).toEqual(a.targets);
      expectClose(a.logits, b.logits, 'logits');
      expectClose(a.relevance, b.relevance, 'relevance');
    } finally {
      a.dispose();
      b.dispose();
      x.dispose();
    }
  });
});

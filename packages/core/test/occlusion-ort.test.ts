/**
 * Occlusion on the 'ort' executor: the occluded copies run in fixed-size batches through the
 * model's forward graph compiled for ONNX Runtime (last batch padded), and the attributions equal
 * the tfjs executor's on a channels-last model (the demo CNN) and a channels-first ONNX model.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, initBackend, loadModel, ortSessionStats, type XaiModel } from '../src/index.js';

const DEMO = join(import.meta.dirname, '../demo/model');
const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures');

/**
 * max |a − b| ≤ 1e-5 · max |a| + 1e-6: each attribution is a difference of two logits, each
 * computed by a float32 forward pass summed in another order (≈ 1e-6 relative to the logits).
 */
function expectClose(a: tf.Tensor, b: tf.Tensor, logitScale: number): void {
  expect(b.shape).toEqual(a.shape);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
  expect(diff).toBeLessThanOrEqual(1e-5 * logitScale + 1e-6);
}

let demo: XaiModel;
beforeAll(async () => {
  await initBackend();
  demo = await loadModel(DEMO);
});
afterAll(() => demo.dispose());

describe("occlusion on executor 'ort'", () => {
  it('equals tfjs on the demo CNN (a batch of 2, window 5 stride 3: 100 windows in batches of 32, the last padded) and builds once', async () => {
    const before = tf.memory().numTensors;
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 3);
    const options = { method: 'occlusion', window: 5, stride: 3, batchSize: 32, fill: 'mean' as const, target: [1, 2] };
    const notices: string[] = [];
    const a = await explain(demo, x, { ...options, executor: 'tfjs' });
    const b = await explain(demo, x, { ...options, executor: 'ort', onNotice: (l) => notices.push(l) });
    const again = await explain(demo, x, { ...options, executor: 'ort' });
    try {
      expect(notices).toEqual([]);
      expect(a.execution).toEqual({ executor: 'tfjs' });
      expect(b.execution).toMatchObject({ executor: 'ort', provider: expect.stringMatching(/^(cpu|cuda)$/) });
      expect(b.targets).toEqual([1, 2]);
      const scale = tf.tidy(() => tf.max(tf.abs(a.logits)).dataSync()[0]!);
      expectClose(a.logits, b.logits, scale);
      expectClose(a.relevance, b.relevance, scale);
      expect(tf.tidy(() => tf.max(tf.abs(a.relevance)).dataSync()[0]!)).toBeGreaterThan(1e-3); // not trivially zero
      // the second call runs the session the first one built (same model, chunk and shape)
      expect(again.execution?.built).toBe(false);
      expect(ortSessionStats(demo.graph).sessions).toBeGreaterThanOrEqual(1);
    } finally {
      [a, b, again].forEach((e) => e.dispose());
      x.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('equals tfjs on a channels-first ONNX model (copies moved back to the model layout for ORT)', async () => {
    const model = await loadModel(join(FIXTURES, 'onnx/onnx_cnn_bn/model.onnx'), { workers: false });
    const x = tf.randomUniform(model.graph.inputShapes[0]!.slice(1) as number[], -1, 1, 'float32', 4);
    try {
      const options = { method: 'occlusion', window: 3, stride: 2 };
      const a = await explain(model, x, { ...options, executor: 'tfjs' });
      const b = await explain(model, x, { ...options, executor: 'ort' });
      try {
        expect(b.execution?.executor).toBe('ort');
        expect(b.targets).toEqual(a.targets);
        expect(b.relevance.shape).toEqual(x.shape);
        const scale = tf.tidy(() => tf.max(tf.abs(a.logits)).dataSync()[0]!);
        expectClose(a.relevance, b.relevance, scale);
      } finally {
        a.dispose();
        b.dispose();
      }
    } finally {
      x.dispose();
      model.dispose();
    }
  });
});

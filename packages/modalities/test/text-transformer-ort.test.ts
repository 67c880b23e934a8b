/**
 * The transformer text demo on the 'ort' executor (explanations compiled to ONNX Runtime) against
 * tfjs: conservative LRP at the encoder input (composite 'transformer') and attention rollout, on
 * a batch of three held-out sentences with their attention masks, as the model converts alone and
 * with the LSTM plugin (whose embedding and token-selection nodes replace the importer's). One
 * build per (model, method, input shape): a second call runs the cached session.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, explainAt, loadModel, ortSessionStats, type XaiModel } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import { HELDOUT } from '../scripts/text-transformer-check.js';
import { TEXT_DEMO_MODELS, TEXT_DEMO_TOKENIZER } from '../src/text/demo.js';
import { SubwordTokenizer } from '../src/text/subword/index.js';

/**
 * max |a − b| ≤ 1e-5 · max |a| + 1e-6: float32 sums in another order through two encoder layers
 * (measured ≈ 2e-6 relative on relevance, 1e-6 absolute on logits).
 */
function expectClose(a: tf.Tensor, b: tf.Tensor, relative = 1e-5): void {
  expect(b.shape).toEqual(a.shape);
  const [diff, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!, tf.max(tf.abs(a)).dataSync()[0]!]);
  expect(diff).toBeLessThanOrEqual(relative * scale + 1e-6);
}

let alone: XaiModel;
let withPlugin: XaiModel;
let inputs: tf.Tensor[];

beforeAll(async () => {
  alone = await loadModel(TEXT_DEMO_MODELS.transformer);
  registerLstmPlugin();
  withPlugin = await loadModel(TEXT_DEMO_MODELS.transformer);
  const tokenizer = await SubwordTokenizer.load(TEXT_DEMO_TOKENIZER);
  const T = alone.inputShapes[0]![1]!;
  const sentences = HELDOUT.slice(0, 3);
  const ids = new Int32Array(sentences.length * T);
  const mask = new Int32Array(sentences.length * T);
  sentences.forEach((s, i) => {
    const e = tokenizer.encode(s.text, { maxLength: T, padTo: T });
    ids.set(e.ids, i * T);
    mask.set(e.attentionMask, i * T);
  });
  inputs = [tf.tensor2d(ids, [sentences.length, T], 'int32'), tf.tensor2d(mask, [sentences.length, T], 'int32')];
});

afterAll(() => {
  alone?.dispose();
  withPlugin?.dispose();
  tf.dispose(inputs);
});

describe.each([
  ['as converted by core', () => alone],
  ['with the LSTM plugin registered', () => withPlugin],
])("transformer demo on executor 'ort' (%s)", (_name, model) => {
  it("LRP with composite 'transformer' at the encoder input equals tfjs (relevance [3, 64, 48], logits, targets)", async () => {
    const request = { method: 'lrp', composite: 'transformer', target: [0, 1, 1] } as const;
    const a = await explainAt(model(), inputs, request);
    const notices: string[] = [];
    const b = await explainAt(model(), inputs, { ...request, executor: 'ort', onNotice: (line) => notices.push(line) });
    try {
      expect(notices).toEqual([]);
      expect(b.execution?.executor).toBe('ort');
      expect(b.targets).toEqual(a.targets);
      expect(b.relevance.shape).toEqual([3, 64, 48]);
      expectClose(a.logits, b.logits);
      expectClose(a.relevance, b.relevance);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('attention rollout equals tfjs', async () => {
    const a = await explain(model(), inputs, { method: 'attention_rollout' });
    const b = await explain(model(), inputs, { method: 'attention_rollout', executor: 'ort', onNotice: (line) => expect.fail(line) });
    try {
      expect(b.execution?.executor).toBe('ort');
      expect(b.targets).toEqual(a.targets);
      expectClose(a.logits, b.logits);
      expectClose(a.relevance, b.relevance);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('builds once: a second explanation (a new view of the model from its encoder input) runs the cached session', async () => {
    const request = { method: 'lrp', composite: 'transformer', executor: 'ort' } as const;
    (await explainAt(model(), inputs, request)).dispose();
    const before = ortSessionStats(model().graph).builds;
    const again = await explainAt(model(), inputs, { ...request, target: 0 });
    try {
      expect(again.execution).toMatchObject({ executor: 'ort', built: false });
      expect(ortSessionStats(model().graph).builds).toBe(before);
    } finally {
      again.dispose();
    }
  });
});

describe("the transformer composite's other choices, and the gradient, on executor 'ort' equal tfjs", () => {
  // LayerNorm's full gradient through five LayerNorms is sensitive to float32 order: tfjs's own cpu
  // and wasm backends differ by 1e-4 of the largest relevance there, so 2e-4 relative for it.
  it.each([
    [{ attention: 'attnlrp' }, 1e-5],
    [{ layerNorm: 'gradient' }, 2e-4],
    [{ attention: 'attnlrp', layerNorm: 'gradient' }, 2e-4],
    // the plain gradient: every node's vector–Jacobian product (softmax, A·V and Q·Kᵀ, GELU, the mask's path)
    [{ composite: 'gradient' }, 1e-5],
  ] as const)('%o', async (choice, relative) => {
    const request = { method: 'lrp', composite: 'transformer', target: [1, 0, 1], ...choice } as const;
    const a = await explainAt(alone, inputs, request);
    const b = await explainAt(alone, inputs, { ...request, executor: 'ort', onNotice: (line) => expect.fail(line) });
    try {
      expect(b.execution?.executor).toBe('ort');
      expectClose(a.logits, b.logits);
      expectClose(a.relevance, b.relevance, relative);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

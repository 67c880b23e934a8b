/**
 * Every committed demo model of this package explained by LRP with its default composite on both
 * executors: the 'ort' executor (explanations compiled to ONNX Runtime) gives the same relevance
 * and logits as 'tfjs' and runs without falling back. One seeded sample each.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadModel, lrp, lrpOn, type Explanation, type XaiModel } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import { expectCloseTensors, expectSameOnBothExecutors } from '../../core/test/executor-comparison.js';
import { AUDIO_DEMO_MODELS, EEG_DEMO_MODELS, FMRI_DEMO_MODELS, TEXT_DEMO_MODELS, VIDEO_DEMO_MODELS, VQA_DEMO_MODEL } from '../src/index.js';

/**
 * One seeded sample per model input: token ids in [1, 20) (every demo vocabulary is larger: VQA's has 32),
 * after a quarter of padding zeros, for token inputs (int32, as the adapters hand them, whatever dtype
 * the graph reads), and values uniform in [0, 1) for the others.
 */
function sampleFor(model: XaiModel, tokens: readonly number[], seed: number): tf.Tensor[] {
  return model.graph.inputShapes.map((shape, i) => {
    const dims = [1, ...(shape.slice(1) as number[])];
    if (!tokens.includes(i)) return tf.randomUniform(dims, 0, 1, 'float32', seed + i);
    return tf.tidy(() => {
      // The first quarter of the steps padding (id 0: steps an Embedding with maskZero masks).
      const steps = dims[1]!;
      const kept = tf.greaterEqual(tf.range(0, steps), Math.floor(steps / 4)).toFloat().reshape([1, steps]);
      const ids = tf.mul(tf.floor(tf.randomUniform(dims, 1, 20, 'float32', seed + i)), kept);
      // int32 as the text and VQA adapters hand them, also to Keras models whose graph reads float ids.
      return ids.toInt();
    });
  });
}

interface DemoCase {
  readonly name: string;
  readonly path: string;
  /** The inputs that take token ids. */
  readonly tokens?: readonly number[];
}

const compiled: DemoCase[] = [
  { name: 'EEGNet (Keras: depthwise and separable convolutions, ELU, average pooling)', path: EEG_DEMO_MODELS[0]!.path },
  { name: 'EEGNet (ONNX from PyTorch: grouped convolutions)', path: EEG_DEMO_MODELS[1]!.path },
  { name: 'fMRI Conv3D (3-D convolutions and max pooling)', path: FMRI_DEMO_MODELS.conv3d },
  { name: 'audio spectrogram CNN', path: AUDIO_DEMO_MODELS.spectrogram },
  { name: 'audio waveform CNN (1-D convolutions and max pooling)', path: AUDIO_DEMO_MODELS.waveform },
  { name: 'video motion Conv3D', path: VIDEO_DEMO_MODELS.motionConv3d },
  { name: 'text CNN (Embedding, Conv1D, global max pooling)', path: TEXT_DEMO_MODELS.cnn, tokens: [0] },
  { name: 'text LSTM (Embedding with maskZero, LSTM unrolled)', path: TEXT_DEMO_MODELS.lstm, tokens: [0] },
  { name: 'VQA (CNN and LSTM question encoder, concatenated)', path: VQA_DEMO_MODEL, tokens: [1] },
  { name: 'fMRI CNN-LSTM (TimeDistributed, Bidirectional LSTM)', path: FMRI_DEMO_MODELS.cnnLstm },
  { name: 'video flash CNN-LSTM (TimeDistributed, LSTM)', path: VIDEO_DEMO_MODELS.flashCnnLstm },
];

/**
 * The transformer takes token ids (input_ids, attention_mask), where LRP's relevance is zero on both
 * executors (ids are not differentiable): here it runs on ORT with tfjs's logits and targets; its
 * relevance at the embedding output (explainAt) is compared in text-transformer-ort.test.ts.
 */
const transformer: DemoCase = { name: 'text transformer (ONNX)', path: TEXT_DEMO_MODELS.transformer, tokens: [0, 1] };

beforeAll(async () => {
  await initBackend();
  registerLstmPlugin();
});

async function bothExecutors(c: DemoCase, seed: number) {
  const model = await loadModel(c.path, { workers: false });
  const x = sampleFor(model, c.tokens ?? [], seed);
  const notices: string[] = [];
  let tfjs: Explanation | undefined;
  let ort: Explanation | undefined;
  try {
    tfjs = lrp(model, x);
    ort = await lrpOn(model, x, { executor: 'ort', onNotice: (line) => notices.push(line) });
    return { tfjs, ort, notices };
  } catch (err) {
    tfjs?.dispose();
    throw err;
  } finally {
    x.forEach((t) => t.dispose());
    model.dispose();
  }
}

describe("demo models on the 'ort' executor", () => {
  const open: Explanation[] = [];
  afterAll(() => open.forEach((e) => e.dispose()));

  it.each(compiled.map((c, i) => [c.name, c, i] as const))('%s: same relevance and logits as tfjs, no fallback', async (_name, c, i) => {
    const { tfjs, ort, notices } = await bothExecutors(c, 11 + 7 * i);
    open.push(tfjs, ort);
    // 1e-4: float32 sums in another order through up to a dozen layers.
    expectSameOnBothExecutors(tfjs, ort, notices, 1e-4);
  });

  it(`${transformer.name}: runs on ORT with the logits of tfjs, no fallback`, async () => {
    const { tfjs, ort, notices } = await bothExecutors(transformer, 53);
    open.push(tfjs, ort);
    expect(notices).toEqual([]);
    expect(ort.execution?.executor).toBe('ort');
    expect(ort.targets).toEqual(tfjs.targets);
    expectCloseTensors(tfjs.logits, ort.logits, 'logits', 1e-4);
  });
});

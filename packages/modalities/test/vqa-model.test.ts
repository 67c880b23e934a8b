/**
 * The committed VQA demo model (demo/vqa/model, trained by scripts/vqa-train.ts): held-out accuracy,
 * relevance for both inputs from one backward pass, memory, and the adapter's artefacts.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { epsilon, explain, initBackend, loadModel, lrp, modelLoadHandler, XaiModel } from '@xai/core';
import { relevanceMassAccuracy, relevanceRankAccuracy } from '@xai/eval';
import { recurrentComposite, registerLstmPlugin } from '@xai/lstm';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adapterForFiles, ANSWERS, exampleArrays, explainInput, generateDataset, groundTruthObjects, executeProgram, modelInputSpecs, QUESTION_LENGTH,
  renderScene, unionMask, VQA_DEMO_FILES, VQA_DEMO_MODEL, VQA_SPLITS, vqaAdapter, type InputFile, type Program, type Scene,
  VqaAnswerSchema, type VqaAnswer,
} from '../src/index.js';

/** Held-out accuracy must beat the majority answer by this much (measured: see training.json). */
const ACCURACY_MARGIN = 0.3;

let model: XaiModel;
const heldout = generateDataset(VQA_SPLITS.heldout.seed, VQA_SPLITS.heldout);
const read = (path: string): InputFile => ({ name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(path)) });
const demoFiles = (family: keyof typeof VQA_DEMO_FILES) => [read(VQA_DEMO_FILES[family].question), read(VQA_DEMO_FILES[family].image)];

/** Image and question tensors of held-out examples [from, to). */
function inputs(from: number, to: number): [tf.Tensor, tf.Tensor] {
  const a = exampleArrays(heldout, heldout.examples.slice(from, to));
  return [tf.tensor4d(a.images, [a.count, 48, 48, 3]), tf.tensor2d(a.ids, [a.count, QUESTION_LENGTH], 'int32')];
}

beforeAll(async () => {
  await initBackend();
  registerLstmPlugin();
  model = await loadModel(VQA_DEMO_MODEL, { workers: false });
});
afterAll(() => model.dispose());

describe('the demo model', () => {
  it('answers held-out questions far above the majority baseline', () => {
    const a = exampleArrays(heldout);
    const predicted = tf.tidy(() => (model.layersModel.predict([tf.tensor4d(a.images, [a.count, 48, 48, 3]), tf.tensor2d(a.ids, [a.count, QUESTION_LENGTH], 'int32')]) as tf.Tensor).argMax(-1).dataSync());
    const accuracy = a.labels.filter((l, i) => predicted[i] === l).length / a.count;
    const counts = ANSWERS.map((_, c) => a.labels.filter((l) => l === c).length);
    const majority = Math.max(...counts) / a.count;
    const training = JSON.parse(readFileSync(new URL('../demo/vqa/model/training.json', import.meta.url), 'utf8')) as { heldoutAccuracy: number };
    expect(accuracy).toBeCloseTo(training.heldoutAccuracy, 3); // the committed weights are the trained ones
    expect(majority).toBeLessThan(0.25);
    expect(accuracy).toBeGreaterThan(majority + ACCURACY_MARGIN);
  });
});

describe('two inputs, one backward pass', () => {
  it('LRP gives relevance to the image and to the question words at once, conserved across both', async () => {
    // Biases and stabilisers absorb relevance (here 10–50% of the logit), so conservation is checked
    // on a copy of the model with every bias (Conv2D, LSTM, Dense) set to zero, under ε = 1e-9 in
    // every layer, the LSTM's own rule included (its default ε is 1e-3).
    const layers = await tf.loadLayersModel(modelLoadHandler(VQA_DEMO_MODEL.replace(/model\.json$/, '')));
    for (const layer of layers.layers) {
      const weights = layer.weights.map((w, k) => (w.originalName.endsWith('/bias') ? tf.zerosLike(layer.getWeights()[k]!) : layer.getWeights()[k]!));
      layer.setWeights(weights);
    }
    const unbiased = XaiModel.fromLayersModel(layers, { workers: false });
    const x = inputs(0, 4);
    const result = lrp(unbiased, x, { composite: recurrentComposite(epsilon(1e-9), { epsilon: 1e-9 }) });
    try {
      expect(result.relevances.map((r) => r.shape)).toEqual([[4, 48, 48, 3], [4, QUESTION_LENGTH]]);
      const image = result.relevances[0]!.sum([1, 2, 3]).arraySync() as number[];
      const question = result.relevances[1]!.sum(1).arraySync() as number[];
      const logits = result.logits.arraySync() as number[][];
      result.targets.forEach((t, i) => {
        expect(Math.abs(image[i]!)).toBeGreaterThan(0);
        expect(Math.abs(question[i]!)).toBeGreaterThan(0);
        expect(Math.abs(image[i]! + question[i]! - logits[i]![t]!), `sample ${i}: ${image[i]} + ${question[i]} vs ${logits[i]![t]}`).toBeLessThan(1e-3 * Math.abs(logits[i]![t]!));
      });
      // Padding (id 0, masked by the Embedding) receives nothing.
      const ids = x[1].dataSync();
      const r = result.relevances[1]!.dataSync();
      ids.forEach((id, k) => id === 0 && expect(r[k]).toBe(0));
    } finally {
      result.dispose();
      x.forEach((t) => t.dispose());
      unbiased.dispose();
    }
  });

  it('the engine gradient for the image equals autodiff with the question held', async () => {
    const [clean, ids] = inputs(4, 6);
    // Seeded noise breaks the exact ties a flat background leaves in max pooling (where both are valid subgradients).
    const image = tf.tidy(() => tf.add(clean, tf.randomUniform(clean.shape, 0, 1e-2, 'float32', 5)));
    clean.dispose();
    const result = await explain(model, [image, ids], { method: 'gradient' });
    const auto = tf.tidy(() => {
      const targets = tf.oneHot(tf.tensor1d(result.targets, 'int32'), ANSWERS.length);
      return tf.grad((img: tf.Tensor) => tf.sum(tf.mul(model.layersModel.apply([img, ids]) as tf.Tensor, targets)))(image);
    });
    try {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(auto, result.relevances[0]!))).dataSync()[0]!);
      const scale = tf.tidy(() => tf.max(tf.abs(auto)).dataSync()[0]!);
      expect(diff).toBeLessThan(1e-4 * scale);
    } finally {
      result.dispose();
      tf.dispose([auto, image, ids]);
    }
  });

  it('repeated explanations leave no tensors behind', async () => {
    const x = inputs(6, 8);
    const once = async (method: string, options: Record<string, unknown> = {}) => (await explain(model, x, { method, ...options })).dispose();
    await once('lrp'); // warm-up: the first LRP call caches kernels
    await once('gradient');
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      await once('lrp');
      await once('gradient_x_input');
      await once('integrated_gradients', { steps: 4 });
    }
    expect(tf.memory().numTensors).toBe(before);
    x.forEach((t) => t.dispose());
  });
});

describe('the vqa adapter', () => {
  it('is chosen for .vqa.json files and decodes [image, question ids] in the model order', async () => {
    const files = demoFiles('query_colour');
    expect(adapterForFiles(files).name).toBe('vqa');
    const decoded = await vqaAdapter.decode(files, {}, modelInputSpecs(model));
    expect(decoded.samples.map((s) => [s.dtype, s.shape])).toEqual([['float32', [48, 48, 3]], ['int32', [QUESTION_LENGTH]]]);
    expect(decoded.metadata.question).toBe('what colour is the large triangle ?');
    expect(decoded.metadata.groundTruth).toMatchObject({ objects: { single: expect.any(Array), all: expect.any(Array) } });
    expect((await vqaAdapter.preview(decoded)).name).toBe('input.png');
  });

  it('writes overlay, highlighted question, answers and ground-truth scores equal to @xai/eval\'s', async () => {
    const files = demoFiles('count');
    const out = await explainInput(model, vqaAdapter, files, { method: 'lrp', composite: 'epsilon_plus', classNames: ANSWERS });
    expect(out.artefacts.map((a) => a.name)).toEqual(['heatmap.png', 'overlay.png', 'question.html', 'answer.json', 'ground-truth.json', 'relevance.json']);
    const text = (name: string) => new TextDecoder().decode(out.artefacts.find((a) => a.name === name)!.bytes);
    const raw: unknown = JSON.parse(text('answer.json'));
    expect([...Value.Errors(VqaAnswerSchema, raw)]).toEqual([]); // the schema the dashboard's type comes from
    const answer = raw as VqaAnswer;
    expect(answer.answer).toBe(ANSWERS[out.logits.indexOf(Math.max(...out.logits))]);
    expect(answer.expectedAnswer).toBe(out.decoded.metadata.expectedAnswer);
    expect(answer.top.map((t) => t.score)).toEqual([...answer.top.map((t) => t.score)].sort((a, b) => b - a));
    const html = text('question.html');
    for (const word of ['how', 'many', 'blue', 'circles']) expect(html).toMatch(new RegExp(`data-score="[^"]+">${word}</span>`));

    // The same scores from @xai/eval's metrics on the relevance the adapter was given.
    const { scene, program } = out.decoded.metadata as { scene: Scene; program: Program };
    const rendered = renderScene(scene);
    const objects = groundTruthObjects(program, executeProgram(program, scene));
    const relevance = await explain(model, out.decoded.samples.map((s) => tf.tensor(s.values, [...s.shape], s.dtype)), { method: 'lrp', composite: 'epsilon_plus' });
    const image = relevance.relevances[0]!.dataSync() as Float32Array;
    relevance.dispose();
    const gt = JSON.parse(text('ground-truth.json')) as Record<'single' | 'all', { massAccuracy: number; rankAccuracy: number; objects: number[] }>;
    for (const truth of ['single', 'all'] as const) {
      const mask = unionMask(rendered, objects[truth]);
      expect(gt[truth].objects).toEqual(objects[truth]);
      expect(gt[truth].massAccuracy).toBeCloseTo(relevanceMassAccuracy(image, mask, [48, 48, 3], { pooling: 'sum,pos' }), 6);
      expect(gt[truth].rankAccuracy).toBeCloseTo(relevanceRankAccuracy(image, mask, [48, 48, 3], { pooling: 'sum,pos' }), 6);
    }
  });

  it('skips the ground truth when the image is not the described scene, and names missing files', async () => {
    const [question] = demoFiles('count');
    const [, otherImage] = demoFiles('query_colour');
    const decoded = await vqaAdapter.decode([question!, otherImage!], {}, modelInputSpecs(model));
    expect(decoded.metadata.groundTruth).toEqual({ skipped: 'the image does not show the described scene' });
    await expect(vqaAdapter.decode([question!])).rejects.toThrow(/count.vqa.json: no image given: give 'count.png'/);
    await expect(vqaAdapter.decode([question!, otherImage!], {}, [{ shape: [48, 48, 3], dtype: 'float32' }])).rejects.toThrow(/feeds two inputs/);
  });

  it('reads a plain .txt question', async () => {
    const files = [{ name: 'q.txt', bytes: new TextEncoder().encode('is there a red square?') }, demoFiles('exist')[1]!];
    const decoded = await vqaAdapter.decode(files, {}, modelInputSpecs(model));
    expect(decoded.metadata).toMatchObject({ question: 'is there a red square?', groundTruth: null });
  });
});

/**
 * The committed text demo models (demo/text/{lstm,cnn}, trained by scripts/text-train.ts on the
 * corpus of scripts/text-make-corpus.ts): a vocabulary people's sentences hit, negation learnt
 * ("not good" → negative, "not bad" → positive) as their training records say, class names stored
 * in model.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type XaiModel } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import { explainInput, modelInputSpecs, textAdapter, textFile, Vocabulary } from '../src/index.js';

const DEMO = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'demo', 'text');
const VOCABULARY = join(DEMO, 'vocabulary.json');
const NEGATION = (JSON.parse(readFileSync(join(DEMO, 'corpus', 'negation.json'), 'utf8')) as { sentences: { text: string; label: number; kind: string }[] }).sentences;
const LRP = { method: 'lrp', rule: 'epsilon', epsilon: 0.001, decodeOptions: { vocabulary: VOCABULARY, oov: 'error' } } as const;

describe('text demo vocabulary', () => {
  it('holds 1,500–3,000 words, with negators, function words and the words of "a total waste of time"', async () => {
    const vocabulary = await Vocabulary.load(VOCABULARY);
    expect(vocabulary.wordCount).toBeGreaterThanOrEqual(1500);
    expect(vocabulary.wordCount).toBeLessThanOrEqual(3000);
    for (const w of ['not', 'never', "n't", 'no', 'of', 'time', 'waste', 'total', 'but', 'because', 'very', 'it', 'they', 'good', 'bad', 'boring']) expect(vocabulary.idOf(w), w).toBeDefined();
    expect(vocabulary.settings.about).toMatch(/negation/);
  });
});

describe.each(['lstm', 'cnn'] as const)('text demo model %s', (kind) => {
  let model: XaiModel;
  const training = JSON.parse(readFileSync(join(DEMO, kind, 'training.json'), 'utf8')) as {
    heldoutAccuracy: number; negationAccuracy: number; negationCount: number; vocabularySize: number; probes: { text: string; expected: string; predicted: string }[];
  };
  beforeAll(async () => {
    registerLstmPlugin();
    model = await loadModel(join(DEMO, kind));
  });
  afterAll(() => model?.dispose());

  it('stores its class names in model.json, and its record the vocabulary it was trained with', async () => {
    expect(model.classNames).toEqual(['negative', 'positive']);
    expect(training.vocabularySize).toBe((await Vocabulary.load(VOCABULARY)).size);
    expect(training.heldoutAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('calls "the film was not good, a total waste of time" negative with every word in the vocabulary', async () => {
    const out = await explainInput(model, textAdapter, [textFile('the film was not good, a total waste of time', 'review.txt')], LRP);
    expect(out.decoded.metadata).toMatchObject({ oovWords: [], truncated: 0 });
    expect(out.target).toBe(0);
    // and negation both ways
    for (const [text, target] of [['not good', 0], ['not bad', 1], ['It was never boring.', 1], ['The film was good.', 1], ['The film was bad.', 0]] as const) {
      expect((await explainInput(model, textAdapter, [textFile(text, 'n.txt')], LRP)).target, text).toBe(target);
    }
  });

  it('classifies the negation test set as its training record says', async () => {
    const specs = modelInputSpecs(model);
    const decoded = await Promise.all(NEGATION.map((s, i) => textAdapter.decode([textFile(s.text, `negation-${i}.txt`)], { vocabulary: VOCABULARY, oov: 'error' }, specs)));
    const T = decoded[0]!.samples[0]!.shape[0]!;
    const ids = new Int32Array(NEGATION.length * T);
    decoded.forEach((d, i) => ids.set(d.samples[0]!.values as Int32Array, i * T));
    const predicted = tf.tidy(() => (model.layersModel.predict(tf.tensor2d(ids, [NEGATION.length, T], 'int32')) as tf.Tensor).argMax(-1).dataSync());
    const accuracy = NEGATION.filter((s, i) => predicted[i] === s.label).length / NEGATION.length;
    expect(NEGATION.length).toBe(training.negationCount);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(accuracy - training.negationAccuracy)).toBeLessThanOrEqual(2 / NEGATION.length); // cpu-trained, run on wasm
    // the hand-written probes as recorded
    const probes = NEGATION.map((s, i) => ({ s, i })).filter(({ s }) => s.kind === 'probe');
    expect(probes.map(({ s, i }) => ({ text: s.text, predicted: ['negative', 'positive'][predicted[i]!] }))).toEqual(training.probes.map((p) => ({ text: p.text, predicted: p.predicted })));
  });
});

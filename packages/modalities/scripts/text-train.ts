/**
 * Trains the two text demo models on the generated sentiment corpus (text-make-corpus.ts) and saves
 * them with their vocabulary:
 *
 *   demo/text/vocabulary.json                      word → id, tokenisation settings
 *   demo/text/lstm/{model.json,weights.bin,training.json}   Embedding(maskZero) → LSTM → Dense
 *   demo/text/cnn/{model.json,weights.bin,training.json}    Embedding → Conv1D → GlobalMaxPooling1D → Dense
 *
 *   npx tsx packages/modalities/scripts/text-make-corpus.ts   (first: writes the held-out split)
 *   npx tsx packages/modalities/scripts/text-train.ts
 *
 * Run by hand, never in tests. Pure tfjs on the `cpu` backend with seeded initialisers and a
 * seeded Math.random (fit's shuffling), so a rerun gives the same weights. The token ids come from
 * the package's own tokenizer and vocabulary code, the same the text adapter decodes with.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { modelLoadHandler, modelSaveHandler, mulberry32 } from '@xai/core';
import { useFastCpuSegmentSum } from '@xai/core/tfjs-kernel-patches';
import { encodeTokens } from '../src/text/encode-tokens.js';
import { tokenizeTreebank } from '../src/text/treebank-tokenizer.js';
import { Vocabulary, type VocabularySettings } from '../src/text/vocabulary.js';
import { CLASS_NAMES, CORPUS_COUNTS, CORPUS_SEEDS, MAX_TOKENS, NEGATION_PROBES, TEXT_DEMO_DIR, corpusSplits, type CorpusSentence } from './text-make-corpus.js';

const SEQUENCE_LENGTH = MAX_TOKENS;
const SETTINGS: VocabularySettings = { lowercase: true, oov: 'unk', padding: 'pre', truncating: 'pre', maxLength: SEQUENCE_LENGTH };
const SEEDS = { init: 42, fit: 7 };
const EMBEDDING_DIM = 16;
const BATCH_SIZE = 64;

/** Vocabulary of the training split: words by frequency (then alphabetically), ids from 2. */
function buildVocabulary(train: readonly CorpusSentence[]): Vocabulary {
  const counts = new Map<string, number>();
  for (const s of train) for (const t of tokenizeTreebank(s.text, { lowercase: true })) counts.set(t.form, (counts.get(t.form) ?? 0) + 1);
  const words = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
  const about =
    `the text demo's vocabulary: the ${words.length} words of its generated training reviews (AFINN-165 sentiment words, ` +
    `negation such as 'not good' → negative and 'not bad' → positive, intensifiers, common function words); ` +
    `the models read the last ${SEQUENCE_LENGTH} tokens of a text`;
  return Vocabulary.fromWords(words, { ...SETTINGS, about }, 'vocabulary.json');
}

function encode(sentences: readonly CorpusSentence[], vocabulary: Vocabulary) {
  const ids = new Int32Array(sentences.length * SEQUENCE_LENGTH);
  let oov = 0;
  sentences.forEach((s, i) => {
    const e = encodeTokens(tokenizeTreebank(s.text, { lowercase: true }), vocabulary, { oov: 'unk', length: SEQUENCE_LENGTH, padding: 'pre', truncating: 'pre', file: `sentence ${i}` });
    if (e.truncated > 0) throw new Error(`sentence ${i} is longer than ${SEQUENCE_LENGTH} tokens`);
    oov += e.oovWords.length;
    ids.set(e.ids, i * SEQUENCE_LENGTH);
  });
  const labels = Int32Array.from(sentences, (s) => s.label);
  return { x: tf.tensor2d(ids, [sentences.length, SEQUENCE_LENGTH], 'int32'), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat(), labels, oov };
}

type Architecture = 'lstm' | 'cnn';

function buildModel(kind: Architecture, vocabularySize: number): tf.LayersModel {
  let seed = SEEDS.init;
  const glorot = () => tf.initializers.glorotUniform({ seed: seed++ });
  const input = tf.input({ shape: [SEQUENCE_LENGTH], dtype: 'int32', name: 'tokens' });
  const embedded = tf.layers
    .embedding({
      name: 'embedding', inputDim: vocabularySize, outputDim: EMBEDDING_DIM, maskZero: kind === 'lstm',
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed++ }),
    })
    .apply(input) as tf.SymbolicTensor;
  let features: tf.SymbolicTensor;
  if (kind === 'lstm') {
    features = tf.layers
      .lstm({ name: 'lstm', units: 16, kernelInitializer: glorot(), recurrentInitializer: tf.initializers.orthogonal({ seed: seed++ }) })
      .apply(embedded) as tf.SymbolicTensor;
  } else {
    const conv = tf.layers
      .conv1d({ name: 'conv', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: glorot() })
      .apply(embedded) as tf.SymbolicTensor;
    features = tf.layers.globalMaxPooling1d({ name: 'pool' }).apply(conv) as tf.SymbolicTensor;
  }
  const logits = tf.layers.dense({ name: 'logits', units: 2, kernelInitializer: glorot() }).apply(features) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: `text_${kind}` });
}

function accuracy(model: tf.LayersModel, x: tf.Tensor, labels: Int32Array): number {
  const pred = tf.tidy(() => (model.predict(x, { batchSize: 256 }) as tf.Tensor).argMax(-1).dataSync());
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) correct++;
  return correct / labels.length;
}

/** Accuracy on the probes alone, and each probe's prediction (for the training record). */
function probeResults(model: tf.LayersModel, data: ReturnType<typeof splitsAsTensors>) {
  const n = NEGATION_PROBES.length;
  const all = data.negation;
  const start = all.labels.length - n;
  const pred = tf.tidy(() => (model.predict(all.x.slice([start, 0], [n, SEQUENCE_LENGTH])) as tf.Tensor).argMax(-1).dataSync());
  return NEGATION_PROBES.map(([text, label], i) => ({ text, expected: CLASS_NAMES[label], predicted: CLASS_NAMES[pred[i]!]! }));
}

async function train(kind: Architecture, epochs: number, data: ReturnType<typeof splitsAsTensors>, vocabulary: Vocabulary) {
  Math.random = mulberry32(SEEDS.fit);
  const model = buildModel(kind, vocabulary.size);
  model.summary();
  model.compile({
    optimizer: tf.train.adam(0.01),
    loss: (yTrue: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, logits),
    metrics: ['accuracy'],
  });
  const t0 = performance.now();
  await model.fit(data.train.x, data.train.y, {
    epochs,
    batchSize: BATCH_SIZE,
    shuffle: true,
    callbacks: {
      onBatchEnd: async (batch) => {
        if (batch % 25 === 24) console.log(`  ${kind} batch ${batch + 1} (${((performance.now() - t0) / 1000).toFixed(0)}s)`);
      },
      onEpochEnd: async (epoch, logs) => {
        const held = accuracy(model, data.heldout.x, data.heldout.labels);
        const negation = accuracy(model, data.negation.x, data.negation.labels);
        console.log(`${kind} epoch ${epoch + 1}/${epochs} loss=${logs!.loss!.toFixed(4)} acc=${logs!.acc!.toFixed(4)} heldout=${held.toFixed(4)} negation=${negation.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)}s)`);
      },
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const trainAccuracy = accuracy(model, data.train.x, data.train.labels);
  const heldoutAccuracy = accuracy(model, data.heldout.x, data.heldout.labels);
  const negationAccuracy = accuracy(model, data.negation.x, data.negation.labels);
  const probes = probeResults(model, data);
  if (heldoutAccuracy < 0.95) throw new Error(`${kind}: held-out accuracy ${heldoutAccuracy} < 0.95`);
  const dir = join(TEXT_DEMO_DIR, kind);
  // class names in model.json (core's save handler writes user-defined metadata; XaiModel.classNames reads it)
  model.setUserDefinedMetadata({ classNames: [...CLASS_NAMES] });
  await model.save(modelSaveHandler(dir));
  writeFileSync(
    join(dir, 'training.json'),
    JSON.stringify(
      {
        architecture: kind === 'lstm' ? 'Embedding(maskZero) → LSTM(16) → Dense(2)' : 'Embedding → Conv1D(32, 3, relu, same) → GlobalMaxPooling1D → Dense(2)',
        classes: CLASS_NAMES,
        vocabulary: '../vocabulary.json',
        vocabularySize: vocabulary.size,
        tokenisation: { tokenizer: 'treebank', ...SETTINGS },
        sequenceLength: SEQUENCE_LENGTH,
        embeddingDim: EMBEDDING_DIM,
        epochs,
        batchSize: BATCH_SIZE,
        optimizer: 'adam(0.01)',
        trainCount: CORPUS_COUNTS.train,
        heldoutCount: CORPUS_COUNTS.heldout,
        negationCount: data.negation.labels.length,
        corpusSeeds: CORPUS_SEEDS,
        params: model.countParams(),
        trainAccuracy,
        heldoutAccuracy,
        negationAccuracy,
        negationSet: `corpus/negation.json: ${CORPUS_COUNTS.negation} negated sentences of the generator (seed ${CORPUS_SEEDS.negation}, none in training) and ${NEGATION_PROBES.length} hand-written probes`,
        probes,
        trainSeconds: Math.round(trainSeconds),
        backend: tf.getBackend(),
        seeds: SEEDS,
        date: new Date().toISOString(),
      },
      null,
      2,
    ) + '\n',
  );
  const loaded = await tf.loadLayersModel(modelLoadHandler(dir));
  const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(data.heldout.x) as tf.Tensor, loaded.predict(data.heldout.x) as tf.Tensor))).dataSync()[0]!);
  if (maxDiff > 1e-5) throw new Error(`${kind}: reloaded model differs by ${maxDiff}`);
  console.log(`${kind}: train ${trainAccuracy.toFixed(4)}, held-out ${heldoutAccuracy.toFixed(4)}, ${model.countParams()} params, ${trainSeconds.toFixed(0)} s → ${dir}`);
  model.dispose();
  loaded.dispose();
}

function splitsAsTensors(vocabulary: Vocabulary, splits: ReturnType<typeof corpusSplits>) {
  const train = encode(splits.train, vocabulary);
  const heldout = encode(splits.heldout, vocabulary);
  const negation = encode(splits.negation, vocabulary);
  if (train.oov > 0) throw new Error('training sentences with unknown words: the vocabulary is built from them');
  console.log(`held-out sentences: ${heldout.oov} unknown words; negation set: ${negation.oov}`);
  return { train, heldout, negation };
}

async function main() {
  // cpu: the wasm backend has no UnsortedSegmentSum kernel (the Embedding's gradient).
  await tf.setBackend('cpu');
  useFastCpuSegmentSum(); // the Embedding's gradient, fast on the cpu backend
  const splits = corpusSplits();
  const committed = join(TEXT_DEMO_DIR, 'corpus', 'heldout.json');
  if (!existsSync(committed)) throw new Error(`${committed} is missing: run scripts/text-make-corpus.ts first`);
  const stored = (JSON.parse(readFileSync(committed, 'utf8')) as { sentences: CorpusSentence[] }).sentences.map((s) => s.text);
  if (JSON.stringify(stored) !== JSON.stringify(splits.heldout.map((s) => s.text))) throw new Error(`${committed} differs from the generator: rerun text-make-corpus.ts`);
  if (!existsSync(join(TEXT_DEMO_DIR, 'corpus', 'negation.json'))) throw new Error('corpus/negation.json is missing: rerun text-make-corpus.ts');

  const vocabulary = buildVocabulary(splits.train);
  mkdirSync(TEXT_DEMO_DIR, { recursive: true });
  writeFileSync(join(TEXT_DEMO_DIR, 'vocabulary.json'), JSON.stringify(vocabulary.toJson()) + '\n');
  console.log(`vocabulary: ${vocabulary.wordCount} words (size ${vocabulary.size})`);
  const data = splitsAsTensors(vocabulary, splits);
  const only = process.argv[2] as Architecture | undefined;
  if (!only || only === 'lstm') await train('lstm', 3, data, vocabulary);
  if (!only || only === 'cnn') await train('cnn', 3, data, vocabulary);
}

await main();

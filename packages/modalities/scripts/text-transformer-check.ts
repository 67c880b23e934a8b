/**
 * Checks the transformer text demo (demo/text/transformer, trained by text-transformer-train.py)
 * with xai and records the numbers in its training.json (`xai`), on the held-out split it was trained
 * with (demo/text/transformer/heldout.json). Run by hand after training:
 *
 *   npx tsx packages/modalities/scripts/text-transformer-check.ts
 *
 * - the xai tokenizer (SubwordTokenizer on tokenizer.json) gives the training script's ids, and the
 *   forward pass PyTorch's logits, on the recorded held-out sentences;
 * - held-out accuracy in xai; LRP (composite 'transformer') at the encoder input conserves the logit
 *   (the model has no biases: Σ R = logit up to ε);
 * - the ground truth of the LSTM demo (test/text-ground-truth.test.ts) on words: on correctly
 *   classified sentences the top LRP word is a decisive word of the generator; word deletion (a word's
 *   subwords are removed from the sequence, the rest moves up), K = 5 words by decreasing relevance,
 *   AOPC of the true class's logit (mean over k = 0..K of f(x⁰) − f(xᵏ)) for LRP, attention rollout
 *   and random orders (mean of 3 seeded orders);
 * - accuracy on the shared negation test set (corpus/negation.json) and its 16 hand-written probes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { explainAt, forwardAll, loadModel, mulberry32, type XaiModel } from '@xai/core';
import { aopc } from '@xai/eval';
import { TEXT_DEMO_DIR, TEXT_DEMO_MODELS, TEXT_DEMO_TOKENIZER } from '../src/text/demo.js';
import { SubwordTokenizer, type SubwordEncoding } from '../src/text/subword/subword-tokenizer.js';
import { positionRelevance, subwordWords, type SubwordWord } from '../src/text/subword/subword-words.js';

export interface HeldoutSentence {
  readonly text: string;
  readonly label: number;
  readonly decisive: readonly { word: string; start: number; end: number }[];
}

export const HELDOUT: readonly HeldoutSentence[] = (JSON.parse(readFileSync(join(TEXT_DEMO_DIR, 'transformer', 'heldout.json'), 'utf8')) as { sentences: HeldoutSentence[] }).sentences;
export const STEPS = 5;
export const RANDOM_ORDERS = 3;
export const LRP = { method: 'lrp', composite: 'transformer' } as const;

/** Logits [N, classes] for rows of ids and masks [N, T] (batched through the xai graph). */
export function logitsOf(model: XaiModel, ids: Int32Array, mask: Int32Array, T: number): number[][] {
  const n = ids.length / T;
  return tf.tidy(() => {
    const values = forwardAll(model.graph, [tf.tensor2d(ids, [n, T], 'int32'), tf.tensor2d(mask, [n, T], 'int32')]);
    return values.get(model.graph.outputs[0]!)!.arraySync() as number[][];
  });
}

interface Encoded {
  readonly encoding: SubwordEncoding;
  readonly words: SubwordWord[];
}

/** The ids and mask of a sentence with some words removed (their subwords dropped, the rest moved up). */
function withoutWords(e: Encoded, removed: ReadonlySet<number>, T: number): { ids: Int32Array; mask: Int32Array } {
  const drop = new Set([...removed].flatMap((w) => e.words[w]!.tokens.map((k) => e.encoding.tokens[k]!.position)));
  const ids = new Int32Array(T);
  const mask = new Int32Array(T);
  let p = 0;
  for (const t of e.encoding.tokens) {
    if (drop.has(t.position)) continue;
    ids[p] = t.id;
    mask[p++] = 1;
  }
  return { ids, mask };
}

function shuffled(n: number, random: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export interface TransformerDemoEvaluation {
  readonly sentences: number;
  readonly accuracy: number;
  readonly correct: number;
  /** Max |Σ R − logit| / |logit| of LRP over the sentences (target: the label). */
  readonly conservationError: number;
  readonly topIsDecisive: number;
  readonly randomTopIsDecisive: number;
  readonly rolloutTopIsDecisive: number;
  readonly aopcLrp: number;
  readonly aopcRollout: number;
  readonly aopcRandom: number;
}

const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const round = (v: number) => Math.round(v * 1e4) / 1e4;

/** The ground-truth numbers on the first `count` held-out sentences. */
export async function evaluateTransformerDemo(model: XaiModel, tokenizer: SubwordTokenizer, count = HELDOUT.length): Promise<TransformerDemoEvaluation> {
  const sentences = HELDOUT.slice(0, count);
  const T = model.inputShapes[0]![1]!;
  const encoded: Encoded[] = sentences.map((s) => {
    const encoding = tokenizer.encode(s.text, { maxLength: T, padTo: T });
    return { encoding, words: subwordWords(s.text, encoding.tokens) };
  });
  const ids = new Int32Array(count * T);
  const mask = new Int32Array(count * T);
  encoded.forEach((e, i) => (ids.set(e.encoding.ids, i * T), mask.set(e.encoding.attentionMask, i * T)));
  const labels = sentences.map((s) => s.label);
  const logits = logitsOf(model, ids, mask, T);
  const correct = logits.map((row, i) => (row[1]! > row[0]! ? 1 : 0) === labels[i]);

  // Word relevance per sentence: LRP (and rollout) at the encoder input, for the true class.
  const wordScores = async (request: Record<string, unknown>) => {
    const x = [tf.tensor2d(ids, [count, T], 'int32'), tf.tensor2d(mask, [count, T], 'int32')];
    const result = await explainAt(model, x, { ...request, target: labels } as never);
    const values = result.relevance.dataSync() as Float32Array;
    const per = values.length / count;
    const shape = result.relevance.shape.slice(1);
    const scores = encoded.map((e, i) => {
      const position = positionRelevance(values.subarray(i * per, (i + 1) * per), shape, T);
      return { words: e.words.map((w) => w.tokens.reduce((s, k) => s + position[e.encoding.tokens[k]!.position]!, 0)), total: position.reduce((s, v) => s + v, 0) };
    });
    result.dispose();
    x.forEach((t) => t.dispose());
    return scores;
  };
  const lrp = await wordScores(LRP);
  const rollout = await wordScores({ method: 'attention_rollout' });
  const conservationError = Math.max(...lrp.map((s, i) => Math.abs(s.total - logits[i]![labels[i]!]!) / Math.abs(logits[i]![labels[i]!]!)));

  const isDecisive = (i: number, w: number) => sentences[i]!.decisive.some((d) => d.start < encoded[i]!.words[w]!.end && encoded[i]!.words[w]!.start < d.end);
  const argmax = (v: readonly number[]) => v.reduce((b, x, k) => (x > v[b]! ? k : b), 0);
  const correctIdx = sentences.map((_, i) => i).filter((i) => correct[i]);
  const topShare = (scores: { words: number[] }[]) => correctIdx.filter((i) => isDecisive(i, argmax(scores[i]!.words))).length / correctIdx.length;
  const random = mulberry32(5);
  const randomTop = correctIdx.filter((i) => isDecisive(i, Math.floor(random() * encoded[i]!.words.length))).length / correctIdx.length;

  // Deletion curves: for each sentence and order, K + 1 sequences, all run in one batch.
  const orders: { name: string; sentence: number; order: number[] }[] = [];
  const byScore = (v: readonly number[]) => v.map((_, k) => k).sort((a, b) => v[b]! - v[a]! || a - b);
  encoded.forEach((e, i) => {
    orders.push({ name: 'lrp', sentence: i, order: byScore(lrp[i]!.words) });
    orders.push({ name: 'rollout', sentence: i, order: byScore(rollout[i]!.words) });
    for (let r = 0; r < RANDOM_ORDERS; r++) orders.push({ name: 'random', sentence: i, order: shuffled(e.words.length, mulberry32(1000 * r + i)) });
  });
  const K = STEPS;
  const rows = orders.length * (K + 1);
  const dIds = new Int32Array(rows * T);
  const dMask = new Int32Array(rows * T);
  orders.forEach((o, j) => {
    for (let k = 0; k <= K; k++) {
      const { ids: a, mask: m } = withoutWords(encoded[o.sentence]!, new Set(o.order.slice(0, k)), T);
      dIds.set(a, (j * (K + 1) + k) * T);
      dMask.set(m, (j * (K + 1) + k) * T);
    }
  });
  const curves: number[][] = [];
  for (let b = 0; b < rows; b += 600) {
    const n = Math.min(600, rows - b);
    curves.push(...logitsOf(model, dIds.subarray(b * T, (b + n) * T), dMask.subarray(b * T, (b + n) * T), T).map((row) => [row[0]!, row[1]!]));
  }
  const aopcOf = (name: string) =>
    mean(orders.flatMap((o, j) => (o.name === name ? [aopc(curves.slice(j * (K + 1), (j + 1) * (K + 1)).map((row) => row[labels[o.sentence]!]!))] : [])));
  return {
    sentences: count,
    accuracy: round(correct.filter(Boolean).length / count),
    correct: correct.filter(Boolean).length,
    conservationError: Number(conservationError.toExponential(2)),
    topIsDecisive: round(topShare(lrp)),
    randomTopIsDecisive: round(randomTop),
    rolloutTopIsDecisive: round(topShare(rollout)),
    aopcLrp: round(aopcOf('lrp')),
    aopcRollout: round(aopcOf('rollout')),
    aopcRandom: round(aopcOf('random')),
  };
}

/** The negation test set of the shared corpus (demo/text/corpus/negation.json: negated sentences, then the hand-written probes). */
export const NEGATION: readonly HeldoutSentence[] = (JSON.parse(readFileSync(join(TEXT_DEMO_DIR, 'corpus', 'negation.json'), 'utf8')) as { sentences: HeldoutSentence[] }).sentences;
export const PROBES = 16;

/** Which sentences the model classifies as labelled. */
export function correctOn(model: XaiModel, tokenizer: SubwordTokenizer, sentences: readonly HeldoutSentence[]): boolean[] {
  const T = model.inputShapes[0]![1]!;
  const ids = new Int32Array(sentences.length * T);
  const mask = new Int32Array(sentences.length * T);
  sentences.forEach((s, i) => {
    const e = tokenizer.encode(s.text, { maxLength: T, padTo: T });
    ids.set(e.ids, i * T);
    mask.set(e.attentionMask, i * T);
  });
  return logitsOf(model, ids, mask, T).map((row, i) => (row[1]! > row[0]! ? 1 : 0) === sentences[i]!.label);
}

/** Forward and tokenizer against the training script's recorded reference. */
export function checkReference(model: XaiModel, tokenizer: SubwordTokenizer, reference: { ids: number[][]; logits: number[][] }) {
  const T = model.inputShapes[0]![1]!;
  const idsMatch = reference.ids.every((want, i) => {
    const e = tokenizer.encode(HELDOUT[i]!.text);
    const got = Array.from(e.ids.subarray(0, e.tokens.length));
    return got.length === want.length && got.every((v, k) => v === want[k]);
  });
  const n = reference.ids.length;
  const ids = new Int32Array(n * T);
  const mask = new Int32Array(n * T);
  reference.ids.forEach((row, i) => (ids.set(row, i * T), mask.fill(1, i * T, i * T + row.length)));
  const logits = logitsOf(model, ids, mask, T);
  let maxAbsDiff = 0;
  logits.forEach((row, i) => row.forEach((v, k) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - reference.logits[i]![k]!)))));
  return { idsMatch, maxAbsDiff };
}

async function main() {
  const path = join(TEXT_DEMO_DIR, 'transformer', 'training.json');
  const training = JSON.parse(readFileSync(path, 'utf8'));
  const model = await loadModel(TEXT_DEMO_MODELS.transformer);
  const tokenizer = await SubwordTokenizer.load(TEXT_DEMO_TOKENIZER);
  const reference = checkReference(model, tokenizer, training.reference);
  console.log('reference', reference);
  const t0 = performance.now();
  const all = await evaluateTransformerDemo(model, tokenizer);
  const subset = await evaluateTransformerDemo(model, tokenizer, 40);
  const negation = correctOn(model, tokenizer, NEGATION);
  const probes = negation.slice(-PROBES);
  const negationSet = { sentences: negation.length, correct: negation.filter(Boolean).length, accuracy: round(negation.filter(Boolean).length / negation.length), probesCorrect: probes.filter(Boolean).length, probes: PROBES };
  console.log(all, subset, negationSet, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
  training.xai = {
    note: 'measured by scripts/text-transformer-check.ts (xai engine, tfjs cpu); subset40: the first 40 held-out sentences (checked by test/text-transformer-demo.test.ts)',
    tokenizerIdsMatchTorch: reference.idsMatch, maxAbsLogitDiffVsTorch: Number(reference.maxAbsDiff.toExponential(2)),
    lrp: LRP, deletionSteps: STEPS, randomOrders: RANDOM_ORDERS,
    heldout: all, subset40: subset, negationSet,
  };
  writeFileSync(path, JSON.stringify(training, null, 2) + '\n');
  model.dispose();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

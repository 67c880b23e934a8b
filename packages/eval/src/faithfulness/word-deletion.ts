import { InvalidArgumentError, type ObjectSchema } from '@xai/core';
import type { BatchOptions } from '../data/evaluate-rows.js';
import { layoutOf, product } from '../data/layout.js';
import { POOLINGS, poolChannels, type ChannelPooling } from '../data/pooling.js';
import { asPredict, type ModelLike } from '../data/predict.js';
import { checkSamples, type AttributedSamples } from '../data/samples.js';
import type { MetricDefinition } from '../registry/metric.js';
import { perturbationCurves, type CurveSpec } from './perturbation-curves.js';
import { orderIndices } from './regions.js';

export interface WordDeletionOptions extends BatchOptions {
  /** 'morf' (default): delete the most relevant words first; 'lerf': the least relevant first. */
  readonly order?: 'morf' | 'lerf';
  /**
   * 'paper' (default): as Arras et al., MoRF only on initially correctly classified samples and
   * LeRF only on initially misclassified ones (the others get NaN); 'all': every sample.
   */
  readonly only?: 'paper' | 'all';
  /** Words deleted, at most (default 10, clipped to the sequence length). */
  readonly steps?: number;
  /** What a deleted word becomes in every channel (default 0: a zero embedding; pass the padding id for token-id inputs). */
  readonly fill?: number;
  /** How a word's relevance is pooled over its embedding dimensions (default 'sum'). */
  readonly pooling?: ChannelPooling;
}

export interface WordDeletionResult {
  /** Per sample: 1 if the prediction equals the label after k = 0..K deletions (NaN for excluded samples). */
  readonly curves: number[][];
  /** Per sample: the mean of its curve over k = 1..K (the accuracy along the deletion; NaN if excluded). */
  readonly scores: number[];
}

/**
 * Word deletion (Arras, Osman, Müller & Samek 2019, "Evaluating recurrent neural network
 * explanations", BlackboxNLP@ACL; after Arras et al. 2017): words are deleted one by
 * one in order of their relevance — decreasing for initially correctly classified sequences,
 * increasing for initially falsely classified ones — by setting their input (embedding) to zero,
 * and the classification accuracy is tracked over the number of deleted words: a fast drop (MoRF)
 * or rise (LeRF) means the relevance found the decisive words. A word is one index along the first
 * axis of a sample ([T] token ids or [T, D] embeddings); its relevance is pooled over the rest.
 */
export async function wordDeletion(model: ModelLike, data: AttributedSamples, options: WordDeletionOptions = {}): Promise<WordDeletionResult> {
  const shape = data.shape;
  const layout = shape.length === 1 ? layoutOf(shape, 'none') : layoutOf([shape[0]!, product(shape.slice(1))], 'last');
  const { count } = checkSamples(data, layout);
  const order = options.order ?? 'morf';
  const steps = Math.min(options.steps ?? 10, layout.positions);
  if (!(steps >= 1)) throw new InvalidArgumentError(`word deletion needs at least one word to delete`);
  const labels = data.labels ?? data.targets;
  const replacement = new Float32Array(layout.size).fill(options.fill ?? 0);
  const specs: CurveSpec[] = Array.from({ length: count }, (_, i) => {
    const ranked = orderIndices(poolChannels(data.relevance, layout, options.pooling ?? 'sum', i), order).slice(0, steps);
    return { sample: i, target: labels[i]!, replacement, steps: ranked.map((p) => [p]) };
  });
  const outcome = await perturbationCurves(asPredict(model), data.inputs, layout, specs, 'logit', options);
  const curves = outcome.predicted.map((pred, i) => {
    const correct = pred.map((p) => Number(p === labels[i]));
    const included = (options.only ?? 'paper') === 'all' || (order === 'morf') === (correct[0] === 1);
    return included ? correct : correct.map(() => NaN);
  });
  const scores = curves.map((c) => c.slice(1).reduce((a, b) => a + b, 0) / (c.length - 1));
  return { curves, scores };
}

const OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    order: { type: 'string', enum: ['morf', 'lerf'], default: 'morf', description: 'delete the most or the least relevant words first' },
    only: { type: 'string', enum: ['paper', 'all'], default: 'paper', description: "'paper': MoRF on correct, LeRF on misclassified samples only" },
    steps: { type: 'integer', minimum: 1, default: 10, description: 'words deleted, at most' },
    fill: { type: 'number', default: 0, description: 'what a deleted word becomes (0 = zero embedding; or the padding id)' },
    pooling: { type: 'string', enum: POOLINGS, default: 'sum', description: "how a word's relevance is pooled over its embedding" },
  },
};

export const wordDeletionMetric: MetricDefinition = {
  name: 'word_deletion',
  category: 'faithfulness',
  description: 'accuracy while deleting words by relevance (MoRF on correct samples: lower is better; LeRF on misclassified: higher)',
  reference: 'Arras, Osman, Müller & Samek 2019, BlackboxNLP@ACL 113–126',
  direction: 'lower',
  directionBy: { option: 'order', values: { morf: 'lower', lerf: 'higher' } },
  requires: [],
  options: OPTIONS,
  async run(ctx, o) {
    const r = await wordDeletion(ctx.predict, ctx, { ...(o as WordDeletionOptions), batchSize: ctx.batchSize, onProgress: ctx.onProgress, signal: ctx.signal });
    return { scores: r.scores, curve: { x: r.curves[0]!.map((_, k) => k), xLabel: 'words deleted', yLabel: 'accuracy', values: r.curves } };
  },
};

import type { ObjectSchema } from '@xai/core';
import type { MetricDefinition } from '../registry/metric.js';
import { topK } from '../stats/ranks.js';
import { checkMask, perMaskedSample } from './masks.js';
import { pooledHeatmap, POOLING_OPTION, type MassAccuracyOptions } from './relevance-mass-accuracy.js';

/**
 * Relevance rank accuracy (Arras, Osman & Samek 2022, CLEVR-XAI, Information Fusion 81): with K the number of ground-truth positions, the share of the K highest-ranked
 * positions of the pooled heatmap that lie inside the mask, |top-K ∩ GT| / K. Ties in the ranking
 * go to the lower (row-major) position index. One sample.
 */
export function relevanceRankAccuracy(relevance: ArrayLike<number>, mask: ArrayLike<number>, shape: readonly number[], options: MassAccuracyOptions = {}): number {
  const { layout, map } = pooledHeatmap(relevance, shape, options, 'relevance rank accuracy');
  const k = checkMask(mask, layout, 'relevance rank accuracy', options.sample);
  return topK(map, k).filter((p) => mask[p]).length / k;
}

const OPTIONS: ObjectSchema = { type: 'object', properties: { pooling: POOLING_OPTION } };

export const relevanceRankAccuracyMetric: MetricDefinition = {
  name: 'relevance_rank_accuracy',
  category: 'localisation',
  description: 'share of the K most relevant positions inside the K-position ground-truth mask (higher is better)',
  reference: 'Arras, Osman & Samek 2022, Information Fusion 81, 14–40 (CLEVR-XAI)',
  direction: 'higher',
  requires: ['masks'],
  options: OPTIONS,
  async run(ctx, o) {
    return { scores: perMaskedSample(ctx, 'relevance rank accuracy', (r, m, base) => relevanceRankAccuracy(r, m, ctx.shape, { ...base, ...(o as MassAccuracyOptions) })) };
  },
};

import { InvalidArgumentError, type ObjectSchema } from '@xai/core';
import { layoutOf } from '../data/layout.js';
import { POOLINGS, poolChannels, type ChannelPooling } from '../data/pooling.js';
import type { MetricDefinition } from '../registry/metric.js';
import { topK } from '../stats/ranks.js';
import { checkMask, perMaskedSample, POOLING_DESCRIPTION, type LocalisationOptions } from './masks.js';

export interface TopKOptions extends LocalisationOptions {
  /** k, the number of top positions (default 1000, the paper's, clipped to the positions there are). */
  readonly k?: number;
  /** How relevance is pooled over channels (default 'sum'). */
  readonly pooling?: ChannelPooling;
}

/**
 * Top-k intersection (Theiner, Müller-Budack & Ewerth 2022, "Interpretable semantic photo
 * geolocation", WACV): the share of the k most relevant positions that lie inside the
 * ground-truth mask, |top-k ∩ GT| / k. Ties go to the lower position index. One sample.
 */
export function topKIntersection(relevance: ArrayLike<number>, mask: ArrayLike<number>, shape: readonly number[], options: TopKOptions = {}): number {
  const layout = layoutOf(shape, options.channels);
  if (relevance.length !== layout.size) throw new InvalidArgumentError(`top-k intersection: relevance has ${relevance.length} values, shape [${shape}] needs ${layout.size}`);
  checkMask(mask, layout, 'top-k intersection', options.sample);
  const k = Math.min(options.k ?? 1000, layout.positions);
  if (!(k >= 1)) throw new InvalidArgumentError(`top-k intersection: k must be ≥ 1, got ${options.k}`);
  const map = poolChannels(relevance, layout, options.pooling ?? 'sum');
  return topK(map, k).filter((p) => mask[p]).length / k;
}

const OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    k: { type: 'integer', minimum: 1, default: 1000, description: 'top positions compared with the mask (clipped to the positions there are)' },
    pooling: { type: 'string', enum: POOLINGS, default: 'sum', description: POOLING_DESCRIPTION },
  },
};

export const topKIntersectionMetric: MetricDefinition = {
  name: 'top_k_intersection',
  category: 'localisation',
  description: 'share of the k most relevant positions inside the ground-truth mask (higher is better)',
  reference: 'Theiner, Müller-Budack & Ewerth 2022, WACV',
  direction: 'higher',
  requires: ['masks'],
  options: OPTIONS,
  async run(ctx, o) {
    return { scores: perMaskedSample(ctx, 'top-k intersection', (r, m, base) => topKIntersection(r, m, ctx.shape, { ...base, ...(o as TopKOptions) })) };
  },
};

import type { ObjectSchema } from '@xai/core';
import type { MetricDefinition } from '../registry/metric.js';
import { checkMask, perMaskedSample } from './masks.js';
import { pooledHeatmap, POOLING_OPTION, type MassAccuracyOptions } from './relevance-mass-accuracy.js';

export interface AttributionLocalisationOptions extends MassAccuracyOptions {
  /** μ_w = μ · S_tot / S_in: weighs by the inverse share of the object's area (default false). */
  readonly weighted?: boolean;
}

/**
 * Attribution localisation (Kohlbrenner, Bauer, Nakajima, Binder, Samek & Lapuschkin 2020,
 * "Towards best practice in explaining neural network decisions with LRP", IJCNN):
 * μ = R⁺_in / R⁺_tot, the share of the positive relevance (channels summed, then the positive part:
 * pooling 'sum,pos') inside the ground-truth region; the weighted variant μ_w = μ · S_tot / S_in
 * corrects for the region's size (a uniform heatmap scores 1). NaN when there is no positive
 * relevance. One sample.
 */
export function attributionLocalisation(relevance: ArrayLike<number>, mask: ArrayLike<number>, shape: readonly number[], options: AttributionLocalisationOptions = {}): number {
  const { layout, map } = pooledHeatmap(relevance, shape, options, 'attribution localisation');
  const inside = checkMask(mask, layout, 'attribution localisation', options.sample);
  let rin = 0;
  let rtot = 0;
  for (let p = 0; p < map.length; p++) {
    rtot += map[p]!;
    if (mask[p]) rin += map[p]!;
  }
  if (!(rtot > 0)) return NaN;
  const mu = rin / rtot;
  return options.weighted ? (mu * layout.positions) / inside : mu;
}

const OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    pooling: POOLING_OPTION,
    weighted: { type: 'boolean', default: false, description: 'μ_w = μ · S_tot / S_in' },
  },
};

export const attributionLocalisationMetric: MetricDefinition = {
  name: 'attribution_localisation',
  category: 'localisation',
  description: 'share of positive relevance inside the ground-truth region, optionally size-weighted (higher is better)',
  reference: 'Kohlbrenner, Bauer, Nakajima, Binder, Samek & Lapuschkin 2020, IJCNN',
  direction: 'higher',
  requires: ['masks'],
  options: OPTIONS,
  undefinedWhen: 'no relevance is positive',
  async run(ctx, o) {
    return { scores: perMaskedSample(ctx, 'attribution localisation', (r, m, base) => attributionLocalisation(r, m, ctx.shape, { ...base, ...(o as AttributionLocalisationOptions) })) };
  },
};

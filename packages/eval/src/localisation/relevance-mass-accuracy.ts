import { InvalidArgumentError, type ObjectSchema } from '@xai/core';
import { layoutOf } from '../data/layout.js';
import { NONNEGATIVE_POOLINGS, poolChannels, type ChannelPooling } from '../data/pooling.js';
import type { MetricDefinition } from '../registry/metric.js';
import { checkMask, perMaskedSample, POOLING_DESCRIPTION, type LocalisationOptions } from './masks.js';

export interface MassAccuracyOptions extends LocalisationOptions {
  /** One of the six CLEVR-XAI poolings (default 'sum,pos'). */
  readonly pooling?: Exclude<ChannelPooling, 'sum'>;
}

/** The pooled, non-negative heatmap the ground-truth metrics read. */
export function pooledHeatmap(relevance: ArrayLike<number>, shape: readonly number[], options: MassAccuracyOptions, metric: string) {
  const layout = layoutOf(shape, options.channels);
  if (relevance.length !== layout.size) throw new InvalidArgumentError(`${metric}: relevance has ${relevance.length} values, shape [${shape}] needs ${layout.size}`);
  const pooling = options.pooling ?? 'sum,pos';
  if (!NONNEGATIVE_POOLINGS.includes(pooling)) throw new InvalidArgumentError(`${metric}: pooling must be one of ${NONNEGATIVE_POOLINGS.join(', ')}, got '${pooling}'`);
  return { layout, map: poolChannels(relevance, layout, pooling) };
}

/**
 * Relevance mass accuracy (Arras, Osman & Samek 2022, "CLEVR-XAI: A benchmark dataset for the
 * ground truth evaluation of neural network explanations", Information Fusion 81):
 * the share of the pooled (non-negative) relevance that falls inside the ground-truth mask,
 * R_within / R_total. One sample; NaN when the pooled relevance is zero everywhere.
 */
export function relevanceMassAccuracy(relevance: ArrayLike<number>, mask: ArrayLike<number>, shape: readonly number[], options: MassAccuracyOptions = {}): number {
  const { layout, map } = pooledHeatmap(relevance, shape, options, 'relevance mass accuracy');
  checkMask(mask, layout, 'relevance mass accuracy', options.sample);
  let inside = 0;
  let total = 0;
  for (let p = 0; p < map.length; p++) {
    total += map[p]!;
    if (mask[p]) inside += map[p]!;
  }
  return total > 0 ? inside / total : NaN;
}

export const POOLING_OPTION = { type: 'string', enum: NONNEGATIVE_POOLINGS, default: 'sum,pos', description: POOLING_DESCRIPTION } as const;

const OPTIONS: ObjectSchema = { type: 'object', properties: { pooling: POOLING_OPTION } };

export const relevanceMassAccuracyMetric: MetricDefinition = {
  name: 'relevance_mass_accuracy',
  category: 'localisation',
  description: 'share of the pooled relevance inside the ground-truth mask (higher is better)',
  reference: 'Arras, Osman & Samek 2022, Information Fusion 81, 14–40 (CLEVR-XAI)',
  direction: 'higher',
  requires: ['masks'],
  options: OPTIONS,
  undefinedWhen: 'the pooled relevance is zero everywhere',
  async run(ctx, o) {
    return { scores: perMaskedSample(ctx, 'relevance mass accuracy', (r, m, base) => relevanceMassAccuracy(r, m, ctx.shape, { ...base, ...(o as MassAccuracyOptions) })) };
  },
};

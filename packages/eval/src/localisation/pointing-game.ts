import { InvalidArgumentError, type ObjectSchema } from '@xai/core';
import { coordsOf, layoutOf } from '../data/layout.js';
import { POOLINGS, poolChannels, type ChannelPooling } from '../data/pooling.js';
import type { MetricDefinition } from '../registry/metric.js';
import { checkMask, perMaskedSample, POOLING_DESCRIPTION, type LocalisationOptions } from './masks.js';

export interface PointingGameOptions extends LocalisationOptions {
  /** A hit when the maximum lies within this Euclidean distance (in positions) of the mask (default 0: on it). The paper uses 15 px at 224 px input. */
  readonly tolerance?: number;
  /** How relevance is pooled over channels before taking the maximum (default 'sum'). */
  readonly pooling?: ChannelPooling;
}

export interface PointingResult {
  readonly hit: boolean;
  /** The maximum's position (first in row-major order on ties) and its distance to the mask. */
  readonly position: number;
  readonly distance: number;
}

/**
 * Pointing game (Zhang, Bargal, Lin, Brandt, Shen & Sclaroff 2016/2018, "Top-down neural attention
 * by excitation backprop", ECCV / IJCV 126): a hit when the position of the heatmap's
 * maximum lies on the ground-truth object, within a tolerance (the paper: 15 pixels); the accuracy
 * is hits / (hits + misses). An empty mask is an EmptyMaskError (the paper evaluates only
 * categories present in the image), not a hit as in Quantus. One sample.
 */
export function pointingGame(relevance: ArrayLike<number>, mask: ArrayLike<number>, shape: readonly number[], options: PointingGameOptions = {}): PointingResult {
  const layout = layoutOf(shape, options.channels);
  if (relevance.length !== layout.size) throw new InvalidArgumentError(`pointing game: relevance has ${relevance.length} values, shape [${shape}] needs ${layout.size}`);
  checkMask(mask, layout, 'pointing game', options.sample);
  const tolerance = options.tolerance ?? 0;
  if (!(tolerance >= 0)) throw new InvalidArgumentError(`pointing game: tolerance must be ≥ 0, got ${tolerance}`);
  const map = poolChannels(relevance, layout, options.pooling ?? 'sum');
  let best = 0;
  for (let p = 1; p < map.length; p++) if (map[p]! > map[best]!) best = p;
  if (mask[best]) return { hit: true, position: best, distance: 0 };
  const at = coordsOf(best, layout.grid);
  let distance = Infinity;
  for (let p = 0; p < map.length; p++) {
    if (!mask[p]) continue;
    const c = coordsOf(p, layout.grid);
    distance = Math.min(distance, Math.hypot(...c.map((v, a) => v - at[a]!)));
  }
  return { hit: distance <= tolerance, position: best, distance };
}

const OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    tolerance: { type: 'number', minimum: 0, default: 0, description: 'hit radius around the mask in positions (the paper: 15 px at 224 px)' },
    pooling: { type: 'string', enum: POOLINGS, default: 'sum', description: POOLING_DESCRIPTION },
  },
};

export const pointingGameMetric: MetricDefinition = {
  name: 'pointing_game',
  category: 'localisation',
  description: 'hit (1) when the most relevant position lies on the ground-truth mask, within a tolerance (higher is better)',
  reference: 'Zhang, Bargal, Lin, Brandt, Shen & Sclaroff 2018, IJCV 126, 1084–1102 (ECCV 2016)',
  direction: 'higher',
  requires: ['masks'],
  options: OPTIONS,
  async run(ctx, o) {
    return { scores: perMaskedSample(ctx, 'pointing game', (r, m, base) => Number(pointingGame(r, m, ctx.shape, { ...base, ...(o as PointingGameOptions) }).hit)) };
  },
};

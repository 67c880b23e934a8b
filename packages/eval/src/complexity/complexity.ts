import type { ObjectSchema } from '@xai/core';
import { layoutOf } from '../data/layout.js';
import type { MetricDefinition } from '../registry/metric.js';
import { MAGNITUDE_POOLING_OPTION, magnitudes, type MagnitudeOptions } from './magnitudes.js';

/**
 * Complexity as the entropy of the fractional contribution of each feature (Bhatt, Weller & Moura
 * 2020, "Evaluating and aggregating feature-based model explanations", IJCAI):
 * P_i = |R_i| / Σ_j |R_j|, complexity = −Σ_i P_i ln P_i (natural log; 0 ln 0 = 0). 0 for a single
 * non-zero entry, ln n for a uniform map; lower is better. One sample; NaN for all-zero relevance.
 */
export function complexity(relevance: ArrayLike<number>, shape?: readonly number[], options: MagnitudeOptions = {}): number {
  const v = magnitudes(relevance, shape, options);
  let total = 0;
  for (const x of v) total += x;
  if (!(total > 0)) return NaN;
  let h = 0;
  for (const x of v) {
    if (x <= 0) continue;
    const p = x / total;
    h -= p * Math.log(p);
  }
  return h;
}

const OPTIONS: ObjectSchema = { type: 'object', properties: { pooling: MAGNITUDE_POOLING_OPTION } };

export const complexityMetric: MetricDefinition = {
  name: 'complexity',
  category: 'complexity',
  description: 'entropy of the fractional contributions |R_i| / Σ|R| (lower is better)',
  reference: 'Bhatt, Weller & Moura 2020, IJCAI 3016–3022',
  direction: 'lower',
  requires: [],
  options: OPTIONS,
  undefinedWhen: 'the relevance is zero everywhere (no distribution to take the entropy of)',
  async run(ctx, o) {
    const size = layoutOf(ctx.shape, ctx.channels).size;
    return { scores: Array.from({ length: ctx.count }, (_, i) => complexity(ctx.relevance.subarray(i * size, (i + 1) * size), ctx.shape, { ...(o as MagnitudeOptions), channels: ctx.channels })) };
  },
};

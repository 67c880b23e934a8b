import type { ObjectSchema } from '@xai/core';
import type { MetricDefinition } from '../registry/metric.js';

/**
 * Positivity share, per sample: Σ R⁺ / Σ |R|, the share of the relevance mass that is positive.
 * Positivity (all R_p ≥ 0) is one of the properties a relevance decomposition should have in
 * Montavon, Lapuschkin, Binder, Samek & Müller 2017 ("Explaining nonlinear classification decisions
 * with deep Taylor decomposition", Pattern Recognition 65); the share measures how far
 * an explanation is from it (1 = positive everywhere). NaN for all-zero relevance.
 */
export function positivityShare(relevance: ArrayLike<number>, count = 1): number[] {
  const size = relevance.length / count;
  return Array.from({ length: count }, (_, i) => {
    let pos = 0;
    let abs = 0;
    for (let k = i * size; k < (i + 1) * size; k++) {
      const v = relevance[k]!;
      if (v > 0) pos += v;
      abs += Math.abs(v);
    }
    return abs > 0 ? pos / abs : NaN;
  });
}

const OPTIONS: ObjectSchema = { type: 'object', properties: {} };

export const positivityMetric: MetricDefinition = {
  name: 'positivity',
  category: 'axioms',
  description: 'share of the relevance mass that is positive, Σ R⁺ / Σ |R| (higher is better)',
  reference: 'Montavon, Lapuschkin, Binder, Samek & Müller 2017, Pattern Recognition 65, 211–222',
  direction: 'higher',
  requires: [],
  options: OPTIONS,
  async run(ctx) {
    return { scores: positivityShare(ctx.relevance, ctx.count) };
  },
};

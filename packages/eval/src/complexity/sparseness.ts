import type { ObjectSchema } from '@xai/core';
import { layoutOf } from '../data/layout.js';
import type { MetricDefinition } from '../registry/metric.js';
import { MAGNITUDE_POOLING_OPTION, magnitudes, type MagnitudeOptions } from './magnitudes.js';

/**
 * Sparseness as the Gini index of the absolute relevance (Chalasani, Chen, Chowdhury, Wu & Jha
 * 2020, "Concise explanations of neural networks using adversarial training", ICML; Gini
 * index after Hurley & Rickard 2009): with |R| sorted ascending, v₁ ≤ … ≤ v_n,
 *
 *   G = Σ_i (2i − n − 1) v_i / (n Σ_i v_i)
 *
 * 0 for a uniform map, (n − 1)/n for a single non-zero entry; higher is sparser (better). One
 * sample; NaN for all-zero relevance. `shape` is needed only when pooling channels.
 */
export function sparseness(relevance: ArrayLike<number>, shape?: readonly number[], options: MagnitudeOptions = {}): number {
  const v = magnitudes(relevance, shape, options).sort();
  const n = v.length;
  let weighted = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    weighted += (2 * (i + 1) - n - 1) * v[i]!;
    total += v[i]!;
  }
  return total > 0 ? weighted / (n * total) : NaN;
}

const OPTIONS: ObjectSchema = { type: 'object', properties: { pooling: MAGNITUDE_POOLING_OPTION } };

export const sparsenessMetric: MetricDefinition = {
  name: 'sparseness',
  category: 'complexity',
  description: 'Gini index of |R| (higher is better: fewer features carry the relevance)',
  reference: 'Chalasani, Chen, Chowdhury, Wu & Jha 2020, ICML (PMLR 119)',
  direction: 'higher',
  requires: [],
  options: OPTIONS,
  undefinedWhen: 'the relevance is zero everywhere (the Gini index of nothing)',
  async run(ctx, o) {
    const size = layoutOf(ctx.shape, ctx.channels).size;
    return { scores: Array.from({ length: ctx.count }, (_, i) => sparseness(ctx.relevance.subarray(i * size, (i + 1) * size), ctx.shape, { ...(o as MagnitudeOptions), channels: ctx.channels })) };
  },
};

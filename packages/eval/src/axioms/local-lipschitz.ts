import type { ObjectSchema } from '@xai/core';
import type { BatchExplainer } from '../data/explainer.js';
import type { MetricDefinition } from '../registry/metric.js';
import { maxExplanationRatio, NEIGHBOURHOOD_PROPERTIES, type NeighbourhoodOptions } from './neighbourhood.js';

/**
 * Local Lipschitz estimate (Alvarez-Melis & Jaakkola 2018, "On the robustness of interpretability
 * methods", ICML WHI workshop; also "Towards robust interpretability with self-explaining
 * neural networks", NeurIPS 2018):
 *
 *   L̂(x) = max_{x' ∈ B_ε(x)} ‖R(x) − R(x')‖₂ / ‖x − x'‖₂
 *
 * The paper maximises with Bayesian optimisation; we take the maximum over seeded random points of
 * the ε-ball (uniform per element in [−ε, ε], or Gaussian), a lower bound of the same quantity.
 * Lower is better.
 */
export async function localLipschitz(
  explain: BatchExplainer,
  data: { readonly inputs: Float32Array; readonly relevance: Float32Array; readonly targets: readonly number[] },
  options: NeighbourhoodOptions = {},
): Promise<number[]> {
  return maxExplanationRatio(explain, data, 2, options, 'lipschitz');
}

const OPTIONS: ObjectSchema = { type: 'object', properties: { ...NEIGHBOURHOOD_PROPERTIES } };

export const localLipschitzMetric: MetricDefinition = {
  name: 'local_lipschitz',
  category: 'axioms',
  description: 'local Lipschitz estimate max ‖R(x) − R(x′)‖₂ / ‖x − x′‖₂ in an ε-ball (lower is better)',
  reference: 'Alvarez-Melis & Jaakkola 2018, ICML Workshop on Human Interpretability (arXiv 1806.08049)',
  direction: 'lower',
  requires: ['explainer'],
  options: OPTIONS,
  async run(ctx, o) {
    return { scores: await localLipschitz(ctx.explain, ctx, { ...(o as NeighbourhoodOptions), seed: ctx.seed, onProgress: ctx.onProgress }) };
  },
};

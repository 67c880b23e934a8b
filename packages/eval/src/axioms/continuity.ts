import type { ObjectSchema } from '@xai/core';
import type { BatchExplainer } from '../data/explainer.js';
import type { MetricDefinition } from '../registry/metric.js';
import { maxExplanationRatio, NEIGHBOURHOOD_PROPERTIES, type NeighbourhoodOptions } from './neighbourhood.js';

/**
 * Explanation continuity (Montavon, Samek & Müller 2018, "Methods for interpreting and
 * understanding deep neural networks", Digital Signal Processing 73): nearly equal
 * inputs should get nearly equal explanations, measured by the strongest variation
 *
 *   max_{x ≠ x'} ‖R(x) − R(x')‖₁ / ‖x − x'‖₂
 *
 * here over seeded random neighbours x' of each x (lower is better). R(x) is the given relevance.
 */
export async function continuity(
  explain: BatchExplainer,
  data: { readonly inputs: Float32Array; readonly relevance: Float32Array; readonly targets: readonly number[] },
  options: NeighbourhoodOptions = {},
): Promise<number[]> {
  return maxExplanationRatio(explain, data, 1, options, 'continuity');
}

const OPTIONS: ObjectSchema = { type: 'object', properties: { ...NEIGHBOURHOOD_PROPERTIES } };

export const continuityMetric: MetricDefinition = {
  name: 'continuity',
  category: 'axioms',
  description: 'max ‖R(x) − R(x′)‖₁ / ‖x − x′‖₂ over random neighbours (lower is better)',
  reference: 'Montavon, Samek & Müller 2018, Digital Signal Processing 73, 1–15',
  direction: 'lower',
  requires: ['explainer'],
  options: OPTIONS,
  async run(ctx, o) {
    return { scores: await continuity(ctx.explain, ctx, { ...(o as NeighbourhoodOptions), seed: ctx.seed, onProgress: ctx.onProgress }) };
  },
};

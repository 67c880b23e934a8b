import { InvalidArgumentError, type ObjectSchema } from '@xai/core';
import type { BatchExplainer } from '../data/explainer.js';
import { layoutOf, type ChannelAxis } from '../data/layout.js';
import { deriveSeed, seededRandom } from '../random/seeded.js';
import type { MetricDefinition } from '../registry/metric.js';
import { explanationSimilarity, type SimilarityOptions } from './similarity.js';

export interface RandomLogitOptions extends SimilarityOptions {
  readonly seed?: number;
}

export interface RandomLogitResult {
  readonly scores: number[];
  /** The other class drawn per sample. */
  readonly classes: number[];
}

/**
 * Random logit test (Sixt, Granz & Landgraf 2020, "When explanations lie: why many modified BP
 * attributions fail", ICML): explain the sample once for its target class and once for a
 * class drawn uniformly (seeded) from the others, and compare the two (SSIM by default, as the
 * paper). Explanations that do not depend on the explained class score high; lower is better.
 */
export async function randomLogit(
  explain: BatchExplainer,
  data: { readonly inputs: Float32Array; readonly shape: readonly number[]; readonly targets: readonly number[]; readonly relevance?: Float32Array; readonly channels?: ChannelAxis },
  classes: number,
  options: RandomLogitOptions = {},
): Promise<RandomLogitResult> {
  if (!(classes >= 2)) throw new InvalidArgumentError(`the random logit test needs at least two classes, got ${classes}`);
  const layout = layoutOf(data.shape, data.channels ?? options.channels);
  const count = data.targets.length;
  const others = data.targets.map((t, i) => {
    const k = seededRandom(deriveSeed(options.seed ?? 0, 'random-logit', i)).int(classes - 1);
    return k >= t ? k + 1 : k;
  });
  const original = data.relevance ?? (await explain(data.inputs, count, data.targets));
  const other = await explain(data.inputs, count, others);
  const scores = Array.from({ length: count }, (_, i) => {
    const slice = (v: Float32Array) => v.subarray(i * layout.size, (i + 1) * layout.size);
    return explanationSimilarity(slice(original), slice(other), data.shape, { similarity: 'ssim', ...options, channels: data.channels ?? options.channels });
  });
  return { scores, classes: others };
}

const OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    similarity: { type: 'string', enum: ['spearman', 'ssim'], default: 'ssim', description: 'SSIM (the paper) or Spearman rank correlation' },
    absolute: { type: 'boolean', default: true, description: 'compare absolute heatmaps' },
  },
};

export const randomLogitMetric: MetricDefinition = {
  name: 'random_logit',
  category: 'randomisation',
  description: 'similarity of the explanation of the target class and of a random other class (lower is better)',
  reference: 'Sixt, Granz & Landgraf 2020, ICML (PMLR 119)',
  direction: 'lower',
  requires: ['explainer'],
  options: OPTIONS,
  async run(ctx, o) {
    const size = ctx.inputs.length / ctx.count;
    const classes = (await ctx.predict(ctx.inputs.subarray(0, size), 1)).length;
    const r = await randomLogit(ctx.explain, ctx, classes, { ...(o as RandomLogitOptions), seed: ctx.seed });
    return { scores: r.scores, details: { otherClass: r.classes } };
  },
};

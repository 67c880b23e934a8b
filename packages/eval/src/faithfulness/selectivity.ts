import type { ObjectSchema } from '@xai/core';
import type { BatchOptions } from '../data/evaluate-rows.js';
import { POOLINGS, poolChannels, type ChannelPooling } from '../data/pooling.js';
import { asPredict, type ModelLike, type OutputScore } from '../data/predict.js';
import { checkSamples, type AttributedSamples } from '../data/samples.js';
import { deriveSeed, seededRandom } from '../random/seeded.js';
import type { MetricDefinition } from '../registry/metric.js';
import { meanOfCurve } from './aopc.js';
import { padCurves, perturbationCurves, type CurveSpec } from './perturbation-curves.js';
import { perturbationSchema, replacementValues, type Perturbation } from './perturbation.js';
import { selectRegions, type RegionSelection } from './regions.js';

export interface SelectivityOptions extends BatchOptions {
  /** Side of a removed patch in positions (default 4). */
  readonly regionSize?: number;
  readonly selection?: RegionSelection;
  /** Patches removed (default 100, clipped to the patches there are). */
  readonly steps?: number;
  /** Removal: default the constant 0. */
  readonly perturbation?: Perturbation;
  readonly output?: OutputScore;
  readonly pooling?: ChannelPooling;
  readonly seed?: number;
}

export interface SelectivityResult {
  /** 1/(L+1) Σ_k f(xᵏ) per sample: the area under the removal curve (lower is better). */
  readonly auc: number[];
  readonly curves: number[][];
}

/**
 * Selectivity (Montavon, Samek & Müller 2018, "Methods for interpreting and understanding deep
 * neural networks", Digital Signal Processing 73): remove patches in order of
 * decreasing relevance and track how fast the explained output f drops; the score is the area
 * under the curve of f (lower = more selective). We take the area in the same discretisation as
 * AOPC, 1/(L+1) Σ_{k=0..L} f(xᵏ) — not the unnormalised trapezoid Quantus uses — so that
 * selectivity = f(x⁰) − AOPC for the same removal sequence.
 */
export async function selectivity(model: ModelLike, data: AttributedSamples, options: SelectivityOptions = {}): Promise<SelectivityResult> {
  const { layout, count } = checkSamples(data);
  const seed = options.seed ?? 0;
  const perturbation = options.perturbation ?? { kind: 'constant', value: 0 };
  const specs: CurveSpec[] = [];
  for (let i = 0; i < count; i++) {
    const x = data.inputs.subarray(i * layout.size, (i + 1) * layout.size);
    const map = poolChannels(data.relevance, layout, options.pooling ?? 'sum', i);
    specs.push({
      sample: i,
      target: data.targets[i]!,
      replacement: replacementValues(x, layout, perturbation, seededRandom(deriveSeed(seed, 'replacement', i))),
      steps: selectRegions(map, layout.grid, { size: options.regionSize ?? 4, selection: options.selection ?? 'grid', order: 'morf', limit: options.steps ?? 100 }),
    });
  }
  const outcome = await perturbationCurves(asPredict(model), data.inputs, layout, specs, options.output ?? 'logit', options);
  const curves = padCurves(outcome.scores, specs.reduce((m, s) => Math.max(m, s.steps.length), 0) + 1);
  return { auc: curves.map(meanOfCurve), curves };
}

const OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    regionSize: { type: 'integer', minimum: 1, default: 4, description: 'patch side in positions' },
    selection: { type: 'string', enum: ['grid', 'greedy'], default: 'grid', description: 'fixed grid tiles or greedy non-overlapping windows' },
    steps: { type: 'integer', minimum: 1, default: 100, description: 'patches removed' },
    perturbation: perturbationSchema({ kind: 'constant', value: 0 }, 'what removed patches become'),
    output: { type: 'string', enum: ['logit', 'probability'], default: 'logit', description: 'f: target logit or softmax probability' },
    pooling: { type: 'string', enum: POOLINGS, default: 'sum', description: 'how patch relevance is summed over channels' },
  },
};

export const selectivityMetric: MetricDefinition = {
  name: 'selectivity',
  category: 'faithfulness',
  description: 'area under the curve of f while removing the most relevant patches first (lower is better)',
  reference: 'Montavon, Samek & Müller 2018, Digital Signal Processing 73, 1–15',
  direction: 'lower',
  requires: [],
  options: OPTIONS,
  async run(ctx, o) {
    const r = await selectivity(ctx.predict, ctx, { ...(o as SelectivityOptions), seed: ctx.seed, batchSize: ctx.batchSize, onProgress: ctx.onProgress, signal: ctx.signal });
    return { scores: r.auc, curve: { x: r.curves[0]!.map((_, k) => k), xLabel: 'patches removed', yLabel: `f (${o.output})`, values: r.curves } };
  },
};

import { InvalidArgumentError, type ObjectSchema } from '@xai/core';
import { evaluateRows, type BatchOptions } from '../data/evaluate-rows.js';
import { POOLINGS, poolChannels, type ChannelPooling } from '../data/pooling.js';
import { argMaxRow, asPredict, targetScore, type ModelLike } from '../data/predict.js';
import { checkSamples, type AttributedSamples } from '../data/samples.js';
import { deriveSeed, seededRandom } from '../random/seeded.js';
import type { MetricDefinition } from '../registry/metric.js';
import { noisyLinearImputation } from './linear-imputation.js';
import { orderIndices } from './regions.js';

export interface RoadOptions extends BatchOptions {
  /** 'morf' (default): remove the most relevant positions; 'lerf': the least relevant. */
  readonly order?: 'morf' | 'lerf';
  /** Shares of positions removed, in percent (default 10, 20 … 90, the paper's). */
  readonly percentages?: readonly number[];
  /** Standard deviation of the noise added to imputed values (default 0.01). */
  readonly noise?: number;
  /** How positions are ranked from multi-channel relevance (default 'sum'). */
  readonly pooling?: ChannelPooling;
  /**
   * What is recorded per removal level: 'accuracy' (default, the paper's: 1 if the arg-max is the
   * label), or the label's 'probability' or 'logit'.
   */
  readonly measure?: 'accuracy' | 'probability' | 'logit';
  readonly seed?: number;
}

export interface RoadResult {
  readonly percentages: number[];
  /** Per sample, the measure at each percentage. */
  readonly curves: number[][];
  /** Per sample, the mean of its curve over the percentages. */
  readonly scores: number[];
}

/** How many of `positions` positions p percent removes: ⌊p·n/100⌋ (not ⌊(p/100)·n⌋: 0.29·100 is 28.999…). */
export function removedPositionCount(percent: number, positions: number): number {
  return Math.floor((percent * positions) / 100);
}

/**
 * ROAD — RemOve And Debias (Rong, Leemann, Borisov, Kasneci & Kasneci 2022, "A consistent and
 * efficient evaluation strategy for attribution methods", ICML): for each removal level p, the
 * p% most (MoRF) or least (LeRF) relevant positions are removed and filled by noisy linear
 * imputation (see noisyLinearImputation), which leaks no information about the removal mask, and
 * the model is evaluated without retraining. The paper reports accuracy per level; the per-sample
 * score here is the mean over levels (MoRF: lower is better; LeRF: higher). All levels of all
 * samples are evaluated in model batches.
 */
export async function road(model: ModelLike, data: AttributedSamples, options: RoadOptions = {}): Promise<RoadResult> {
  const { layout, count } = checkSamples(data);
  const percentages = [...(options.percentages ?? [10, 20, 30, 40, 50, 60, 70, 80, 90])];
  if (percentages.some((p) => !(p >= 0 && p <= 100))) throw new InvalidArgumentError(`ROAD percentages must lie in [0, 100], got ${percentages}`);
  const order = options.order ?? 'morf';
  const measure = options.measure ?? 'accuracy';
  const noise = options.noise ?? 0.01;
  const seed = options.seed ?? 0;
  const labels = data.labels ?? data.targets;
  const ranking = Array.from({ length: count }, (_, i) => orderIndices(poolChannels(data.relevance, layout, options.pooling ?? 'sum', i), order));
  const curves = Array.from({ length: count }, () => new Array<number>(percentages.length).fill(NaN));
  const L = percentages.length;
  await evaluateRows(
    asPredict(model),
    {
      rows: count * L,
      rowSize: layout.size,
      target: (r) => labels[Math.floor(r / L)]!,
      fill(r, into) {
        const i = Math.floor(r / L);
        const removedCount = removedPositionCount(percentages[r % L]!, layout.positions);
        const removed = new Uint8Array(layout.positions);
        for (let k = 0; k < removedCount; k++) removed[ranking[i]![k]!] = 1;
        const x = data.inputs.subarray(i * layout.size, (i + 1) * layout.size);
        into.set(noisyLinearImputation(x, layout, removed, noise, seededRandom(deriveSeed(seed, 'road', i, r % L))));
      },
      read(r, logits, offset, classes) {
        const i = Math.floor(r / L);
        const label = labels[i]!;
        curves[i]![r % L] = measure === 'accuracy' ? Number(argMaxRow(logits, offset, classes) === label) : targetScore(logits, offset, classes, label, measure);
      },
    },
    options,
  );
  return { percentages, curves, scores: curves.map((c) => c.reduce((a, b) => a + b, 0) / c.length) };
}

const OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    order: { type: 'string', enum: ['morf', 'lerf'], default: 'morf', description: 'remove the most or the least relevant positions' },
    percentages: {
      type: 'array',
      items: { type: 'number', minimum: 0, maximum: 100 },
      minItems: 1,
      default: [10, 20, 30, 40, 50, 60, 70, 80, 90],
      description: 'shares of positions removed, in percent',
    },
    noise: { type: 'number', minimum: 0, default: 0.01, description: 'standard deviation of the noise added to imputed values' },
    pooling: { type: 'string', enum: POOLINGS, default: 'sum', description: 'how positions are ranked from multi-channel relevance' },
    measure: { type: 'string', enum: ['accuracy', 'probability', 'logit'], default: 'accuracy', description: 'what is recorded per removal level' },
  },
};

export const roadMetric: MetricDefinition = {
  name: 'road',
  category: 'faithfulness',
  description: 'ROAD: accuracy after removing positions with noisy linear imputation, mean over removal levels (MoRF: lower is better)',
  reference: 'Rong, Leemann, Borisov, Kasneci & Kasneci 2022, ICML (PMLR 162) 18770–18795',
  direction: 'lower',
  directionBy: { option: 'order', values: { morf: 'lower', lerf: 'higher' } },
  requires: [],
  options: OPTIONS,
  async run(ctx, o) {
    const r = await road(ctx.predict, ctx, { ...(o as RoadOptions), seed: ctx.seed, batchSize: ctx.batchSize, onProgress: ctx.onProgress, signal: ctx.signal });
    return { scores: r.scores, curve: { x: r.percentages, xLabel: '% removed', yLabel: String(o.measure), values: r.curves } };
  },
};

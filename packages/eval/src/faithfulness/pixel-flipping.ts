import { InvalidArgumentError, type ObjectSchema } from '@xai/core';
import type { BatchOptions } from '../data/evaluate-rows.js';
import { POOLINGS, poolChannels, type ChannelPooling } from '../data/pooling.js';
import { asPredict, type ModelLike, type OutputScore } from '../data/predict.js';
import { checkSamples, type AttributedSamples } from '../data/samples.js';
import { deriveSeed, seededRandom } from '../random/seeded.js';
import type { MetricDefinition } from '../registry/metric.js';
import { aopc } from './aopc.js';
import { padCurves, perturbationCurves, type CurveSpec } from './perturbation-curves.js';
import { perturbationSchema, replacementValues, type Perturbation } from './perturbation.js';
import { selectRegions, type RegionOrder, type RegionSelection } from './regions.js';

export interface PixelFlippingOptions extends BatchOptions {
  /** 'morf' (default): most relevant first; 'lerf': least relevant first; 'random': seeded random order. */
  readonly order?: RegionOrder;
  /** Side of a region in positions along every spatial axis (default 9, the paper's 9×9; 1 = pixel flipping). */
  readonly regionSize?: number;
  /** 'grid' (default) or 'greedy' non-overlapping windows. */
  readonly selection?: RegionSelection;
  /** L, perturbation steps (default 100, the paper's). */
  readonly steps?: number;
  /** Default uniform noise over the sample's value range (the paper's). */
  readonly perturbation?: Perturbation;
  /** f: the target's logit (default) or softmax probability. */
  readonly output?: OutputScore;
  /** How a region's relevance is summed over channels (default 'sum': signed). */
  readonly pooling?: ChannelPooling;
  /** Also run this many seeded random orders per sample and report their AOPC (default 0). */
  readonly randomRepeats?: number;
  readonly seed?: number;
}

export interface PixelFlippingResult {
  /** AOPC per sample. */
  readonly aopc: number[];
  /** f(xᵏ), k = 0..L, per sample (padded with the last value where a sample ran out of regions). */
  readonly curves: number[][];
  /** Regions each sample actually had (≤ L). */
  readonly regions: number[];
  /** Mean AOPC over the random orders per sample (when randomRepeats > 0). */
  readonly aopcRandom?: number[];
  /** Mean random-order curve per sample. */
  readonly randomCurves?: number[][];
}

/**
 * Region perturbation (Samek, Binder, Montavon, Lapuschkin & Müller 2017, "Evaluating the
 * visualization of what a deep neural network has learned", IEEE TNNLS 28(11)), which generalises
 * pixel flipping (Bach et al. 2015) from pixels to regions. The regions are ordered by their summed
 * relevance (MoRF, LeRF, or random as the reference); step k perturbs region k on top of steps
 * 1..k−1 (x⁰ = x, xᵏ = g(xᵏ⁻¹, r_k)); the curve is f(xᵏ) for k = 0..L and
 * AOPC = 1/(L+1) Σ_k (f(x⁰) − f(xᵏ)) (see aopc). Every perturbed input of every sample is
 * evaluated in model batches.
 */
export async function pixelFlipping(model: ModelLike, data: AttributedSamples, options: PixelFlippingOptions = {}): Promise<PixelFlippingResult> {
  const { layout, count } = checkSamples(data);
  const predict = asPredict(model);
  const order = options.order ?? 'morf';
  const steps = options.steps ?? 100;
  if (!Number.isInteger(steps) || steps < 1) throw new InvalidArgumentError(`steps must be a positive integer, got ${steps}`);
  const seed = options.seed ?? 0;
  const repeats = options.randomRepeats ?? 0;
  const perturbation = options.perturbation ?? { kind: 'uniform' };
  const regionOptions = { size: options.regionSize ?? 9, selection: options.selection ?? 'grid', limit: steps } as const;
  const specs: CurveSpec[] = [];
  const randomSpecs: CurveSpec[][] = [];
  for (let i = 0; i < count; i++) {
    const x = data.inputs.subarray(i * layout.size, (i + 1) * layout.size);
    const replacement = replacementValues(x, layout, perturbation, seededRandom(deriveSeed(seed, 'replacement', i)));
    const map = poolChannels(data.relevance, layout, options.pooling ?? 'sum', i);
    const regionsFor = (o: RegionOrder, r: number) =>
      selectRegions(map, layout.grid, { ...regionOptions, order: o, random: seededRandom(deriveSeed(seed, 'order', i, r)) });
    specs.push({ sample: i, target: data.targets[i]!, replacement, steps: regionsFor(order, -1) });
    randomSpecs.push(Array.from({ length: repeats }, (_, r) => ({ sample: i, target: data.targets[i]!, replacement, steps: regionsFor('random', r) })));
  }
  const all = [...specs, ...randomSpecs.flat()];
  const outcome = await perturbationCurves(predict, data.inputs, layout, all, options.output ?? 'logit', options);
  const length = all.reduce((m, s) => Math.max(m, s.steps.length), 0) + 1;
  const curves = padCurves(outcome.scores.slice(0, count), length);
  const result: PixelFlippingResult = { aopc: curves.map(aopc), curves, regions: specs.map((s) => s.steps.length) };
  if (repeats === 0) return result;
  const random = padCurves(outcome.scores.slice(count), length);
  const randomCurves = Array.from({ length: count }, (_, i) =>
    Array.from({ length }, (_, k) => random.slice(i * repeats, (i + 1) * repeats).reduce((a, c) => a + c[k]!, 0) / repeats),
  );
  const aopcRandom = Array.from({ length: count }, (_, i) => random.slice(i * repeats, (i + 1) * repeats).reduce((a, c) => a + aopc(c), 0) / repeats);
  return { ...result, aopcRandom, randomCurves };
}

const OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    order: { type: 'string', enum: ['morf', 'lerf', 'random'], default: 'morf', description: 'most relevant first, least relevant first, or random' },
    regionSize: { type: 'integer', minimum: 1, default: 9, description: 'region side in positions (1 = pixel flipping)' },
    selection: { type: 'string', enum: ['grid', 'greedy'], default: 'grid', description: 'fixed grid tiles or greedy non-overlapping windows' },
    steps: { type: 'integer', minimum: 1, default: 100, description: 'L, the number of perturbation steps' },
    perturbation: perturbationSchema({ kind: 'uniform' }),
    output: { type: 'string', enum: ['logit', 'probability'], default: 'logit', description: 'f: target logit or softmax probability' },
    pooling: { type: 'string', enum: POOLINGS, default: 'sum', description: 'how region relevance is summed over channels' },
    randomRepeats: { type: 'integer', minimum: 0, default: 0, description: 'random orders per sample for the reference AOPC' },
    score: {
      type: 'string',
      enum: ['aopc', 'aopc_minus_random'],
      default: 'aopc',
      description: "the reported score: AOPC, or AOPC minus the random order's AOPC (randomRepeats ≥ 1, default 1)",
    },
  },
};

export const pixelFlippingMetric: MetricDefinition = {
  name: 'pixel_flipping',
  category: 'faithfulness',
  description: 'region perturbation / pixel flipping: AOPC of the perturbation curve (MoRF: higher is better; LeRF: lower)',
  reference: 'Samek, Binder, Montavon, Lapuschkin & Müller 2017, IEEE TNNLS 28(11) 2660–2673',
  direction: 'higher',
  directionBy: { option: 'order', values: { morf: 'higher', lerf: 'lower', random: 'higher' } },
  requires: [],
  options: OPTIONS,
  async run(ctx, o) {
    const vsRandom = o.score === 'aopc_minus_random';
    const repeats = vsRandom ? Math.max(1, o.randomRepeats as number) : (o.randomRepeats as number);
    const r = await pixelFlipping(ctx.predict, ctx, { ...(o as PixelFlippingOptions), randomRepeats: repeats, seed: ctx.seed, batchSize: ctx.batchSize, onProgress: ctx.onProgress, signal: ctx.signal });
    const scores = vsRandom ? r.aopc.map((a, i) => a - r.aopcRandom![i]!) : r.aopc;
    return {
      scores,
      curve: { x: r.curves[0]!.map((_, k) => k), xLabel: 'perturbation step k', yLabel: `f(x^k) (${o.output})`, values: r.curves },
      details: { aopc: r.aopc, regions: r.regions, ...(r.aopcRandom ? { aopcRandom: r.aopcRandom } : {}) },
    };
  },
};

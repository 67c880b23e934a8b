import * as tf from '@tensorflow/tfjs';
import { Type, type Static } from 'typebox';
import { mulberry32 } from '../random/mulberry32.js';
import type { ExplainOptions, Explanation } from '../engine/explain-lrp.js';
import { batchInputs } from '../engine/inputs.js';
import { resolveTargets } from '../engine/propagate.js';
import type { ExecutorOptions } from '../engine/executor-choice.js';
import { InvalidArgumentError } from '../errors.js';
import type { XaiModel } from '../model.js';
import { gaussianBlur } from '../ops/gaussian-blur.js';
import { onChannelsLastView } from './channels-last-view.js';
import { openLogitScorer } from './logit-scorer.js';
import { MethodContext } from './method-context.js';
import { resolveOptions, stringEnum } from './option-schema.js';
import type { MethodDefinition } from './registry.js';
import { ridgeRegression } from './ridge.js';
import { gridSegments, type Segmentation } from './superpixels/grid.js';
import { slic } from './superpixels/slic.js';

export type LimeSegmentation = 'slic' | 'grid' | 'tokens';

/** Options of LIME (the schema's descriptions say what each means; defaults by sample shape for `segmentation`). */
export type LimeOptions = Static<typeof LIME_OPTIONS> & ExplainOptions & ExecutorOptions;

/** A LIME explanation; the extra fields describe the surrogate of each sample of the batch. */
export interface LimeExplanation extends Explanation {
  /** Per sample: the feature label of every spatial position (every token); −1 = no feature (padding). */
  readonly segments: Int32Array[];
  /** Per sample: number of features. */
  readonly featureCounts: number[];
  /** Per sample: weighted R² of the surrogate on its perturbed copies (lime's `score`). */
  readonly scores: number[];
  /** Per sample: intercept of the surrogate (lime's `intercept`). */
  readonly intercepts: number[];
}

const LIME_OPTIONS = Type.Object({
  segmentation: Type.Optional(
    stringEnum(['slic', 'grid', 'tokens'], {
      description: "features: 'slic' superpixels (default for images), 'grid' cells (default for signals and volumes), 'tokens' (default for token sequences)",
    }),
  ),
  nSegments: Type.Optional(Type.Integer({ minimum: 1, default: 50, description: "approximate number of features ('slic', and 'grid' without a cell size)" })),
  compactness: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 10, description: 'SLIC compactness: larger gives more grid-like superpixels' })),
  slicIterations: Type.Optional(Type.Integer({ minimum: 1, default: 10, description: 'SLIC k-means iterations at most' })),
  cellSize: Type.Optional(
    Type.Unsafe<number | readonly number[]>({
      anyOf: [{ type: 'integer', minimum: 1 }, { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 3 }],
      description: "'grid' cell size, one for all spatial axes or one per axis; default ≈ nSegments cells",
    }),
  ),
  groupSize: Type.Optional(Type.Integer({ minimum: 1, description: "'grid' on 1-D signals: consecutive elements per feature; default ⌈T / nSegments⌉" })),
  samples: Type.Optional(Type.Integer({ minimum: 2, default: 500, description: 'perturbed copies per sample (the first unperturbed)' })),
  seed: Type.Optional(Type.Integer({ default: 0, description: 'seed of the random masks' })),
  fill: Type.Optional(
    Type.Unsafe<number | 'mean' | 'blur'>({
      anyOf: [{ type: 'number' }, { type: 'string', enum: ['mean', 'blur'] }],
      default: 0,
      description: "what replaces a masked feature: a constant, the sample's channel 'mean', or the 'blur'red sample",
    }),
  ),
  blurSigma: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 5, description: "σ (elements) of the 'blur' fill" })),
  maskToken: Type.Optional(Type.Integer({ default: 0, description: "'tokens': id that replaces masked tokens (tokens equal to it are no features)" })),
  kernelWidth: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 0.25, description: 'width of the exponential kernel on the cosine distance' })),
  alpha: Type.Optional(Type.Number({ minimum: 0, default: 1, description: 'ridge penalty of the linear surrogate' })),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, default: 64, description: 'perturbed copies per forward pass' })),
});

type Resolved = Required<Omit<LimeOptions, keyof ExplainOptions | keyof ExecutorOptions | 'segmentation' | 'cellSize' | 'groupSize'>> &
  Pick<LimeOptions, 'segmentation' | 'cellSize' | 'groupSize'>;

/** The segmentation a sample of this shape (no batch axis) gets: the requested one, checked, or the default. */
function segmentationFor(sampleShape: readonly number[], requested: LimeSegmentation | undefined): LimeSegmentation {
  const rank = sampleShape.length;
  if (rank < 1 || rank > 4) throw new InvalidArgumentError(`LIME explains samples of rank 1 to 4 (tokens, [T, C], [H, W, C], [D, H, W, C]), got [${sampleShape}]`);
  const chosen = requested ?? (rank === 1 ? 'tokens' : rank === 3 ? 'slic' : 'grid');
  if (chosen === 'slic' && rank !== 3) throw new InvalidArgumentError(`segmentation 'slic' needs image samples [H, W, C], got [${sampleShape}]; use 'grid'`);
  if (chosen === 'tokens' && rank !== 1) throw new InvalidArgumentError(`segmentation 'tokens' needs rank-1 samples (token ids), got [${sampleShape}]`);
  return chosen;
}

/**
 * LIME's features for one sample (`values` row-major, `sampleShape` without batch axis): superpixels,
 * grid cells / groups of consecutive elements, or tokens (each position whose id is not `maskToken`).
 * Labels cover the spatial positions; channels share their position's feature.
 */
export function limeFeatures(values: ArrayLike<number>, sampleShape: readonly number[], options: LimeOptions = {}): Segmentation & { segmentation: LimeSegmentation } {
  const segmentation = segmentationFor(sampleShape, options.segmentation);
  const nSegments = options.nSegments ?? 50;
  if (!Number.isInteger(nSegments) || nSegments < 1) throw new InvalidArgumentError(`option 'nSegments' must be an integer ≥ 1, got ${nSegments}`);
  if (segmentation === 'tokens') {
    const mask = options.maskToken ?? 0;
    const labels = new Int32Array(sampleShape[0]!);
    let count = 0;
    for (let i = 0; i < labels.length; i++) labels[i] = values[i] === mask ? -1 : count++;
    return { labels, count, segmentation };
  }
  if (segmentation === 'slic') {
    return { ...slic(values, sampleShape, { nSegments, compactness: options.compactness, maxIterations: options.slicIterations }), segmentation };
  }
  const spatial = sampleShape.length === 1 ? [...sampleShape] : sampleShape.slice(0, -1);
  if (spatial.length === 1) {
    const size = options.groupSize ?? options.cellSize ?? Math.ceil(spatial[0]! / nSegments);
    return { ...gridSegments(spatial, size, options.groupSize !== undefined ? 'groupSize' : 'cellSize'), segmentation };
  }
  if (options.groupSize !== undefined) throw new InvalidArgumentError(`option 'groupSize' is for 1-D signals; samples of shape [${sampleShape}] take 'cellSize'`);
  // Default: about nSegments cells, the same number along every axis.
  const perAxis = Math.max(1, Math.round(nSegments ** (1 / spatial.length)));
  return { ...gridSegments(spatial, options.cellSize ?? spatial.map((n) => Math.ceil(n / perAxis))), segmentation };
}

/** π(z) = √exp(−d²/width²) with d the cosine distance between z (m ones of k) and the all-ones mask. */
function kernelWeight(ones: number, features: number, width: number): number {
  const d = ones === 0 ? 1 : 1 - Math.sqrt(ones / features);
  return Math.exp(-(d * d) / (2 * width * width));
}

/**
 * LIME (Ribeiro et al. 2016): per sample, cut the input into K features (superpixels, grid cells,
 * tokens), evaluate the model on `samples` copies in which random subsets of features are replaced by
 * `fill` (binary masks z ∈ {0,1}^K, Bernoulli(½) per feature, the first mask all ones), weight each copy
 * by an exponential kernel on its cosine distance to the unperturbed input, and fit a weighted ridge
 * regression from z to the target's logit (before any softmax). The relevance of every element is its
 * feature's coefficient — for images repeated over all channels and over all pixels of the superpixel,
 * NOT divided by the superpixel's size, so the relevance map shows the surrogate's weights and sums to
 * Σ size·coefficient, not to the output. Token samples give relevance [T] (0 for padding).
 * Handles batches (each sample explained on its own, with the same masks stream) and single samples
 * without batch axis.
 */
export async function lime(model: XaiModel, input: tf.Tensor, options: LimeOptions = {}, context = new MethodContext()): Promise<LimeExplanation> {
  const { target, output, keepNodeRelevance: _ignored, executor: _executor, onNotice: _onNotice, ...own } = options;
  const o = resolveOptions(LIME_OPTIONS, own, "method 'lime'") as Resolved;
  const head = model.headIndex(output);
  const { tensors, unbatched } = batchInputs(model.graph, input);
  const x = tensors[0]!;
  const [batch, ...rest] = x.shape as number[];
  const flat = rest.length === 1; // rank-1 samples: positions without a channel axis
  const spatial = flat ? rest : rest.slice(0, -1);
  const channels = flat ? 1 : rest[rest.length - 1]!;
  const positions = spatial.reduce((a, b) => a * b, 1);

  let logits: tf.Tensor | undefined;
  const owned: tf.Tensor[] = []; // per-sample tensors, disposed however the loop ends
  try {
    segmentationFor(rest, o.segmentation); // fail on a bad segmentation before any forward pass
    const values = await x.data();
    // The perturbed copies' forward passes, in batches of batchSize: on tfjs or ORT (the surrogate fit stays in JS).
    const scorer = await openLogitScorer(model, head, Math.min(o.batchSize, o.samples), options);
    logits = await scorer.score(x);
    const targets = resolveTargets(logits, target, model.graph.outputNames[head]!);
    const result = new Float32Array(batch * positions * channels);
    const segments: Int32Array[] = [];
    const featureCounts: number[] = [];
    const scores: number[] = [];
    const intercepts: number[] = [];
    const total = batch * o.samples;
    let done = 0;
    for (let b = 0; b < batch; b++) {
      const sampleValues = values.subarray(b * positions * channels, (b + 1) * positions * channels);
      const features = limeFeatures(sampleValues, rest, o);
      const K = features.count;
      segments.push(features.labels);
      featureCounts.push(K);
      if (K === 0) {
        // Nothing to perturb (all tokens are padding): no relevance, the surrogate is the constant output.
        scores.push(1);
        intercepts.push((logits.arraySync() as number[][])[b]![targets[b]!]!);
        await context.step((done += o.samples), total, 'samples');
        continue;
      }
      // The masks z (row 0 all ones, as lime) and their kernel weights.
      const rand = mulberry32(o.seed);
      const masks: Uint8Array[] = [];
      const weights = new Float64Array(o.samples);
      for (let s = 0; s < o.samples; s++) {
        const z = new Uint8Array(K);
        let ones = 0;
        for (let k = 0; k < K; k++) ones += z[k] = s === 0 || rand() < 0.5 ? 1 : 0;
        masks.push(z);
        weights[s] = kernelWeight(ones, K, o.kernelWidth);
      }
      // The sample and what replaces masked features, both [1, ...spatial, channels].
      const sample = tf.tidy(() => tf.slice(x, b, 1).reshape([1, ...spatial, channels]).toFloat());
      owned.push(sample);
      const filler =
        features.segmentation === 'tokens' ? tf.fill(sample.shape, o.maskToken)
        : typeof o.fill === 'number' ? tf.fill(sample.shape, o.fill)
        : o.fill === 'mean' ? tf.tidy(() => tf.mul(tf.onesLike(sample), tf.mean(sample, spatial.map((_, i) => i + 1), true)))
        : gaussianBlur(sample, o.blurSigma);
      owned.push(filler);
      const ys = new Float64Array(o.samples);
      for (let from = 0; from < o.samples; from += o.batchSize) {
        const count = Math.min(o.batchSize, o.samples - from);
        const keep = new Float32Array(count * positions);
        for (let i = 0; i < count; i++) {
          const z = masks[from + i]!;
          for (let p = 0; p < positions; p++) {
            const label = features.labels[p]!;
            keep[i * positions + p] = label < 0 ? 1 : z[label]!;
          }
        }
        const perturbed = tf.tidy(() => {
          const mask = tf.tensor(keep, [count, ...spatial, 1]);
          const copies = tf.add(tf.mul(sample, mask), tf.mul(tf.sub(1, mask), filler)).reshape([count, ...rest]);
          return x.dtype === 'float32' ? copies : tf.cast(copies, x.dtype);
        });
        let scores: tf.Tensor | undefined;
        try {
          scores = await scorer.score(perturbed);
          const column = tf.tidy(() => tf.gather(scores!, targets[b]!, 1));
          ys.set(await column.data(), from);
          column.dispose();
        } finally {
          tf.dispose([perturbed, ...(scores ? [scores] : [])]);
        }
        await context.step((done += count), total, 'samples');
      }
      tf.dispose(owned.splice(0));
      const fit = ridgeRegression(masks, ys, { weights, alpha: o.alpha });
      scores.push(fit.score);
      intercepts.push(fit.intercept);
      for (let p = 0; p < positions; p++) {
        const label = features.labels[p]!;
        const v = label < 0 ? 0 : fit.coefficients[label]!;
        for (let c = 0; c < channels; c++) result[(b * positions + p) * channels + c] = v;
      }
    }
    const relevance = tf.tensor(result, unbatched ? rest : [batch, ...rest]);
    const shownLogits = unbatched ? logits.squeeze([0]) : logits;
    if (unbatched) logits.dispose();
    logits = undefined;
    return {
      relevance,
      relevances: [relevance],
      logits: shownLogits,
      targets,
      segments,
      featureCounts,
      scores,
      intercepts,
      execution: scorer.execution,
      dispose: () => (relevance.dispose(), shownLogits.dispose()),
    };
  } finally {
    tf.dispose(owned);
    if (logits) logits.dispose();
    x.dispose();
  }
}

export const limeMethod: MethodDefinition = {
  name: 'lime',
  family: 'surrogate',
  description: 'LIME (Ribeiro et al. 2016): weighted linear surrogate fitted to randomly masked superpixels, cells or tokens',
  integerInputs: true,
  options: LIME_OPTIONS,
  runsOnOrt: true,
  cost: (o) => ({ passes: o.samples as number, batch: Math.min(o.batchSize as number, o.samples as number), passesOption: 'samples', batchOption: 'batchSize' }),
  run: (model, input, options, context) => onChannelsLastView(model, input as tf.Tensor, (m, x) => lime(m, x, options as LimeOptions, context)),
};

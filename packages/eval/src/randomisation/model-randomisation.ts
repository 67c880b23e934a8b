import type * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type ObjectSchema, type Progress, type XaiModel } from '@xai/core';
import { editedModel, setLayerWeights } from '../data/clone-model.js';
import type { BatchExplainer } from '../data/explainer.js';
import { layoutOf, product, type ChannelAxis } from '../data/layout.js';
import { deriveSeed, seededRandom } from '../random/seeded.js';
import type { MetricDefinition } from '../registry/metric.js';
import { explanationSimilarity, SIMILARITY_PROPERTIES, type SimilarityOptions } from './similarity.js';

/** Layers with a kernel (a weight of rank ≥ 2), in model order: what the test re-initialises. */
export function randomisableLayers(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => l.getWeights().some((w) => w.rank >= 2)).map((l) => l.name);
}

/**
 * Re-initialises a layer as Keras initialises it by default: kernels Glorot-uniform
 * (U(±√(6/(fan_in + fan_out))), fans over the receptive field), biases and other vectors zero.
 * Seeded per layer, so cascading and independent runs draw the same weights for a layer.
 */
export function reinitialiseLayer(layer: tf.layers.Layer, seed: number): void {
  const random = seededRandom(deriveSeed(seed, 'reinitialise', layer.name));
  const values = layer.getWeights().map((w) => {
    const out = new Float32Array(w.size);
    if (w.rank < 2) return out;
    const receptive = product(w.shape.slice(0, -2));
    const limit = Math.sqrt(6 / (receptive * (w.shape[w.rank - 2]! + w.shape[w.rank - 1]!)));
    for (let i = 0; i < out.length; i++) out[i] = random.uniform(-limit, limit);
    return out;
  });
  setLayerWeights(layer, values);
}

export interface RandomisationOptions extends SimilarityOptions {
  /** 'cascading' (default): randomise from the top layer down, cumulatively; 'independent': one layer at a time. */
  readonly mode?: 'cascading' | 'independent';
  /** Randomise at most this many layers, from the top (default all). */
  readonly maxLayers?: number;
  readonly seed?: number;
  readonly onProgress?: (progress: Progress) => void;
}

export interface RandomisationResult {
  /** The layer randomised at each step (cascading: in addition to those before). */
  readonly layers: string[];
  /** Per sample, similarity to the original explanation after each step. */
  readonly similarities: number[][];
  /** Per sample, the mean similarity over the steps (lower is better). */
  readonly scores: number[];
}

/**
 * Model parameter randomisation test (Adebayo, Gilmer, Muelly, Goodfellow, Hardt & Kim 2018,
 * "Sanity checks for saliency maps", NeurIPS): the weights are re-initialised layer by
 * layer from the top (logits) down — cumulatively ("cascading") or one layer at a time
 * ("independent") — and each randomised model's explanation is compared with the original's by
 * Spearman rank correlation (with or without absolute values) or SSIM. An explanation that
 * depends on what the model learnt becomes dissimilar: lower similarity is better.
 */
export async function modelParameterRandomisation(
  model: XaiModel,
  explainWith: (model: XaiModel) => BatchExplainer,
  data: { readonly inputs: Float32Array; readonly shape: readonly number[]; readonly targets: readonly number[]; readonly relevance?: Float32Array; readonly channels?: ChannelAxis },
  options: RandomisationOptions = {},
): Promise<RandomisationResult> {
  const layout = layoutOf(data.shape, data.channels ?? options.channels);
  const count = data.targets.length;
  const seed = options.seed ?? 0;
  const all = randomisableLayers(model.layersModel).reverse();
  if (all.length === 0) throw new InvalidArgumentError('the model has no layer with a kernel to randomise');
  const layers = all.slice(0, Math.min(all.length, options.maxLayers ?? all.length));
  const original = data.relevance ?? (await explainWith(model)(data.inputs, count, data.targets));
  const similarities = Array.from({ length: count }, () => new Array<number>(layers.length).fill(NaN));
  for (let step = 0; step < layers.length; step++) {
    const chosen = (options.mode ?? 'cascading') === 'cascading' ? layers.slice(0, step + 1) : [layers[step]!];
    const randomised = await editedModel(model, (clone) => {
      for (const name of chosen) reinitialiseLayer(clone.getLayer(name), seed);
    });
    try {
      const r = await explainWith(randomised)(data.inputs, count, data.targets);
      for (let i = 0; i < count; i++) {
        const slice = (v: Float32Array) => v.subarray(i * layout.size, (i + 1) * layout.size);
        similarities[i]![step] = explanationSimilarity(slice(original), slice(r), data.shape, { ...options, channels: data.channels ?? options.channels });
      }
    } finally {
      randomised.dispose();
    }
    options.onProgress?.({ done: step + 1, total: layers.length, unit: 'layers' });
  }
  const scores = similarities.map((s) => {
    const finite = s.filter(Number.isFinite);
    return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN;
  });
  return { layers, similarities, scores };
}

const OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    mode: { type: 'string', enum: ['cascading', 'independent'], default: 'cascading', description: 'cumulative from the top, or one layer at a time' },
    ...SIMILARITY_PROPERTIES,
    maxLayers: { type: 'integer', minimum: 1, description: 'randomise at most this many layers from the top (default all)' },
  },
};

export const modelRandomisationMetric: MetricDefinition = {
  name: 'model_randomisation',
  category: 'randomisation',
  description: 'similarity of explanations before and after re-initialising layers from the top, mean over layers (lower is better)',
  reference: 'Adebayo, Gilmer, Muelly, Goodfellow, Hardt & Kim 2018, NeurIPS 31',
  direction: 'lower',
  requires: ['model', 'explainer'],
  options: OPTIONS,
  async run(ctx, o) {
    const r = await modelParameterRandomisation(ctx.model, ctx.explainWith, ctx, { ...(o as RandomisationOptions), seed: ctx.seed, onProgress: ctx.onProgress });
    return {
      scores: r.scores,
      curve: { x: r.layers.map((_, k) => k + 1), labels: r.layers, xLabel: 'layers randomised (from the top)', yLabel: String(o.similarity), values: r.similarities },
    };
  },
};

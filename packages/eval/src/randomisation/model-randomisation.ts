import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type LinearNode, type ObjectSchema, type Progress, type XaiModel } from '@xai/core';
import { editedModel, setLayerWeights, withLinearParams, type LinearParams } from '../data/clone-model.js';
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
 * What the test re-initialises, in model order: a tfjs model's layers with a kernel, an ONNX
 * model's linear nodes (Conv, ConvTranspose, Gemm, MatMul with a weight; a BatchNormalization
 * merged into its Conv/Gemm when loaded is part of that node).
 */
export function randomisableNodes(model: XaiModel): string[] {
  if (model.format === 'tfjs') return randomisableLayers(model.layersModel);
  return model.linearNodes().filter((n) => n.op.kernel.rank >= 2).map((n) => n.name);
}

/**
 * Glorot-uniform values for a kernel stored [...receptive field, fan in, fan out] (Keras's and the
 * engine's layout): U(±√(6/(r·(fan_in + fan_out)))), r the receptive-field size. Positions where
 * `keepZeros` is 0 stay 0 (the engine stores grouped convolutions as block-diagonal kernels).
 */
function glorotUniform(shape: readonly number[], random: ReturnType<typeof seededRandom>, keepZeros?: ArrayLike<number>): Float32Array {
  const out = new Float32Array(product(shape));
  const receptive = product(shape.slice(0, -2));
  const limit = Math.sqrt(6 / (receptive * (shape[shape.length - 2]! + shape[shape.length - 1]!)));
  for (let i = 0; i < out.length; i++) {
    const value = random.uniform(-limit, limit); // drawn for every position: the sequence does not depend on the zeros
    out[i] = keepZeros && keepZeros[i] === 0 ? 0 : value;
  }
  return out;
}

/**
 * Re-initialises a layer as Keras initialises it by default: kernels Glorot-uniform
 * (U(±√(6/(fan_in + fan_out))), fans over the receptive field), biases and other vectors zero.
 * Seeded per layer, so cascading and independent runs draw the same weights for a layer.
 */
export function reinitialiseLayer(layer: tf.layers.Layer, seed: number): void {
  const random = seededRandom(deriveSeed(seed, 'reinitialise', layer.name));
  const values = layer.getWeights().map((w) => (w.rank < 2 ? new Float32Array(w.size) : glorotUniform(w.shape, random)));
  setLayerWeights(layer, values);
}

/**
 * New parameters of a linear node of the engine's graph, as `reinitialiseLayer` draws them: the
 * kernel Glorot-uniform (seeded per node; structural zeros of grouped convolutions kept), the bias
 * zero. The caller owns the tensors (withLinearParams hands them to the edited model).
 */
export function reinitialisedParams(node: LinearNode, seed: number): LinearParams {
  const random = seededRandom(deriveSeed(seed, 'reinitialise', node.name));
  const kernel = node.op.kernel;
  const values = glorotUniform(kernel.shape, random, kernel.dataSync());
  return { kernel: tf.tensor(values, kernel.shape, 'float32'), bias: node.op.bias ? tf.zeros(node.op.bias.shape) : null };
}

/** `model` with the named layers (tfjs) or linear nodes (ONNX) re-initialised; the caller disposes it. */
export async function randomisedModel(model: XaiModel, names: readonly string[], seed: number): Promise<XaiModel> {
  if (model.format === 'tfjs') {
    return editedModel(model, (clone) => {
      for (const name of names) reinitialiseLayer(clone.getLayer(name), seed);
    });
  }
  const chosen = new Set(names);
  const known = new Set(model.linearNodes().map((n) => n.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) throw new InvalidArgumentError(`'${model.label}' has no linear node ${unknown.join(', ')}; its linear nodes are ${[...known].join(', ')}`);
  return withLinearParams(model, (node) => (chosen.has(node.name) ? reinitialisedParams(node, seed) : null));
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
 * depends on what the model learnt becomes dissimilar: lower similarity is better. ONNX models
 * are randomised node by node on an edited copy of their graph (see randomisedModel).
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
  const all = randomisableNodes(model).reverse();
  if (all.length === 0) throw new InvalidArgumentError(`'${model.label}' has no layer with a kernel to randomise`);
  const layers = all.slice(0, Math.min(all.length, options.maxLayers ?? all.length));
  const original = data.relevance ?? (await explainWith(model)(data.inputs, count, data.targets));
  const similarities = Array.from({ length: count }, () => new Array<number>(layers.length).fill(NaN));
  for (let step = 0; step < layers.length; step++) {
    const chosen = (options.mode ?? 'cascading') === 'cascading' ? layers.slice(0, step + 1) : [layers[step]!];
    const randomised = await randomisedModel(model, chosen, seed);
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

import type * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type ObjectSchema, type XaiModel } from '@xai/core';
import { editedModel, layerWeightValues, setLayerWeights } from '../data/clone-model.js';
import type { BatchExplainer } from '../data/explainer.js';
import { layoutOf, product, type ChannelAxis } from '../data/layout.js';
import { modelPredictor, predictInBatches } from '../data/predict.js';
import { NotApplicableError } from '../errors.js';
import type { MetricDefinition } from '../registry/metric.js';

const METRIC = 'input invariance';
const PASS_THROUGH = new Set(['InputLayer', 'Flatten', 'Reshape']);
const CONVS = new Set(['Conv1D', 'Conv2D', 'Conv3D']);

/** The first parametrised layer, checked to be one whose input shift a bias can absorb. */
function firstLinearLayer(model: tf.LayersModel): tf.layers.Layer {
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (PASS_THROUGH.has(cls)) continue;
    if (cls !== 'Dense' && !CONVS.has(cls)) {
      throw new NotApplicableError(METRIC, `the input reaches layer '${layer.name}' (${cls}) before any Dense/Conv layer; only a first Dense or 'valid' Conv layer can absorb the shift`);
    }
    const config = layer.getConfig() as { padding?: string; useBias?: boolean; use_bias?: boolean };
    if (CONVS.has(cls) && config.padding !== 'valid') {
      throw new NotApplicableError(METRIC, `first layer '${layer.name}' pads with '${config.padding}': zero padding is not shifted, so no bias can compensate the shift (needs padding 'valid')`);
    }
    if (layer.getWeights().length < 2) throw new NotApplicableError(METRIC, `first layer '${layer.name}' has no bias to compensate the shift with`);
    return layer;
  }
  throw new NotApplicableError(METRIC, 'the model has no Dense or Conv layer');
}

/**
 * The model of Kindermans et al.'s experiment: m₂(x + c) = m₁(x) for every x, by giving the first
 * layer the bias b₂ = b₁ − W c (Dense: over the flattened input; Conv with 'valid' padding: per
 * output channel over the kernel window, c constant per channel). `shift` is one value or one per
 * channel of the channels-last input. The caller owns the result.
 */
export async function shiftCompensatedModel(model: XaiModel, shift: number | readonly number[], shape: readonly number[], channels?: ChannelAxis): Promise<XaiModel> {
  const layout = layoutOf(shape, channels);
  const perChannel = typeof shift === 'number' ? new Array<number>(layout.channels).fill(shift) : [...shift];
  if (perChannel.length !== layout.channels) throw new InvalidArgumentError(`${METRIC}: shift has ${perChannel.length} values, the input has ${layout.channels} channels`);
  return editedModel(model, (clone) => {
    const layer = firstLinearLayer(clone);
    const { values, shapes } = layerWeightValues(layer);
    const kernel = values[0]!;
    const kshape = shapes[0]!;
    const bias = values[1]!;
    const nOut = kshape[kshape.length - 1]!;
    const nIn = product(kshape.slice(0, -1));
    let shiftOf: (i: number) => number;
    if (layer.getClassName() === 'Dense') {
      const fanIn = kshape[0]!;
      if (fanIn === layout.size) shiftOf = (i) => perChannel[i % layout.channels]!;
      else if (fanIn === layout.channels) shiftOf = (i) => perChannel[i]!;
      else throw new NotApplicableError(METRIC, `first layer '${layer.name}' takes ${fanIn} features, not the ${layout.size} input values or their ${layout.channels} channels`);
    } else {
      const cin = kshape[kshape.length - 2]!;
      if (cin !== layout.channels) throw new NotApplicableError(METRIC, `first layer '${layer.name}' takes ${cin} channels, the input has ${layout.channels}`);
      shiftOf = (i) => perChannel[i % cin]!;
    }
    const next = Float32Array.from(bias);
    for (let i = 0; i < nIn; i++) {
      const c = shiftOf(i);
      if (c === 0) continue;
      for (let o = 0; o < nOut; o++) next[o]! -= kernel[i * nOut + o]! * c;
    }
    setLayerWeights(layer, [kernel, next, ...values.slice(2)]);
  });
}

export interface InputInvarianceOptions {
  /** The constant added to the input: one value or one per channel (default −1: [0, 1] → [−1, 0], as in the paper). */
  readonly shift?: number | readonly number[];
  readonly channels?: ChannelAxis;
  /** Samples per model call when comparing the two models' outputs (default 64). */
  readonly batchSize?: number;
}

export interface InputInvarianceResult {
  /** Σ|R₁ − R₂| / Σ|R₁| per sample: 0 = invariant. */
  readonly scores: number[];
  /** max |m₂(x + c) − m₁(x)| over the logits: how exactly the shift was compensated. */
  readonly outputDifference: number;
}

/**
 * Input invariance (Kindermans, Hooker, Adebayo, Alber, Schütt, Dähne, Erhan & Kim 2019, "The
 * (un)reliability of saliency methods", in Explainable AI, LNCS 11700; arXiv 2017): a method is
 * input invariant when it gives the same explanation for m₁ at x and for m₂ at x + c, where m₂
 * absorbs the constant shift c in its first layer's bias, so both networks compute the same
 * function of the same information. The score is the relative L1 difference of the two
 * explanations per sample (lower is better; 0 = invariant). `explainWith` explains with the method
 * under test on a given model.
 */
export async function inputInvariance(
  model: XaiModel,
  explainWith: (model: XaiModel) => BatchExplainer,
  data: { readonly inputs: Float32Array; readonly shape: readonly number[]; readonly targets: readonly number[]; readonly relevance?: Float32Array },
  options: InputInvarianceOptions = {},
): Promise<InputInvarianceResult> {
  const layout = layoutOf(data.shape, options.channels);
  const count = data.targets.length;
  const shift = options.shift ?? -1;
  const perChannel = typeof shift === 'number' ? new Array<number>(layout.channels).fill(shift) : [...shift];
  const shiftedModel = await shiftCompensatedModel(model, perChannel, data.shape, options.channels);
  try {
    const shifted = data.inputs.map((v, i) => v + perChannel[i % layout.channels]!);
    const r1 = data.relevance ?? (await explainWith(model)(data.inputs, count, data.targets));
    const r2 = await explainWith(shiftedModel)(shifted, count, data.targets);
    const f1 = await predictInBatches(modelPredictor(model), data.inputs, count, options.batchSize);
    const f2 = await predictInBatches(modelPredictor(shiftedModel), shifted, count, options.batchSize);
    const outputDifference = f1.reduce((m, v, i) => Math.max(m, Math.abs(v - f2[i]!)), 0);
    const scores = Array.from({ length: count }, (_, i) => {
      let diff = 0;
      let norm = 0;
      for (let k = i * layout.size; k < (i + 1) * layout.size; k++) {
        diff += Math.abs(r1[k]! - r2[k]!);
        norm += Math.abs(r1[k]!);
      }
      return norm > 0 ? diff / norm : diff > 0 ? Infinity : 0;
    });
    return { scores, outputDifference };
  } finally {
    shiftedModel.dispose();
  }
}

const OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    shift: {
      anyOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' }, minItems: 1 }],
      default: -1,
      description: 'constant added to the input (one value, or one per channel)',
    },
  },
};

export const inputInvarianceMetric: MetricDefinition = {
  name: 'input_invariance',
  category: 'axioms',
  description: 'relative L1 change of the explanation under a constant input shift absorbed by the first-layer bias (lower is better)',
  reference: 'Kindermans, Hooker, Adebayo, Alber, Schütt, Dähne, Erhan & Kim 2019, LNCS 11700 (arXiv 1711.00867)',
  direction: 'lower',
  requires: ['model', 'explainer'],
  options: OPTIONS,
  async run(ctx, o) {
    const r = await inputInvariance(ctx.model, ctx.explainWith, ctx, { shift: o.shift as number | number[], channels: ctx.channels, batchSize: ctx.batchSize });
    return { scores: r.scores, details: { outputDifference: r.scores.map(() => r.outputDifference) } };
  },
};

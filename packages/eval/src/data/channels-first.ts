/**
 * Metrics perturb, pool and compare samples channels-last (or without a channel axis). For a
 * channels-first model (ONNX: [C, H, W], [C, T], [1, C, T], [C, D, H, W]) the benchmark moves the
 * samples to channels-last once, and its predictor and explainers move each batch back to the
 * model's layout and the relevance to channels-last: every metric reads a channels-first model's
 * samples and explanations as it reads a tfjs model's.
 *
 * (Not core's `channelsLastView()`: a view still reports `inputLayout` 'channels-first', so methods
 * that work on channels-last windows — occlusion, LIME, meaningful perturbation — would transpose
 * its input once more. A model that is such a view is taken as channels-last here.)
 */
import type { XaiModel } from '@xai/core';
import type { ChannelAxis } from './layout.js';

export interface ChannelsLastBoundary {
  /** The samples channels-last. */
  readonly inputs: Float32Array;
  readonly shape: readonly number[];
  readonly channels: ChannelAxis;
  /** Whether the samples came in the model's layout and were moved. */
  readonly moved: boolean;
  /** Channels-last samples (any count) → the model's layout. */
  toModel(values: Float32Array): Float32Array;
  /** Values in the model's layout (relevance of any count of samples) → channels-last. */
  fromModel(values: Float32Array): Float32Array;
}

const fits = (shape: readonly number[], model: readonly (number | null)[]) =>
  shape.length === model.length && model.every((d, i) => d === null || d === shape[i]);

/** Samples [count, C, ...grid] → [count, ...grid, C]; `shape` is one sample's, channels first. */
export function toChannelsLast(values: Float32Array, shape: readonly number[]): Float32Array {
  const C = shape[0]!;
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  const size = C * inner;
  const out = new Float32Array(values.length);
  for (let base = 0; base < values.length; base += size) {
    for (let c = 0; c < C; c++) for (let p = 0; p < inner; p++) out[base + p * C + c] = values[base + c * inner + p]!;
  }
  return out;
}

/** Samples [count, ...grid, C] → [count, C, ...grid]; `shape` is one sample's, channels last. */
export function toChannelsFirst(values: Float32Array, shape: readonly number[]): Float32Array {
  const C = shape[shape.length - 1]!;
  const inner = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const size = C * inner;
  const out = new Float32Array(values.length);
  for (let base = 0; base < values.length; base += size) {
    for (let p = 0; p < inner; p++) for (let c = 0; c < C; c++) out[base + c * inner + p] = values[base + p * C + c]!;
  }
  return out;
}

/** Whether `model` is core's channels-last view of a channels-first model (its first node moves the input's channels first). */
export function isChannelsLastView(model: XaiModel): boolean {
  const first = model.graph.nodes[0];
  return first?.name === 'input/to_channels_first' && first.inputs[0] === model.graph.inputs[0];
}

/**
 * The channels-last boundary for `model` and its samples, or null when there is none to cross: a
 * channels-last model, a view of one, samples without a channel axis ('none'), a multi-input model,
 * or samples whose shape fits neither layout (the checks downstream name the mismatch). Samples in
 * the model's own layout ([C, …], what `explain` takes) are moved; samples already channels-last
 * are taken as they are.
 */
export function channelsLastBoundary(model: XaiModel, inputs: Float32Array, shape: readonly number[], channels: ChannelAxis | undefined): ChannelsLastBoundary | null {
  if (model.inputLayout !== 'channels-first' || isChannelsLastView(model) || model.inputShapes.length !== 1 || channels === 'none') return null;
  const own = model.inputShapes[0]!.slice(1);
  const inModelLayout = fits(shape, own);
  if (!inModelLayout && !fits(shape, [...own.slice(1), own[0]!])) return null;
  const first = inModelLayout ? [...shape] : [shape[shape.length - 1]!, ...shape.slice(0, -1)];
  const last = [...first.slice(1), first[0]!];
  return {
    inputs: inModelLayout ? toChannelsLast(inputs, first) : inputs,
    shape: last,
    channels: 'last',
    moved: inModelLayout,
    toModel: (values) => toChannelsFirst(values, last),
    fromModel: (values) => toChannelsLast(values, first),
  };
}

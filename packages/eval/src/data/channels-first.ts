/**
 * Metrics perturb, pool and compare samples channels-last (or without a channel axis). A
 * channels-first model (ONNX: [C, H, W], [C, T], [1, C, T], [C, D, H, W]) is evaluated through
 * core's channels-last view of it (a transpose in front of its graph), and samples given in the
 * model's own layout are moved to channels-last at this boundary; explanations of the view are
 * channels-last too, so every metric reads them as it reads a tfjs model's.
 */
import type { XaiModel } from '@xai/core';
import type { ChannelAxis } from './layout.js';

export interface ChannelsLastBoundary {
  readonly model: XaiModel;
  readonly inputs: Float32Array;
  readonly shape: readonly number[];
  readonly channels?: ChannelAxis;
  /** Whether the samples came channels-first and were moved. */
  readonly moved: boolean;
  /** Releases the view (if one was made). */
  dispose(): void;
}

const fits = (shape: readonly number[], model: readonly (number | null)[]) =>
  shape.length === model.length && model.every((d, i) => d === null || d === shape[i]);

/** [count, C, ...grid] → [count, ...grid, C]. */
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

/**
 * The model and samples the metrics should see: unchanged for channels-last models, samples
 * without a channel axis ('none') and multi-input models; else the channels-last view, with
 * samples in the model's own layout ([C, …], what `explain` takes) moved to channels-last
 * (samples already channels-last are taken as they are).
 */
export function channelsLastBoundary(model: XaiModel, inputs: Float32Array, shape: readonly number[], channels: ChannelAxis | undefined): ChannelsLastBoundary {
  const unchanged = { model, inputs, shape, channels, moved: false, dispose() {} };
  if (model.inputLayout !== 'channels-first' || model.inputShapes.length !== 1 || channels === 'none') return unchanged;
  const own = model.inputShapes[0]!.slice(1);
  const last = [...own.slice(1), own[0]!];
  const inModelLayout = fits(shape, own);
  if (!inModelLayout && !fits(shape, last)) return unchanged; // the shape checks downstream name the mismatch
  const view = model.channelsLastView();
  return {
    model: view,
    inputs: inModelLayout ? toChannelsLast(inputs, shape) : inputs,
    shape: inModelLayout ? [...shape.slice(1), shape[0]!] : shape,
    channels: 'last',
    moved: inModelLayout,
    dispose: () => view.dispose(),
  };
}

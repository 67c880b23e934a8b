import * as tf from '@tensorflow/tfjs';
import { Type, type Static } from 'typebox';
import type { ExecutorOptions } from '../engine/executor-choice.js';
import { resolveTargets } from '../engine/propagate.js';
import { InvalidArgumentError } from '../errors.js';
import type { XaiModel } from '../model.js';
import type { ExplainOptions, Explanation } from '../engine/explain-lrp.js';
import { gaussianBlur } from '../ops/gaussian-blur.js';
import { onChannelsLastView } from './channels-last-view.js';
import { openLogitScorer, type LogitScorer } from './logit-scorer.js';
import { MethodContext } from './method-context.js';
import type { MethodDefinition } from './registry.js';

const perAxisInteger = (description: string) =>
  Type.Unsafe<number | readonly number[]>({
    anyOf: [{ type: 'integer', minimum: 1 }, { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 3 }],
    description,
  });

/** Most windows occlusion's default window and stride make on any input (one forward pass each). */
export const MAX_DEFAULT_OCCLUSION_WINDOWS = 512;

/**
 * The default window and stride for a channels-last sample's spatial extent: window = stride =
 * ⌈extent / n⌉ on each of the d spatial axes with n = ⌊512^(1/d)⌋, the last window of an axis
 * moved flush with its end (so every element is covered), hence at most n windows per axis and
 * 512 in all whatever the input's size (a 32×32 image: 2×2 windows, 256 of them; a 40×48×40 fMRI
 * volume: 5×6×5, 512; a 227×227 spectrogram: 11×11, 441).
 */
export function defaultOcclusionGrid(spatial: readonly number[]): { window: number[]; stride: number[] } {
  const n = Math.max(1, Math.floor(MAX_DEFAULT_OCCLUSION_WINDOWS ** (1 / spatial.length) + 1e-9));
  const window = spatial.map((extent) => Math.max(1, Math.ceil(extent / n)));
  return { window, stride: [...window] };
}

/** Window and stride per spatial axis: the options given, else the input-sized default (a given window alone keeps stride 1). */
function occlusionGrid(spatial: readonly number[], window: unknown, stride: unknown): { window: number[]; stride: number[]; cover: boolean } {
  const fallback = defaultOcclusionGrid(spatial);
  return {
    cover: window === undefined && stride === undefined,
    window: window === undefined ? fallback.window : perAxis(window as number | number[], spatial.length, 'window'),
    stride: stride !== undefined ? perAxis(stride as number | number[], spatial.length, 'stride') : window === undefined ? fallback.stride : spatial.map(() => 1),
  };
}

const OPTIONS = Type.Object({
  window: Type.Optional(
    perAxisInteger(`window size, one for all spatial axes or one per axis; default sized to the input: non-overlapping windows, at most ${MAX_DEFAULT_OCCLUSION_WINDOWS} of them`),
  ),
  stride: Type.Optional(perAxisInteger('stride, one for all spatial axes or one per axis; default: the window when the window is the default, else 1')),
  fill: Type.Optional(
    Type.Unsafe<number | 'mean' | 'blur'>({
      anyOf: [{ type: 'number' }, { type: 'string', enum: ['mean', 'blur'] }],
      default: 0,
      description: "what replaces the window: a constant, the sample's channel 'mean', or the 'blur'red sample",
    }),
  ),
  blurSigma: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 5, description: "σ (elements) of the 'blur' fill" })),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, default: 64, description: 'occluded copies per forward pass' })),
});

/** Options of occlusion (windows span all channels; the schema's descriptions say what each means). */
export type OcclusionOptions = Static<typeof OPTIONS> & ExplainOptions & ExecutorOptions;

const perAxis = (v: number | readonly number[], rank: number, name: string): number[] => {
  const list = typeof v === 'number' ? Array(rank).fill(v) : [...v];
  if (list.length !== rank || list.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError(`option '${name}' needs ${rank} positive integers (one per spatial axis), got ${JSON.stringify(v)}`);
  }
  return list;
};

/** Starts of the windows along one axis that fit inside it; with `cover`, a last window flush with its end when the stride leaves a remainder. */
function axisStarts(extent: number, window: number, stride: number, cover: boolean): number[] {
  const starts: number[] = [];
  for (let p = 0; p + window <= extent; p += stride) starts.push(p);
  if (cover && starts.length && starts.at(-1)! + window < extent) starts.push(extent - window);
  return starts;
}

/** Row-major positions of windows that fit inside the spatial extent. */
function windowStarts(spatial: number[], window: number[], stride: number[], cover: boolean): number[][] {
  return spatial.reduce<number[][]>((acc, n, i) => {
    const starts = axisStarts(n, window[i]!, stride[i]!, cover);
    return acc.flatMap((prefix) => starts.map((p) => [...prefix, p]));
  }, [[]]);
}

/**
 * Occlusion (Zeiler & Fergus 2014): each element's attribution is the mean, over the windows that
 * cover it, of f_target(x) − f_target(x with the window filled). Inputs are channels-last with 1, 2
 * or 3 spatial axes (signals, images, volumes); windows span all channels. One sample at a time,
 * windows evaluated in batches through the engine's forward pass (logits before any softmax).
 */
export async function occlusion(model: XaiModel, input: tf.Tensor, options: OcclusionOptions = {}, context = new MethodContext()): Promise<Explanation> {
  return onChannelsLastView(model, input, (view, x) => occlusionChannelsLast(view, x, options, context, (head, chunk) => openLogitScorer(view, head, chunk, options)));
}

async function occlusionChannelsLast(
  model: XaiModel,
  input: tf.Tensor,
  options: OcclusionOptions,
  context: MethodContext,
  open: (head: number, chunk: number) => Promise<LogitScorer>,
): Promise<Explanation> {
  const unbatched = input.rank === model.inputShapes[0]!.length - 1;
  const [batch, ...rest] = (unbatched ? [1, ...input.shape] : input.shape) as number[];
  const spatial = rest.slice(0, -1);
  const channels = rest[rest.length - 1]!;
  if (spatial.length < 1 || spatial.length > 3) {
    throw new InvalidArgumentError(`occlusion needs channels-last inputs with 1 to 3 spatial axes, got a sample of shape [${rest}]`);
  }
  const { window, stride, cover } = occlusionGrid(spatial, options.window, options.stride);
  window.forEach((w, i) => {
    if (w > spatial[i]!) throw new InvalidArgumentError(`option 'window' (${window}) is larger than the input's spatial extent (${spatial})`);
  });
  const head = model.headIndex(options.output);
  const x = unbatched ? input.expandDims(0) : input;
  const fillOf = (sample: tf.Tensor): tf.Tensor => {
    const fill = options.fill ?? 0;
    if (typeof fill === 'number') return tf.fill(sample.shape, fill);
    if (fill === 'mean') return tf.tidy(() => tf.mul(tf.onesLike(sample), tf.mean(sample, spatial.map((_, i) => i + 1), true)));
    return gaussianBlur(sample, options.blurSigma ?? 5);
  };
  const starts = windowStarts(spatial, window, stride, cover);
  const perCall = options.batchSize ?? 64;
  let scorer: LogitScorer;
  let logits: tf.Tensor;
  let targets: number[];
  try {
    scorer = await open(head, Math.min(perCall, starts.length));
    logits = await scorer.score(x);
  } catch (err) {
    if (unbatched) x.dispose();
    throw err;
  }
  try {
    targets = resolveTargets(logits, options.target, model.graph.outputNames[head]!);
  } catch (err) {
    logits.dispose();
    if (unbatched) x.dispose();
    throw err;
  }
  const base = logits.arraySync() as number[][];
  const positions = spatial.reduce((a, b) => a * b, 1);
  const strides = spatial.map((_, i) => spatial.slice(i + 1).reduce((a, b) => a * b, 1));
  const result = new Float32Array(batch * positions * channels);
  const totalCalls = batch * Math.ceil(starts.length / perCall);
  let calls = 0;
  for (let b = 0; b < batch; b++) {
    const sums = new Float64Array(positions);
    const counts = new Uint32Array(positions);
    const sample = tf.slice(x, b, 1);
    const filler = fillOf(sample);
    for (let from = 0; from < starts.length; from += perCall) {
      const chunk = starts.slice(from, from + perCall);
      // Keep-masks (1 outside the window), one per occluded copy, broadcast over channels.
      const keep = new Float32Array(chunk.length * positions).fill(1);
      const covered: number[][] = chunk.map(() => []);
      chunk.forEach((start, w) => {
        const offsets = window.reduce<number[][]>((acc, size) => acc.flatMap((o) => Array.from({ length: size }, (_, k) => [...o, k])), [[]]);
        for (const o of offsets) {
          const p = o.reduce((acc, k, i) => acc + (start[i]! + k) * strides[i]!, 0);
          keep[w * positions + p] = 0;
          covered[w]!.push(p);
        }
      });
      const occluded = tf.tidy(() => {
        const mask = tf.tensor(keep, [chunk.length, ...spatial, 1]);
        return tf.add(tf.mul(sample, mask), tf.mul(tf.sub(1, mask), filler));
      });
      let values: number[][];
      try {
        const scores = await scorer.score(occluded);
        values = scores.arraySync() as number[][];
        scores.dispose();
      } catch (err) {
        tf.dispose([occluded, sample, filler, logits]);
        if (unbatched) x.dispose();
        throw err;
      }
      occluded.dispose();
      chunk.forEach((_, w) => {
        const drop = base[b]![targets[b]!]! - values[w]![targets[b]!]!;
        for (const p of covered[w]!) {
          sums[p] += drop;
          counts[p]++;
        }
      });
      try {
        await context.step(++calls, totalCalls, 'batches of windows');
      } catch (err) {
        tf.dispose([sample, filler, logits]);
        if (unbatched) x.dispose();
        throw err;
      }
    }
    tf.dispose([sample, filler]);
    for (let p = 0; p < positions; p++) {
      const v = counts[p] ? sums[p]! / counts[p]! : 0;
      for (let c = 0; c < channels; c++) result[(b * positions + p) * channels + c] = v;
    }
  }
  if (unbatched) x.dispose();
  const relevance = tf.tensor(result, unbatched ? rest : [batch, ...rest]);
  const shownLogits = unbatched ? logits.squeeze([0]) : logits;
  if (unbatched) logits.dispose();
  return { relevance, relevances: [relevance], logits: shownLogits, targets, execution: scorer.execution, dispose: () => (relevance.dispose(), shownLogits.dispose()) };
}

export const occlusionMethod: MethodDefinition = {
  name: 'occlusion',
  family: 'perturbation',
  description: 'occlusion (Zeiler & Fergus 2014): output drop when a sliding window is filled',
  options: OPTIONS,
  runsOnOrt: true,
  cost: (o, sampleShape) => {
    // windows per spatial axis of a channels-last sample (a window wider than the input is refused when run)
    const spatial = sampleShape.slice(0, -1);
    let grid: { window: number[]; stride: number[]; cover: boolean };
    try {
      grid = occlusionGrid(spatial, o.window, o.stride);
    } catch {
      return { passes: 1, batch: 1 }; // options that do not fit the shape are refused when run, naming them
    }
    const windows = spatial.reduce((n, extent, i) => n * Math.max(1, axisStarts(extent, grid.window[i]!, grid.stride[i]!, grid.cover).length), 1);
    return { passes: windows + 1, batch: Math.min(o.batchSize as number, windows), passesOption: 'window/stride (windows)', batchOption: 'batchSize' };
  },
  run: (model, input, options, context) => occlusion(model, input as tf.Tensor, options as OcclusionOptions, context),
};

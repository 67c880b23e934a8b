import * as tf from '@tensorflow/tfjs';
import { explainedLogits, resolveTargets } from '../engine/propagate.js';
import { InvalidArgumentError } from '../errors.js';
import type { XaiModel } from '../model.js';
import type { ExplainOptions, Explanation } from '../engine/explain-lrp.js';

export interface OcclusionOptions extends ExplainOptions {
  /** Window size per spatial axis (a number for all); default 2. Windows span all channels. */
  readonly window?: number | readonly number[];
  /** Stride per spatial axis; default 1. */
  readonly stride?: number | readonly number[];
  /** Value written into the window; default 0. */
  readonly fill?: number;
  /** Occluded copies evaluated per call (default 64). */
  readonly batchSize?: number;
}

const perAxis = (v: number | readonly number[], rank: number, name: string): number[] => {
  const list = typeof v === 'number' ? Array(rank).fill(v) : [...v];
  if (list.length !== rank || list.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError(`${name} needs ${rank} positive integers (one per spatial axis), got ${JSON.stringify(v)}`);
  }
  return list;
};

/** Row-major positions of windows that fit inside the spatial extent. */
function windowStarts(spatial: number[], window: number[], stride: number[]): number[][] {
  return spatial.reduce<number[][]>((acc, n, i) => {
    const starts: number[] = [];
    for (let p = 0; p + window[i]! <= n; p += stride[i]!) starts.push(p);
    return acc.flatMap((prefix) => starts.map((p) => [...prefix, p]));
  }, [[]]);
}

/**
 * Occlusion (Zeiler & Fergus 2014): each element's attribution is the mean, over the windows that
 * cover it, of f_target(x) − f_target(x with the window filled). One sample at a time, windows
 * evaluated in batches through the engine's forward pass (logits before any softmax).
 */
export function occlusion(model: XaiModel, input: tf.Tensor, options: OcclusionOptions = {}): Explanation {
  const unbatched = input.rank === model.inputShapes[0]!.length - 1;
  const x = unbatched ? input.expandDims(0) : input;
  const [batch, ...rest] = x.shape as number[];
  const spatial = rest.slice(0, -1);
  const channels = rest[rest.length - 1]!;
  const window = perAxis(options.window ?? 2, spatial.length, 'window');
  const stride = perAxis(options.stride ?? 1, spatial.length, 'stride');
  const fill = options.fill ?? 0;
  const head = model.headIndex(options.output);
  const logitsOf = (batchInput: tf.Tensor): tf.Tensor => explainedLogits(model.graph, [batchInput], head);
  const logits = logitsOf(x);
  let targets: number[];
  try {
    targets = resolveTargets(logits, options.target, model.graph.outputNames[head]!);
  } catch (err) {
    logits.dispose();
    if (unbatched) x.dispose();
    throw err;
  }
  const base = logits.arraySync() as number[][];
  const starts = windowStarts(spatial, window, stride);
  const positions = spatial.reduce((a, b) => a * b, 1);
  const strides = spatial.map((_, i) => spatial.slice(i + 1).reduce((a, b) => a * b, 1));
  const perCall = options.batchSize ?? 64;
  const result = new Float32Array(batch * positions * channels);
  for (let b = 0; b < batch; b++) {
    const sums = new Float64Array(positions);
    const counts = new Uint32Array(positions);
    const sample = tf.slice(x, b, 1);
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
      const scores = tf.tidy(() => {
        const mask = tf.tensor(keep, [chunk.length, ...spatial, 1]);
        const occluded = tf.add(tf.mul(sample, mask), tf.mul(tf.sub(1, mask), fill));
        return logitsOf(occluded);
      });
      const values = scores.arraySync() as number[][];
      scores.dispose();
      chunk.forEach((_, w) => {
        const drop = base[b]![targets[b]!]! - values[w]![targets[b]!]!;
        for (const p of covered[w]!) {
          sums[p] += drop;
          counts[p]++;
        }
      });
    }
    sample.dispose();
    for (let p = 0; p < positions; p++) {
      const v = counts[p] ? sums[p]! / counts[p]! : 0;
      for (let c = 0; c < channels; c++) result[(b * positions + p) * channels + c] = v;
    }
  }
  if (unbatched) x.dispose();
  const relevance = tf.tensor(result, unbatched ? rest : [batch, ...rest]);
  const shownLogits = unbatched ? logits.squeeze([0]) : logits;
  if (unbatched) logits.dispose();
  return { relevance, relevances: [relevance], logits: shownLogits, targets, dispose: () => (relevance.dispose(), shownLogits.dispose()) };
}

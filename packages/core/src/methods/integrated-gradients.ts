import * as tf from '@tensorflow/tfjs';
import { gradient, type ExplainOptions, type Explanation } from '../engine/explain-lrp.js';
import { explainedLogits, resolveTargets } from '../engine/propagate.js';
import { InvalidArgumentError } from '../errors.js';
import type { XaiModel } from '../model.js';

export interface IntegratedGradientsOptions extends ExplainOptions {
  /** Number of points on the path (default 20). */
  readonly steps?: number;
  /** Baseline: a number (constant image) or a tensor shaped like one sample; default 0. */
  readonly baseline?: number | tf.Tensor;
  /** Where each step's point sits in its interval: 'right' (α = k/n, default), 'left', 'midpoint'. */
  readonly riemann?: 'left' | 'right' | 'midpoint';
  /** Path points evaluated per batch (default 32). */
  readonly batchSize?: number;
}

/**
 * Integrated gradients (Sundararajan et al. 2017): (x − x̄) ⊙ mean_k ∇f(x̄ + α_k (x − x̄)), with
 * the gradients from the engine's own backward pass, path points evaluated in batches.
 */
export function integratedGradients(model: XaiModel, input: tf.Tensor, options: IntegratedGradientsOptions = {}): Explanation {
  const { steps = 20, riemann = 'right', batchSize = 32 } = options;
  if (!Number.isInteger(steps) || steps < 1) throw new InvalidArgumentError(`steps must be a positive integer, got ${steps}`);
  const unbatched = input.rank === model.inputShapes[0]!.length - 1;
  const x = unbatched ? input.expandDims(0) : input;
  const alphas = Array.from({ length: steps }, (_, k) => (riemann === 'right' ? k + 1 : riemann === 'left' ? k : k + 0.5) / steps);
  const head = model.headIndex(options.output);
  const logits = explainedLogits(model.graph, [x], head);
  let targets: number[];
  try {
    targets = resolveTargets(logits, options.target, model.graph.outputNames[head]!);
  } catch (err) {
    logits.dispose();
    if (unbatched) x.dispose();
    throw err;
  }
  const base = typeof options.baseline === 'object' ? tf.clone(options.baseline) : tf.fill(x.shape.slice(1), options.baseline ?? 0);
  const diff = tf.sub(x, base);
  let sum: tf.Tensor = tf.zerosLike(x);
  const batch = x.shape[0]!;
  const perCall = Math.max(1, Math.floor(batchSize / batch));
  for (let start = 0; start < steps; start += perCall) {
    const chunk = alphas.slice(start, start + perCall);
    // [chunk × batch, ...]: every path point of every sample in one call.
    const points = tf.tidy(() => tf.concat(chunk.map((a) => tf.add(base, tf.mul(diff, a))), 0));
    const g = gradient(model, points, { target: chunk.flatMap(() => targets), output: options.output });
    const next = tf.tidy(() => tf.add(sum, tf.sum(g.relevance.reshape([chunk.length, ...x.shape]), 0)));
    g.dispose();
    points.dispose();
    sum.dispose();
    sum = next;
  }
  const total = tf.tidy(() => tf.mul(diff, tf.div(sum, steps)));
  tf.dispose([base, diff, sum]);
  if (unbatched) x.dispose();
  const relevance = unbatched ? total.squeeze([0]) : total;
  if (unbatched) total.dispose();
  const shownLogits = unbatched ? logits.squeeze([0]) : logits;
  if (unbatched) logits.dispose();
  return {
    relevance,
    relevances: [relevance],
    logits: shownLogits,
    targets,
    dispose: () => {
      relevance.dispose();
      shownLogits.dispose();
    },
  };
}

import * as tf from '@tensorflow/tfjs';
import { gradient, type ExplainOptions, type Explanation } from '../engine/explain-lrp.js';
import { explainedLogits, resolveTargets } from '../engine/propagate.js';
import { InvalidArgumentError } from '../errors.js';
import type { XaiModel } from '../model.js';
import { gaussianBlur } from '../ops/gaussian-blur.js';
import { MethodContext } from './method-context.js';
import { quadrature, type QuadratureRule } from './quadrature.js';
import type { MethodDefinition } from './registry.js';

export interface IntegratedGradientsOptions extends ExplainOptions {
  /** Number of points on the path (default 20). */
  readonly steps?: number;
  /**
   * Baseline: a number (constant input, default 0), 'blur' (the input blurred with `blurSigma`),
   * or a tensor shaped like one sample.
   */
  readonly baseline?: number | 'blur' | tf.Tensor;
  /** σ in elements of the Gaussian blur for the 'blur' baseline (default 5). */
  readonly blurSigma?: number;
  /**
   * Where the path is evaluated: Riemann sums ('right': α = k/n, default; 'left'; 'midpoint') or
   * 'gauss_legendre' nodes and weights (far fewer steps for the same accuracy on smooth models).
   */
  readonly riemann?: QuadratureRule;
  /** Path points evaluated per batch (default 32). */
  readonly batchSize?: number;
}

function baselineFor(x: tf.Tensor, options: IntegratedGradientsOptions): tf.Tensor {
  const b = options.baseline ?? 0;
  if (typeof b === 'number') return tf.fill(x.shape, b);
  if (b === 'blur') return gaussianBlur(x, options.blurSigma ?? 5);
  const sample = x.shape.slice(1);
  if (b.rank === sample.length && b.shape.every((d, i) => d === sample[i])) return tf.tidy(() => tf.mul(tf.onesLike(x), b));
  if (b.rank === x.rank && b.shape.every((d, i) => d === x.shape[i])) return tf.clone(b);
  throw new InvalidArgumentError(`baseline has shape [${b.shape}]; it must match one sample [${sample}] or the batch [${x.shape}]`);
}

/**
 * Integrated gradients (Sundararajan et al. 2017): (x − x̄) ⊙ Σ_k w_k ∇f(x̄ + α_k (x − x̄)), with
 * the gradients from the engine's own backward pass and path points evaluated in batches.
 */
export async function integratedGradients(
  model: XaiModel,
  input: tf.Tensor,
  options: IntegratedGradientsOptions = {},
  context = new MethodContext(),
): Promise<Explanation> {
  const { steps = 20, riemann = 'right', batchSize = 32 } = options;
  if (!Number.isInteger(steps) || steps < 1) throw new InvalidArgumentError(`steps must be a positive integer, got ${steps}`);
  const unbatched = input.rank === model.inputShapes[0]!.length - 1;
  const x = unbatched ? input.expandDims(0) : tf.clone(input);
  const { points, weights } = quadrature(riemann, steps);
  const head = model.headIndex(options.output);
  const owned: tf.Tensor[] = [x];
  try {
    const logits = explainedLogits(model.graph, [x], head);
    owned.push(logits);
    const targets = resolveTargets(logits, options.target, model.graph.outputNames[head]!);
    const base = baselineFor(x, options);
    owned.push(base);
    const diff = tf.sub(x, base);
    owned.push(diff);
    let sum: tf.Tensor = tf.zerosLike(x);
    const batch = x.shape[0]!;
    const perCall = Math.max(1, Math.floor(batchSize / batch));
    for (let start = 0; start < steps; start += perCall) {
      const alphas = points.slice(start, start + perCall);
      const w = weights.slice(start, start + perCall);
      // [chunk × batch, ...]: every path point of every sample in one call.
      const pts = tf.tidy(() => tf.concat(alphas.map((a) => tf.add(base, tf.mul(diff, a))), 0));
      let g: Explanation;
      try {
        g = gradient(model, pts, { target: alphas.flatMap(() => targets), output: options.output });
      } finally {
        pts.dispose();
      }
      const next = tf.tidy(() => {
        const perPoint = g.relevance.reshape([alphas.length, ...x.shape]);
        const weighted = tf.mul(perPoint, tf.tensor(w).reshape([alphas.length, ...x.shape.map(() => 1)]));
        return tf.add(sum, tf.sum(weighted, 0));
      });
      g.dispose();
      sum.dispose();
      sum = next;
      await context.step(Math.min(steps, start + perCall), steps, 'steps').catch((err) => {
        sum.dispose();
        throw err;
      });
    }
    const total = tf.mul(diff, sum);
    sum.dispose();
    const relevance = unbatched ? tf.tidy(() => total.squeeze([0])) : total;
    if (unbatched) total.dispose();
    const shownLogits = unbatched ? logits.squeeze([0]) : tf.clone(logits);
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
  } finally {
    tf.dispose(owned);
  }
}

export const integratedGradientsMethod: MethodDefinition = {
  name: 'integrated_gradients',
  family: 'function',
  description: 'integrated gradients (Sundararajan et al. 2017): gradients averaged along the path from a baseline',
  wrappable: true,
  options: {
    type: 'object',
    properties: {
      steps: { type: 'integer', minimum: 1, default: 20, description: 'points on the path' },
      riemann: {
        type: 'string',
        enum: ['right', 'left', 'midpoint', 'gauss_legendre'],
        default: 'right',
        description: 'Riemann sum or Gauss–Legendre quadrature',
      },
      baseline: {
        anyOf: [{ type: 'number' }, { type: 'string', enum: ['blur'] }],
        default: 0,
        'x-tensor': true,
        description: "a constant, 'blur' (the blurred input), or a tensor shaped like one sample",
      },
      blurSigma: { type: 'number', exclusiveMinimum: 0, default: 5, description: "σ (elements) of the 'blur' baseline" },
      batchSize: { type: 'integer', minimum: 1, default: 32, description: 'path points per forward/backward pass' },
    },
  },
  cost: (o) => ({ passes: o.steps as number, batch: Math.min(o.batchSize as number, o.steps as number), passesOption: 'steps', batchOption: 'batchSize' }),
  run: (model, input, options, context) => integratedGradients(model, input as tf.Tensor, options as IntegratedGradientsOptions, context),
};

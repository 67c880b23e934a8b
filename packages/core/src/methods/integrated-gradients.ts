import * as tf from '@tensorflow/tfjs';
import { Type, type Static } from 'typebox';
import { gradient, type ExplainOptions, type Explanation } from '../engine/explain-lrp.js';
import { compositeByName } from '../composites/index.js';
import { ExecutorSwitch, explainedLogitsOn, explainWithCompositeOnOrt } from '../engine/explain-on-executor.js';
import type { ExecutorOptions } from '../engine/executor-choice.js';
import { resolveTargets } from '../engine/propagate.js';
import { InvalidArgumentError } from '../errors.js';
import type { XaiModel } from '../model.js';
import { gaussianBlur } from '../ops/gaussian-blur.js';
import { MethodContext } from './method-context.js';
import { stringEnum } from './option-schema.js';
import { evenPasses } from './even-passes.js';
import { quadrature } from './quadrature.js';
import type { MethodDefinition } from './registry.js';

const OPTIONS = Type.Object({
  steps: Type.Optional(Type.Integer({ minimum: 1, default: 20, description: 'points on the path' })),
  riemann: Type.Optional(stringEnum(['right', 'left', 'midpoint', 'gauss_legendre'], { default: 'right', description: 'Riemann sum or Gauss–Legendre quadrature' })),
  baseline: Type.Optional(
    Type.Unsafe<number | 'blur' | tf.Tensor>({
      anyOf: [{ type: 'number' }, { type: 'string', enum: ['blur'] }],
      default: 0,
      'x-tensor': true,
      description: "a constant, 'blur' (the blurred input), or a tensor shaped like one sample",
    }),
  ),
  blurSigma: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 5, description: "σ (elements) of the 'blur' baseline" })),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, default: 32, description: 'path points per forward/backward pass' })),
});

/** Options of integrated gradients (the schema's descriptions say what each means). */
export type IntegratedGradientsOptions = Static<typeof OPTIONS> & ExplainOptions;

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
 * the gradients from the engine's own backward pass and path points evaluated in batches. On the
 * 'ort' executor every batch of path points is one run of one compiled gradient graph.
 */
export async function integratedGradients(
  model: XaiModel,
  input: tf.Tensor,
  options: IntegratedGradientsOptions & ExecutorOptions = {},
  context = new MethodContext(),
): Promise<Explanation> {
  const { steps = 20, riemann = 'right', batchSize = 32 } = options;
  if (!Number.isInteger(steps) || steps < 1) throw new InvalidArgumentError(`steps must be a positive integer, got ${steps}`);
  const unbatched = input.rank === model.inputShapes[0]!.length - 1;
  const x = unbatched ? input.expandDims(0) : tf.clone(input);
  const { points, weights } = quadrature(riemann, steps);
  const head = model.headIndex(options.output);
  const on = new ExecutorSwitch(options);
  const owned: tf.Tensor[] = [x];
  try {
    const logits = await explainedLogitsOn(model, [x], head, on);
    owned.push(logits);
    const targets = resolveTargets(logits, options.target, model.graph.outputNames[head]!);
    const base = baselineFor(x, options);
    owned.push(base);
    const diff = tf.sub(x, base);
    owned.push(diff);
    let sum: tf.Tensor = tf.zerosLike(x);
    const batch = x.shape[0]!;
    // batchSize bounds the samples of one pass, and with them the memory of its activations (which
    // grows linearly with the batch, on either executor): huge step counts run as more passes.
    const { size } = evenPasses(steps, Math.floor(batchSize / batch));
    const gradientComposite = compositeByName('gradient');
    for (let start = 0; start < steps; start += size) {
      const alphas = points.slice(start, start + size);
      const w = weights.slice(start, start + size);
      // ORT runs a fixed batch: a short last pass is padded with zero-weight copies of its last point.
      while (on.onOrt && alphas.length < size) {
        alphas.push(alphas[alphas.length - 1]!);
        w.push(0);
      }
      // [chunk × batch, ...]: every path point of every sample in one call.
      const pts = tf.tidy(() => tf.concat(alphas.map((a) => tf.add(base, tf.mul(diff, a))), 0));
      const pointOptions = { target: alphas.flatMap(() => targets), output: options.output };
      let g: Explanation;
      try {
        g = await on.run(
          () => explainWithCompositeOnOrt(model, pts, pointOptions, gradientComposite),
          () => gradient(model, pts, pointOptions),
        );
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
      await context.step(Math.min(steps, start + size), steps, 'steps').catch((err) => {
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
      execution: on.execution,
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
  runsOnOrt: true,
  options: OPTIONS,
  cost: (o) => ({ passes: o.steps as number, batch: Math.min(o.batchSize as number, o.steps as number), passesOption: 'steps', batchOption: 'batchSize' }),
  run: (model, input, options, context) => integratedGradients(model, input as tf.Tensor, options as IntegratedGradientsOptions & ExecutorOptions, context),
};

import * as tf from '@tensorflow/tfjs';
import { Type, type Static } from 'typebox';
import type { ExplainOptions, Explanation } from '../engine/explain-lrp.js';
import { ExecutorSwitch, explainedLogitsOn } from '../engine/explain-on-executor.js';
import type { ExecutorOptions } from '../engine/executor-choice.js';
import { resolveTargets } from '../engine/propagate.js';
import { mulberry32 } from '../random/mulberry32.js';
import { normalDeviates } from '../random/normal-deviates.js';
import { InvalidArgumentError } from '../errors.js';
import type { XaiModel } from '../model.js';
import { evenPasses } from './even-passes.js';
import { MethodContext } from './method-context.js';
import { resolveOptions } from './option-schema.js';
import { listMethods, methodByName, methodCost, type MethodDefinition } from './registry.js';

/** How the per-copy explanations are combined. */
export type NoiseAggregate = 'mean' | 'mean_square' | 'variance';

const NOISE_OPTIONS = Type.Object({
  base: Type.Optional(Type.String({ default: 'gradient', description: "the wrapped method (a 'wrappable' one: gradient, lrp, …)" })),
  baseOptions: Type.Optional(
    Type.Unsafe<Readonly<Record<string, unknown>>>({ type: 'object', properties: {}, additionalProperties: true, default: {}, description: 'options of the wrapped method' }),
  ),
  samples: Type.Optional(Type.Integer({ minimum: 1, default: 20, description: 'noisy copies per input' })),
  noiseLevel: Type.Optional(Type.Number({ minimum: 0, default: 0.1, description: 'σ as a fraction of the input range max − min' })),
  seed: Type.Optional(Type.Integer({ default: 0, description: 'seed of the noise' })),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, default: 32, description: 'noisy copies per pass' })),
});

/** Options of SmoothGrad, SmoothGrad² and VarGrad (the schema's descriptions say what each means). */
export type SmoothGradOptions = Static<typeof NOISE_OPTIONS> & ExplainOptions;

/**
 * SmoothGrad (Smilkov et al. 2017) and its variants: the wrapped method's explanation averaged over
 * noisy copies x + N(0, σ²) — 'mean' (SmoothGrad), 'mean_square' (SmoothGrad², Hooker et al. 2019)
 * or 'variance' (VarGrad, Adebayo et al. 2018). Each sample keeps its clean input's target.
 * Moments are accumulated per element in float64 (Welford), so σ = 0 reproduces the base method.
 * On the 'ort' executor the copies of one pass are one batch of the wrapped method on ORT (the
 * same seeded noise as on tfjs); a wrapped method that cannot run there runs on tfjs after a notice.
 */
export async function noiseTunnel(
  model: XaiModel,
  input: tf.Tensor,
  aggregate: NoiseAggregate,
  options: SmoothGradOptions & ExecutorOptions = {},
  context = new MethodContext(),
): Promise<Explanation> {
  const { base = 'gradient', samples = 20, noiseLevel = 0.1, seed = 0, batchSize = 32 } = options;
  const baseMethod = methodByName(base);
  if (!baseMethod.wrappable) {
    const names = listMethods().filter((m) => m.wrappable).map((m) => m.name);
    throw new InvalidArgumentError(`option 'base': method '${base}' cannot be wrapped by SmoothGrad; choose one of ${names.join(', ')}`);
  }
  const baseOptions = resolveOptions(baseMethod.options, options.baseOptions ?? {}, `base method '${base}'`);
  const on = new ExecutorSwitch(options);
  if (on.onOrt && !baseMethod.runsOnOrt) on.fellBack(`method '${base}'`);
  const unbatched = input.rank === model.inputShapes[0]!.length - 1;
  const x = unbatched ? input.expandDims(0) : tf.clone(input);
  const head = model.headIndex(options.output);
  let logits: tf.Tensor | undefined;
  try {
    logits = await explainedLogitsOn(model, [x], head, on);
    const targets = resolveTargets(logits, options.target, model.graph.outputNames[head]!);
    const [batch, ...sampleShape] = x.shape as number[];
    const size = sampleShape.reduce((a, b) => a * b, 1);
    const clean = x.dataSync() as Float32Array;
    const sigma = Array.from({ length: batch }, (_, b) => {
      const s = clean.subarray(b * size, (b + 1) * size);
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of s) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
      return noiseLevel * (hi - lo);
    });
    const normal = normalDeviates(mulberry32(seed));
    const mean = new Float64Array(batch * size);
    const m2 = new Float64Array(batch * size);
    // Copies are ordered sample-major within a pass: [b0 copy k, b1 copy k, …] for each k of the pass.
    const perPass = evenPasses(samples, Math.floor(batchSize / batch)).size;
    for (let done = 0; done < samples; ) {
      const copies = Math.min(perPass, samples - done);
      // ORT runs a fixed batch: a short last pass is padded with clean copies, whose explanations are dropped.
      const sent = on.onOrt ? perPass : copies;
      const noisy = new Float32Array(sent * batch * size);
      for (let c = 0; c < sent; c++) {
        for (let b = 0; b < batch; b++) {
          const off = (c * batch + b) * size;
          if (c >= copies) noisy.set(clean.subarray(b * size, (b + 1) * size), off);
          else for (let i = 0; i < size; i++) noisy[off + i] = clean[b * size + i]! + (sigma[b]! > 0 ? sigma[b]! * normal() : 0);
        }
      }
      const noisyTensor = tf.tensor(noisy, [sent * batch, ...sampleShape], x.dtype);
      const runOn = baseMethod.runsOnOrt ? { executor: on.onOrt ? ('ort' as const) : ('tfjs' as const), onNotice: options.onNotice } : {};
      let result: Explanation;
      try {
        result = await baseMethod.run(model, noisyTensor, { ...baseOptions, target: Array.from({ length: sent }, () => targets).flat(), output: options.output, ...runOn }, new MethodContext());
      } finally {
        noisyTensor.dispose();
      }
      if (on.onOrt) on.record(result.execution ?? { executor: 'tfjs', fallback: `method '${base}'` });
      const r = result.relevance.dataSync() as Float32Array;
      result.dispose();
      for (let c = 0; c < copies; c++) {
        const n = done + c + 1;
        for (let j = 0; j < batch * size; j++) {
          const v = r[c * batch * size + j]!;
          const value = aggregate === 'mean_square' ? v * v : v;
          const delta = value - mean[j]!;
          mean[j]! += delta / n;
          m2[j]! += delta * (value - mean[j]!);
        }
      }
      done += copies;
      await context.step(done, samples, 'samples');
    }
    const out = aggregate === 'variance' ? Float32Array.from(m2, (v) => v / samples) : Float32Array.from(mean);
    const relevance = tf.tensor(out, unbatched ? sampleShape : x.shape);
    const shownLogits = unbatched ? logits.squeeze([0]) : tf.clone(logits);
    return {
      relevance,
      relevances: [relevance],
      logits: shownLogits,
      targets,
      execution: on.execution,
      dispose: () => (relevance.dispose(), shownLogits.dispose()),
    };
  } finally {
    x.dispose();
    logits?.dispose();
  }
}

function noiseMethod(name: string, aggregate: NoiseAggregate, description: string): MethodDefinition {
  return {
    name,
    family: 'sampling',
    description,
    options: NOISE_OPTIONS,
    runsOnOrt: true,
    cost: (o, sampleShape) => {
      const base = methodCost(o.base as string, (o.baseOptions ?? {}) as Record<string, unknown>, sampleShape);
      const samples = o.samples as number;
      return {
        passes: samples * base.passes,
        batch: Math.min(o.batchSize as number, samples) * base.batch,
        passesOption: base.passesOption ? `samples × baseOptions.${base.passesOption}` : 'samples',
        batchOption: base.batchOption ? `batchSize × baseOptions.${base.batchOption}` : 'batchSize',
      };
    },
    run: (model, input, options, context) => noiseTunnel(model, input as tf.Tensor, aggregate, options as SmoothGradOptions & ExecutorOptions, context),
  };
}

export const smoothgradMethod = noiseMethod('smoothgrad', 'mean', 'SmoothGrad (Smilkov et al. 2017): the wrapped method averaged over noisy copies');
export const smoothgradSquaredMethod = noiseMethod('smoothgrad_squared', 'mean_square', 'SmoothGrad²: mean of the squared explanations of noisy copies');
export const vargradMethod = noiseMethod('vargrad', 'variance', 'VarGrad (Adebayo et al. 2018): variance of the explanations of noisy copies');

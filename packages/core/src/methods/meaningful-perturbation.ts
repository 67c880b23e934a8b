import * as tf from '@tensorflow/tfjs';
import { Type, type Static, type TSchema } from 'typebox';
import type { ExplainOptions, Explanation } from '../engine/explain-lrp.js';
import { propagate } from '../engine/propagate-model.js';
import { explainedLogitsOn, ExecutorSwitch } from '../engine/explain-on-executor.js';
import type { ExecutorOptions } from '../engine/executor-choice.js';
import { explainedLogits, resolveTargets } from '../engine/propagate.js';
import { InvalidArgumentError } from '../errors.js';
import type { XaiModel } from '../model.js';
import { bilinearMatrix as bilinear, upsampleSeparable as upsample } from '../ops/bilinear-upsampling.js';
import { gaussianBlur } from '../ops/gaussian-blur.js';
import { onChannelsLastView } from './channels-last-view.js';
import { MethodContext } from './method-context.js';
import { resolveOptions, stringEnum } from './option-schema.js';
import type { MethodDefinition } from './registry.js';
import { scoreGradientOnOrt, type ScoreAndGradient } from './score-gradient-on-ort.js';

const perAxisSchema = <T extends TSchema>(item: T) => Type.Union([item, Type.Array(item, { minItems: 1, maxItems: 3 })]);

/** Fong & Vedaldi's (2017) defaults, the penalties rescaled to mean-normalised terms (see the README). */
const OPTIONS = Type.Object({
  maskSize: Type.Optional(Type.Unsafe<number | number[]>({ ...perAxisSchema(Type.Integer({ minimum: 1 })), default: 8, description: 'mask cells per spatial axis, one for all axes or one per axis (upsampled bilinearly)' })),
  baseline: Type.Optional(Type.Unsafe<number | 'blur'>({ anyOf: [Type.Number(), stringEnum(['blur'])], default: 'blur', description: "what deleted regions become: the 'blur'red input or a constant" })),
  blurSigma: Type.Optional(Type.Unsafe<number | number[]>({ ...perAxisSchema(Type.Number({ minimum: 0 })), description: "σ (elements) of the 'blur' baseline; default per axis min(10, extent / 8)" })),
  score: Type.Optional(stringEnum(['probability', 'logit'], { default: 'probability', description: 'target score to destroy: softmax probability or logit' })),
  steps: Type.Optional(Type.Integer({ minimum: 1, default: 300, description: 'Adam steps per sample' })),
  learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 0.1, description: 'Adam learning rate' })),
  l1Coefficient: Type.Optional(Type.Number({ minimum: 0, default: 0.05, description: 'λ₁ of the mean deleted area' })),
  tvCoefficient: Type.Optional(Type.Number({ minimum: 0, default: 0.2, description: 'λ_TV of the mean total variation of the mask' })),
  tvBeta: Type.Optional(Type.Number({ minimum: 1, default: 3, description: 'β of the total variation' })),
  warmup: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.2, description: 'share of the steps over which the penalties are phased in' })),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, default: 32, description: 'kept for compatibility: one backward pass now gives the probability gradient' })),
});

export type MeaningfulPerturbationOptions = Static<typeof OPTIONS> & ExplainOptions & ExecutorOptions;

/**
 * The deletion map plus the optimised keep-mask m ∈ [0,1] ([batch, ...maskSize], no batch axis for an
 * unbatched input) and the target score per sample before and after (of x̃ = m⊙x + (1−m)⊙x₀).
 */
export interface MeaningfulPerturbationExplanation extends Explanation {
  readonly mask: tf.Tensor;
  readonly scoreBefore: number[];
  readonly scoreAfter: number[];
}

/** Adam's ε, far below the usual 1e-8: a saturated softmax has gradients near 1e-11, and Adam should still take full steps. */
const ADAM_EPSILON = 1e-20;

type Resolved = Required<Omit<Static<typeof OPTIONS>, 'blurSigma'>> & { blurSigma?: number | number[] };

function perAxis(v: number | readonly number[], rank: number, name: string): number[] {
  const list = typeof v === 'number' ? Array<number>(rank).fill(v) : [...v];
  if (list.length !== rank) throw new InvalidArgumentError(`option '${name}' needs one value per spatial axis (${rank}), got ${JSON.stringify(v)}`);
  return list;
}

/** Checks the options (the method's schema) against the model and input; the batched input is the caller's to dispose. */
function setup(model: XaiModel, input: tf.Tensor, options: MeaningfulPerturbationOptions) {
  const { target: _t, output: _o, keepNodeRelevance: _k, executor: _e, onNotice: _n, ...own } = options;
  const o = resolveOptions(OPTIONS, own, "method 'meaningful_perturbation'") as Resolved;
  if (model.inputShapes.length !== 1) throw new InvalidArgumentError(`meaningful perturbation explains single-input models; this one has ${model.inputShapes.length} inputs`);
  const unbatched = input.rank === model.inputShapes[0]!.length - 1;
  if (!unbatched && input.rank !== model.inputShapes[0]!.length) throw new InvalidArgumentError(`input has shape [${input.shape}]; the model takes [${model.inputShapes[0]}]`);
  const rest = (unbatched ? input.shape : input.shape.slice(1)) as number[];
  const spatial = rest.slice(0, -1);
  if (spatial.length < 1 || spatial.length > 3) throw new InvalidArgumentError(`meaningful perturbation needs channels-last inputs with 1 to 3 spatial axes, got shape [${rest}]`);
  const cells = perAxis(o.maskSize, spatial.length, 'maskSize');
  cells.forEach((k, a) => {
    if (k > spatial[a]!) throw new InvalidArgumentError(`option 'maskSize' [${cells}] is larger than the input's spatial size [${spatial}] (axis ${a})`);
  });
  const sigma = o.blurSigma === undefined ? spatial.map((n) => Math.min(10, n / 8)) : perAxis(o.blurSigma, spatial.length, 'blurSigma');
  return { o, x: unbatched ? input.expandDims(0) : tf.clone(input), unbatched, rest, spatial, cells, sigma };
}
type Setup = ReturnType<typeof setup>;

/** λ₁·mean(1 − m) + λ_TV·Σ_axes mean |m(u + e_axis) − m(u)|^β. */
function penalty(mask: tf.Tensor, o: Resolved, weight: number): tf.Tensor {
  let total = tf.mul(weight * o.l1Coefficient, tf.mean(tf.sub(1, mask)));
  mask.shape.forEach((k, axis) => {
    if (k < 2) return;
    const size = mask.shape.map((d, i) => (i === axis ? k - 1 : d));
    const d = tf.sub(tf.slice(mask, mask.shape.map((_, i) => (i === axis ? 1 : 0)), size), tf.slice(mask, mask.shape.map(() => 0), size));
    total = tf.add(total, tf.mul(weight * o.tvCoefficient, tf.mean(tf.pow(tf.abs(d), o.tvBeta))));
  });
  return total;
}

/** One sample's problem: x̃(m) = x₀ + U(m) ⊙ (x − x₀), scored at the target. */
class Problem {
  readonly base: tf.Tensor;
  readonly diff: tf.Tensor;
  readonly matrices: tf.Tensor2D[];

  constructor(readonly model: XaiModel, sample: tf.Tensor, readonly s: Setup, readonly target: number, readonly output?: number | string) {
    this.base = typeof s.o.baseline === 'number' ? tf.fill(sample.shape, s.o.baseline) : gaussianBlur(sample, s.sigma);
    this.diff = tf.sub(sample, this.base);
    this.matrices = s.spatial.map((n, a) => bilinear(n, s.cells[a]!));
  }

  perturbed(mask: tf.Tensor): tf.Tensor {
    return tf.add(this.base, tf.mul(upsample(mask, this.matrices).reshape([1, ...this.s.spatial, 1]), this.diff));
  }

  /** The score and ∂score/∂x̃, from one backward pass of the engine seeded with ∂score/∂logits. */
  scoreAndGradient(xTilde: tf.Tensor): { score: number; gradient: tf.Tensor } {
    let score = NaN;
    const seed = (z: tf.Tensor) => tf.tidy(() => {
      const onehot = tf.oneHot([this.target], z.shape[1]!).toFloat();
      if (this.s.o.score === 'logit') return (score = z.dataSync()[this.target]!), onehot;
      const p = tf.softmax(z);
      score = p.dataSync()[this.target]!;
      return tf.mul(score, tf.sub(onehot, p)); // ∂p_t/∂z_k = p_t(δ_tk − p_k)
    });
    const g = propagate(this.model, xTilde, { from: this.output ?? 0, composite: 'gradient', seed });
    const gradient = tf.clone(g.relevance);
    return g.dispose(), { score, gradient };
  }

  /** Objective value, score and gradient w.r.t. the mask at penalty weight `weight` (the score and ∂score/∂x̃ from tfjs). */
  objective(mask: tf.Tensor, weight: number): { value: number; score: number; grad: tf.Tensor } {
    const xTilde = tf.tidy(() => this.perturbed(mask));
    const { score, gradient } = this.scoreAndGradient(xTilde);
    try {
      return this.objectiveAt(mask, weight, score, gradient);
    } finally {
      tf.dispose([xTilde, gradient]);
    }
  }

  /** The objective at `mask` given the score and ∂score/∂x̃ at x̃(mask) (from either executor). */
  objectiveAt(mask: tf.Tensor, weight: number, score: number, gradient: tf.Tensor): { value: number; score: number; grad: tf.Tensor } {
    // d/dm [⟨x̃(m), ∂s/∂x̃⟩ + penalty(m)]: the chain rule through blend and upsampling by autodiff.
    const { value, grad } = tf.tidy(() => {
      const f = (m: tf.Tensor) => tf.add(tf.sum(tf.mul(this.perturbed(m), gradient)), penalty(m, this.s.o, weight));
      const g = tf.grad(f)(mask);
      return { value: penalty(mask, this.s.o, weight), grad: g };
    });
    const penaltyValue = value.dataSync()[0]!;
    return value.dispose(), { value: score + penaltyValue, score, grad };
  }

  dispose(): void {
    tf.dispose([this.base, this.diff, ...this.matrices]);
  }
}

function softmax(row: readonly number[]): number[] {
  const e = row.map((z) => Math.exp(z - Math.max(...row)));
  return e.map((v) => v / e.reduce((a, b) => a + b, 0));
}

/** Penalty weight at an Adam step: off for the first half of the warm-up, then rising linearly to 1 (see the README). */
function penaltyWeight(step: number, steps: number, warmup: number): number {
  return warmup <= 0 ? 1 : Math.min(1, Math.max(0, (2 * step) / (warmup * steps) - 1));
}

/**
 * The objective meaningful perturbation minimises at a given low-resolution mask (row-major
 * [...maskSize], not clipped), with its gradient w.r.t. the mask: for tests and custom optimisers.
 */
export function meaningfulPerturbationObjective(model: XaiModel, input: tf.Tensor, mask: ArrayLike<number>, options: MeaningfulPerturbationOptions = {}): { value: number; score: number; grad: Float64Array } {
  const s = setup(model, input, options);
  try {
    if (s.x.shape[0] !== 1) throw new InvalidArgumentError(`meaningfulPerturbationObjective takes one sample, got a batch of ${s.x.shape[0]}`);
    const cellCount = s.cells.reduce((a, b) => a * b, 1);
    if (mask.length !== cellCount) throw new InvalidArgumentError(`mask has ${mask.length} values; maskSize [${s.cells}] needs ${cellCount}`);
    const logits = explainedLogits(model.graph, [s.x], model.headIndex(options.output));
    const [target] = resolveTargets(logits, options.target, model.graph.outputNames[model.headIndex(options.output)]!);
    logits.dispose();
    const problem = new Problem(model, s.x, s, target!, options.output);
    const m = tf.tensor(Float32Array.from(mask), s.cells);
    const { value, score, grad } = problem.objective(m, 1);
    const values = Float64Array.from(grad.dataSync());
    tf.dispose([m, grad]);
    problem.dispose();
    return { value, score, grad: values };
  } finally {
    s.x.dispose();
  }
}

/**
 * Meaningful perturbation (Fong & Vedaldi 2017), the deletion game: Adam (`tf.train.adam`) on a
 * low-resolution keep-mask m ∈ [0,1], upsampled bilinearly, minimising λ₁·mean(1 − m) +
 * λ_TV·TV_β(m) + s_target(m⊙x + (1−m)⊙x₀) from m = 1, m projected onto [0,1] after every step.
 * ∂s/∂x̃ is one engine propagation seeded with ∂s/∂logits; relevance is the deletion map 1 − Um.
 */
export async function meaningfulPerturbation(model: XaiModel, input: tf.Tensor, options: MeaningfulPerturbationOptions = {}, context = new MethodContext()): Promise<MeaningfulPerturbationExplanation> {
  const s = setup(model, input, options);
  const { steps } = s.o;
  const batch = s.x.shape[0]!;
  const head = model.headIndex(options.output);
  // The executor of every forward and backward pass: on 'ort' the compiled gradient graph, seeded with ∂score/∂logits.
  const on = new ExecutorSwitch(options);
  let onOrt: ReturnType<typeof scoreGradientOnOrt> | undefined;
  const scoreAt = (problem: Problem, xTilde: tf.Tensor, target: number): Promise<ScoreAndGradient> =>
    on.run(
      () => (onOrt ??= scoreGradientOnOrt(model, head, s.o.score))(xTilde, target),
      () => problem.scoreAndGradient(xTilde),
    );
  let logits: tf.Tensor;
  try {
    logits = await explainedLogitsOn(model, [s.x], head, on);
  } catch (err) {
    s.x.dispose();
    throw err;
  }
  const masks: tf.Tensor[] = [];
  try {
    const targets = resolveTargets(logits, options.target, model.graph.outputNames[head]!);
    const rows = logits.arraySync() as number[][];
    const [scoreBefore, scoreAfter]: number[][] = [[], []];
    const reportEvery = Math.max(1, Math.min(10, Math.ceil(steps / 20)));
    for (let b = 0; b < batch; b++) {
      const sample = tf.slice(s.x, b, 1);
      const problem = new Problem(model, sample, s, targets[b]!, options.output);
      sample.dispose();
      const mask = tf.tidy(() => tf.variable(tf.ones(s.cells)));
      const adam = tf.train.adam(s.o.learningRate, 0.9, 0.999, ADAM_EPSILON);
      try {
        scoreBefore.push(s.o.score === 'logit' ? rows[b]![targets[b]!]! : softmax(rows[b]!)[targets[b]!]!);
        for (let step = 1; step <= steps; step++) {
          const xTilde = tf.tidy(() => problem.perturbed(mask));
          let grad: tf.Tensor;
          try {
            const at = await scoreAt(problem, xTilde, targets[b]!);
            try {
              grad = problem.objectiveAt(mask, penaltyWeight(step, steps, s.o.warmup), at.score, at.gradient).grad;
            } finally {
              at.gradient.dispose();
            }
          } finally {
            xTilde.dispose();
          }
          adam.applyGradients([{ name: mask.name, tensor: grad }]);
          grad.dispose();
          tf.tidy(() => mask.assign(tf.clipByValue(mask, 0, 1))); // projection onto [0, 1]
          if (step % reportEvery === 0 || step === steps) await context.step(b * steps + step, batch * steps, 'steps');
        }
        const final = tf.tidy(() => problem.perturbed(mask));
        const after = await scoreAt(problem, final, targets[b]!).finally(() => final.dispose());
        after.gradient.dispose();
        scoreAfter.push(after.score);
        masks.push(tf.clone(mask));
      } finally {
        adam.dispose();
        mask.dispose();
        problem.dispose();
      }
    }
    const [relevance, mask, shownLogits] = tf.tidy(() => {
      const up = tf.stack(masks.map((k) => upsample(k, s.spatial.map((n, a) => bilinear(n, s.cells[a]!)))));
      const deletion = tf.tile(tf.sub(1, up).expandDims(-1), [...Array(s.spatial.length + 1).fill(1), s.rest[s.rest.length - 1]!]);
      return [deletion, tf.stack(masks), tf.clone(logits)].map((t) => (s.unbatched ? t.squeeze([0]) : t));
    }) as [tf.Tensor, tf.Tensor, tf.Tensor];
    return { relevance, relevances: [relevance], logits: shownLogits, targets, mask, scoreBefore, scoreAfter, execution: on.execution, dispose: () => tf.dispose([relevance, mask, shownLogits]) };
  } finally {
    tf.dispose([s.x, logits, ...masks]);
  }
}

export const meaningfulPerturbationMethod: MethodDefinition = {
  name: 'meaningful_perturbation',
  family: 'perturbation',
  description: 'meaningful perturbation (Fong & Vedaldi 2017): the smallest smooth mask whose deletion (blur) destroys the target score',
  options: OPTIONS,
  runsOnOrt: true,
  cost: (o) => ({ passes: o.steps as number, batch: 1, passesOption: 'steps' }),
  run: (model, input, options, context) => onChannelsLastView(model, input as tf.Tensor, (m, x) => meaningfulPerturbation(m, x, options as MeaningfulPerturbationOptions, context)),
};

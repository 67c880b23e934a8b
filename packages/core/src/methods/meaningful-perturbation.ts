import * as tf from '@tensorflow/tfjs';
import { gradient, type ExplainOptions, type Explanation } from '../engine/explain-lrp.js';
import { explainedLogits, resolveTargets } from '../engine/propagate.js';
import { InvalidArgumentError } from '../errors.js';
import type { XaiModel } from '../model.js';
import { gaussianBlur } from '../ops/gaussian-blur.js';
import { MethodContext } from './method-context.js';
import type { MethodDefinition } from './registry.js';

/**
 * Options of {@link meaningfulPerturbation}. The defaults are Fong & Vedaldi's (2017), with the
 * penalties rescaled to mean-normalised terms (see the fields).
 */
export interface MeaningfulPerturbationOptions extends ExplainOptions {
  /** Mask cells per spatial axis (a number for all axes, or one per axis); default 8. */
  readonly maskSize?: number | readonly number[];
  /**
   * What a deleted region becomes: 'blur' (default; the sample blurred with `blurSigma`, as in the
   * paper) or a constant.
   */
  readonly baseline?: number | 'blur';
  /**
   * σ in elements of the 'blur' baseline, one for all spatial axes or one per axis. Default per
   * axis min(10, extent / 8): the paper's σ₀ = 10 for 224-pixel images, but at most 1/8 of the
   * extent so that small inputs (4 for the 32×32 demo) keep their coarse layout.
   */
  readonly blurSigma?: number | readonly number[];
  /**
   * The score the mask drives down: 'probability' (default, the softmax probability of the target
   * as in the paper) or 'logit' (the target logit; one backward pass per step).
   */
  readonly score?: 'probability' | 'logit';
  /** Adam steps per sample (default 300). */
  readonly steps?: number;
  /** Adam learning rate (default 0.1, as in the paper's reference code). */
  readonly learningRate?: number;
  /**
   * λ₁ of the mean deletion area mean(1 − m) (default 0.05). The paper's λ₁ = 1e-4 multiplies a
   * sum over its 28×28 mask, ≈ 0.08 per mean; common re-implementations use 0.01. On the demo model
   * 0.05 keeps 70–90% of the mask while the target probability still falls below 1%.
   */
  readonly l1Coefficient?: number;
  /**
   * λ_TV of the mean total variation Σ_axes mean |m(u + e_axis) − m(u)|^β (default 0.2, the value
   * common re-implementations use for mean terms; the paper's 1e-2 multiplies a sum over 28×28).
   */
  readonly tvCoefficient?: number;
  /** β of the total variation (default 3, as in the paper). */
  readonly tvBeta?: number;
  /**
   * Share of the steps over which the penalties are phased in (default 0.2): off for the first
   * half, then rising linearly to full weight. 0 applies them from the first step, as the paper.
   */
  readonly warmup?: number;
  /** Copies (one per class gradient) per backward pass for the 'probability' score (default 32). */
  readonly batchSize?: number;
}

/** A meaningful-perturbation explanation: the deletion map plus the optimised mask and scores. */
export interface MeaningfulPerturbationExplanation extends Explanation {
  /** The optimised low-resolution keep-mask m ∈ [0,1], [batch, ...maskSize] (no batch axis for an unbatched input). */
  readonly mask: tf.Tensor;
  /** Target score (of the chosen kind) of the input, per sample. */
  readonly scoreBefore: number[];
  /** Target score of the perturbed input m⊙x + (1−m)⊙x₀ with the final mask, per sample. */
  readonly scoreAfter: number[];
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
/**
 * Adam's ε, far below the usual 1e-8: a confident model's softmax is saturated (∂p_t/∂x ≈ p_t(1 − p_t)·…
 * can be 1e-11 at the start), and Adam should then still take full-size steps.
 */
const ADAM_EPSILON = 1e-20;
/** 'probability' on many classes: classes are skipped while their total probability stays below this share of 1 − p_t. */
const SKIPPED_MASS = 1e-4;

const perAxis = (v: number | readonly number[], rank: number, name: string, integer: boolean): number[] => {
  const list = typeof v === 'number' ? Array(rank).fill(v) : [...v];
  if (list.length !== rank || list.some((n) => !Number.isFinite(n) || (integer ? !Number.isInteger(n) || n < 1 : n < 0))) {
    const what = integer ? 'positive integers' : 'non-negative numbers';
    throw new InvalidArgumentError(`${name} needs ${rank} ${what} (one per spatial axis), got ${JSON.stringify(v)}`);
  }
  return list;
};

/**
 * Bilinear interpolation from `cells` to `out` elements along one axis, with half-pixel centres
 * (align_corners = false) and edge values held: out[i] = (1 − f_i)·in[lo_i] + f_i·in[lo_i + 1].
 * The weights of every output sum to 1, so a constant mask stays constant.
 */
interface Interpolation {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly frac: Float64Array;
}

function bilinear(out: number, cells: number): Interpolation {
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const frac = new Float64Array(out);
  const scale = cells / out;
  for (let i = 0; i < out; i++) {
    const src = Math.min(cells - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    lo[i] = Math.floor(src);
    hi[i] = Math.min(cells - 1, lo[i]! + 1);
    frac[i] = src - lo[i]!;
  }
  return { lo, hi, frac };
}

/**
 * The separable upsampling U = ⊗_axes A_axis of a mask [...cells] to [...spatial], and its
 * transpose Uᵀ (what the chain rule needs: ∂L/∂m = Uᵀ ∂L/∂(Um)).
 */
class Upsampling {
  private readonly axes: Interpolation[];

  constructor(
    readonly cells: readonly number[],
    readonly spatial: readonly number[],
  ) {
    this.axes = spatial.map((n, a) => bilinear(n, cells[a]!));
  }

  /** Um: interpolates along one axis after another. */
  apply(mask: Float64Array): Float64Array {
    let data = mask;
    const shape = [...this.cells];
    this.axes.forEach((w, a) => {
      const inner = shape.slice(a + 1).reduce((x, y) => x * y, 1);
      const outer = shape.slice(0, a).reduce((x, y) => x * y, 1);
      const k = shape[a]!;
      const n = this.spatial[a]!;
      const next = new Float64Array(outer * n * inner);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < n; i++) {
          const f = w.frac[i]!;
          const from0 = (o * k + w.lo[i]!) * inner;
          const from1 = (o * k + w.hi[i]!) * inner;
          const to = (o * n + i) * inner;
          for (let j = 0; j < inner; j++) next[to + j] = (1 - f) * data[from0 + j]! + f * data[from1 + j]!;
        }
      }
      shape[a] = n;
      data = next;
    });
    return data;
  }

  /** Uᵀg: the transposed interpolations, in reverse order. */
  transpose(grad: Float64Array): Float64Array {
    let data = grad;
    const shape = [...this.spatial];
    for (let a = this.axes.length - 1; a >= 0; a--) {
      const w = this.axes[a]!;
      const inner = shape.slice(a + 1).reduce((x, y) => x * y, 1);
      const outer = shape.slice(0, a).reduce((x, y) => x * y, 1);
      const n = shape[a]!;
      const k = this.cells[a]!;
      const next = new Float64Array(outer * k * inner);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < n; i++) {
          const f = w.frac[i]!;
          const from = (o * n + i) * inner;
          const to0 = (o * k + w.lo[i]!) * inner;
          const to1 = (o * k + w.hi[i]!) * inner;
          for (let j = 0; j < inner; j++) {
            next[to0 + j] += (1 - f) * data[from + j]!;
            next[to1 + j] += f * data[from + j]!;
          }
        }
      }
      shape[a] = k;
      data = next;
    }
    return data;
  }
}

/**
 * λ₁·mean(1 − m) + λ_TV·Σ_axes mean_u |m(u + e_axis) − m(u)|^β and its gradient w.r.t. m
 * (added into `grad`).
 */
function maskPenalty(mask: Float64Array, cells: readonly number[], l1: number, tv: number, beta: number, grad?: Float64Array): number {
  const size = mask.length;
  let value = 0;
  for (let u = 0; u < size; u++) {
    value += (l1 * (1 - mask[u]!)) / size;
    if (grad) grad[u] -= l1 / size;
  }
  cells.forEach((k, a) => {
    if (k < 2) return;
    const stride = cells.slice(a + 1).reduce((x, y) => x * y, 1);
    const pairs = (size / k) * (k - 1);
    for (let u = 0; u < size; u++) {
      if (Math.floor(u / stride) % k === k - 1) continue; // last cell along this axis
      const d = mask[u + stride]! - mask[u]!;
      const ad = Math.abs(d);
      value += (tv * ad ** beta) / pairs;
      if (grad && ad > 0) {
        const g = (tv * beta * ad ** (beta - 1) * Math.sign(d)) / pairs;
        grad[u + stride] += g;
        grad[u] -= g;
      }
    }
  });
  return value;
}

function softmax(logits: ArrayLike<number>): Float64Array {
  const max = Math.max(...Array.from(logits));
  const e = Float64Array.from(logits, (z) => Math.exp(z - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** One sample's optimisation problem. */
interface ScoreProblem {
  readonly model: XaiModel;
  readonly head: number;
  readonly output: number | string | undefined;
  readonly target: number;
  readonly classes: number;
  readonly kind: 'probability' | 'logit';
  readonly batchSize: number;
  /** x₀ and x − x₀, [1, ...spatial, channels]. */
  readonly base: tf.Tensor;
  readonly diff: tf.Tensor;
  readonly spatial: readonly number[];
}

/** x̃ = x₀ + m_up ⊙ (x − x₀) = m_up ⊙ x + (1 − m_up) ⊙ x₀ for an upsampled mask [...spatial]. */
function perturbed(p: ScoreProblem, up: Float64Array): tf.Tensor {
  return tf.tidy(() => tf.add(p.base, tf.mul(tf.tensor(Float32Array.from(up), [1, ...p.spatial, 1]), p.diff)));
}

function targetScore(p: ScoreProblem, logits: ArrayLike<number>): number {
  return p.kind === 'logit' ? logits[p.target]! : softmax(logits)[p.target]!;
}

/** The score at the perturbed input, by one forward pass. */
function scoreOf(p: ScoreProblem, up: Float64Array): number {
  const x = perturbed(p, up);
  try {
    const logits = explainedLogits(p.model.graph, [x], p.head);
    const row = logits.dataSync();
    logits.dispose();
    return targetScore(p, row);
  } finally {
    x.dispose();
  }
}

/**
 * The score s(x̃) and ∂s/∂m_up = Σ_channels ∂s/∂x̃ ⊙ (x − x₀), from the engine's backward pass.
 * For the logit: one pass of the target. For the probability p_t = softmax(z)_t the chain rule
 * ∂p_t/∂x̃ = Σ_k p_t(δ_tk − p_k) ∂z_k/∂x̃ needs every logit's gradient: the sample is copied once per
 * class and all gradients come from one batched pass (chunks of `batchSize`). With more classes than
 * `batchSize`, a forward pass first finds p, and the least likely classes are skipped while their
 * total probability stays below 1e-4·(1 − p_t) (their terms are that small).
 */
function scoreAndGradient(p: ScoreProblem, up: Float64Array): { score: number; grad: Float64Array } {
  const x = perturbed(p, up);
  try {
    let probs: Float64Array | null = null;
    let list: number[];
    if (p.kind === 'logit') list = [p.target];
    else if (p.classes <= p.batchSize) list = [p.target, ...Array.from({ length: p.classes }, (_, k) => k).filter((k) => k !== p.target)];
    else {
      const logits = explainedLogits(p.model.graph, [x], p.head);
      const probabilities = softmax(logits.dataSync());
      logits.dispose();
      probs = probabilities;
      const pt = probabilities[p.target]!;
      const others = Array.from(probabilities.keys()).filter((k) => k !== p.target).sort((a, b) => probabilities[a]! - probabilities[b]!);
      let skipped = 0;
      let from = 0;
      while (from < others.length && skipped + probabilities[others[from]!]! <= SKIPPED_MASS * (1 - pt)) skipped += probabilities[others[from++]!]!;
      list = [p.target, ...others.slice(from).reverse()];
    }
    const grad = new Float64Array(up.length);
    let score = NaN;
    const ones = x.shape.slice(1).map(() => 1);
    for (let start = 0; start < list.length; start += p.batchSize) {
      const chunk = list.slice(start, start + p.batchSize);
      const copies = chunk.length === 1 ? x : tf.tile(x, [chunk.length, ...ones]);
      let g: Explanation;
      try {
        g = gradient(p.model, copies, { target: chunk, output: p.output });
      } finally {
        if (copies !== x) copies.dispose();
      }
      try {
        if (start === 0) {
          const row = tf.tidy(() => g.logits.slice([0, 0], [1, -1]));
          const logits = row.dataSync();
          row.dispose();
          probs ??= p.kind === 'probability' ? softmax(logits) : null;
          score = probs ? probs[p.target]! : logits[p.target]!;
        }
        const pt = probs ? probs[p.target]! : 1;
        const weights = chunk.map((k) => (!probs ? 1 : k === p.target ? pt * (1 - pt) : -pt * probs[k]!));
        const perPosition = tf.tidy(() => {
          const ds = tf.sum(tf.mul(g.relevance, tf.tensor(weights, [chunk.length, ...ones])), 0, true);
          return tf.sum(tf.mul(ds, p.diff), -1);
        });
        const values = perPosition.dataSync();
        perPosition.dispose();
        for (let i = 0; i < grad.length; i++) grad[i] += values[i]!;
      } finally {
        g.dispose();
      }
    }
    return { score, grad };
  } finally {
    x.dispose();
  }
}

function checkedNumber(value: unknown, name: string, ok: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw new InvalidArgumentError(`option '${name}' must be ${expected}, got ${JSON.stringify(value)}`);
  return value;
}

interface Setup {
  readonly x: tf.Tensor;
  readonly unbatched: boolean;
  readonly batch: number;
  readonly rest: number[];
  readonly spatial: number[];
  readonly channels: number;
  readonly cells: number[];
  readonly sigma: number[];
  readonly head: number;
  readonly steps: number;
  readonly learningRate: number;
  readonly l1: number;
  readonly tv: number;
  readonly beta: number;
  readonly batchSize: number;
  readonly warmup: number;
  readonly baseline: number | 'blur';
  readonly kind: 'probability' | 'logit';
}

/** Checks the options against the model and input; returns them resolved and the batched input (owned by the caller). */
function setup(model: XaiModel, input: tf.Tensor, options: MeaningfulPerturbationOptions): Setup {
  const steps = checkedNumber(options.steps ?? 300, 'steps', (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
  const learningRate = checkedNumber(options.learningRate ?? 0.1, 'learningRate', (v) => v > 0, 'a number > 0');
  const l1 = checkedNumber(options.l1Coefficient ?? 0.05, 'l1Coefficient', (v) => v >= 0, 'a number ≥ 0');
  const tv = checkedNumber(options.tvCoefficient ?? 0.2, 'tvCoefficient', (v) => v >= 0, 'a number ≥ 0');
  const beta = checkedNumber(options.tvBeta ?? 3, 'tvBeta', (v) => v >= 1, 'a number ≥ 1');
  const batchSize = checkedNumber(options.batchSize ?? 32, 'batchSize', (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
  const warmup = checkedNumber(options.warmup ?? 0.2, 'warmup', (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  const kind = options.score ?? 'probability';
  if (kind !== 'probability' && kind !== 'logit') throw new InvalidArgumentError(`option 'score' must be one of probability, logit, got ${JSON.stringify(kind)}`);
  const baseline = options.baseline ?? 'blur';
  if (baseline !== 'blur' && (typeof baseline !== 'number' || !Number.isFinite(baseline))) {
    throw new InvalidArgumentError(`option 'baseline' must be a number or 'blur', got ${JSON.stringify(baseline)}`);
  }
  if (model.inputShapes.length !== 1) throw new InvalidArgumentError(`meaningful perturbation explains single-input models; this one has ${model.inputShapes.length} inputs`);
  const modelRank = model.inputShapes[0]!.length;
  const unbatched = input.rank === modelRank - 1;
  if (!unbatched && input.rank !== modelRank) throw new InvalidArgumentError(`input has shape [${input.shape}]; the model takes [${model.inputShapes[0]}]`);
  const [batch, ...rest] = (unbatched ? [1, ...input.shape] : input.shape) as number[];
  const spatial = rest.slice(0, -1);
  if (spatial.length < 1 || spatial.length > 3) throw new InvalidArgumentError(`meaningful perturbation needs channels-last inputs with 1 to 3 spatial axes, got shape [${rest}]`);
  const cells = perAxis(options.maskSize ?? 8, spatial.length, "option 'maskSize'", true);
  cells.forEach((k, a) => {
    if (k > spatial[a]!) throw new InvalidArgumentError(`option 'maskSize' [${cells}] is larger than the input's spatial size [${spatial}] (axis ${a})`);
  });
  const sigma = options.blurSigma === undefined ? spatial.map((n) => Math.min(10, n / 8)) : perAxis(options.blurSigma, spatial.length, "option 'blurSigma'", false);
  const head = model.headIndex(options.output);
  const x = unbatched ? input.expandDims(0) : tf.clone(input);
  return { x, unbatched, batch: batch!, rest, spatial, channels: rest[rest.length - 1]!, cells, sigma, head, steps, learningRate, l1, tv, beta, batchSize, warmup, baseline, kind };
}

/**
 * Weight of the penalties at an Adam step (1-based): 0 for the first half of the warm-up, then
 * rising linearly to 1 at its end. On a saturated softmax the score's gradient at m = 1 is far
 * below λ₁'s and the mask would never leave 1 (a flat start, not the optimum: deleting the object
 * drops p_t by ≈ 1 for λ₁·area); with the penalties off, Adam first finds the evidence, and the
 * penalties then shrink the deletion to what is needed.
 */
function penaltyWeight(step: number, steps: number, warmup: number): number {
  if (warmup <= 0) return 1;
  const t = step / (warmup * steps);
  return Math.min(1, Math.max(0, 2 * t - 1));
}

/** x₀ and x − x₀ of one sample [1, ...]. */
function baselineOf(sample: tf.Tensor, s: Setup): { base: tf.Tensor; diff: tf.Tensor } {
  const base = typeof s.baseline === 'number' ? tf.fill(sample.shape, s.baseline) : gaussianBlur(sample, s.sigma);
  return { base, diff: tf.sub(sample, base) };
}

/** The objective λ₁·mean(1 − m) + λ_TV·TV_β(m) + s(x̃) and its gradient w.r.t. the low-resolution mask. */
function objective(p: ScoreProblem, s: Setup, upsampling: Upsampling, mask: Float64Array, weight = 1): { value: number; score: number; grad: Float64Array } {
  const { score, grad: gradUp } = scoreAndGradient(p, upsampling.apply(mask));
  const grad = upsampling.transpose(gradUp);
  const penalty = maskPenalty(mask, s.cells, weight * s.l1, weight * s.tv, s.beta, grad);
  return { value: score + penalty, score, grad };
}

/**
 * The objective meaningful perturbation minimises, at a given low-resolution mask (row-major
 * [...maskSize] values, not clipped), with its analytic gradient w.r.t. the mask: for tests and
 * for custom optimisers. `input` is one sample (with or without batch axis); the target defaults
 * to the arg-max at the input.
 */
export function meaningfulPerturbationObjective(
  model: XaiModel,
  input: tf.Tensor,
  mask: ArrayLike<number>,
  options: MeaningfulPerturbationOptions = {},
): { value: number; score: number; grad: Float64Array } {
  const s = setup(model, input, options);
  const owned: tf.Tensor[] = [s.x];
  try {
    if (s.batch !== 1) throw new InvalidArgumentError(`meaningfulPerturbationObjective takes one sample, got a batch of ${s.batch}`);
    const cellCount = s.cells.reduce((a, b) => a * b, 1);
    if (mask.length !== cellCount) throw new InvalidArgumentError(`mask has ${mask.length} values; maskSize [${s.cells}] needs ${cellCount}`);
    const logits = explainedLogits(model.graph, [s.x], s.head);
    owned.push(logits);
    const [target] = resolveTargets(logits, options.target, model.graph.outputNames[s.head]!);
    const { base, diff } = baselineOf(s.x, s);
    owned.push(base, diff);
    const problem: ScoreProblem = {
      model, head: s.head, output: options.output, target: target!, classes: logits.shape[1]!, kind: s.kind, batchSize: s.batchSize, base, diff, spatial: s.spatial,
    };
    return objective(problem, s, new Upsampling(s.cells, s.spatial), Float64Array.from(mask));
  } finally {
    tf.dispose(owned);
  }
}

/**
 * Meaningful perturbation (Fong & Vedaldi 2017), the deletion game: the smallest, smoothest region
 * whose deletion destroys the target score. A low-resolution keep-mask m ∈ [0,1] (`maskSize` cells
 * per spatial axis, 1 = keep, 0 = delete) is upsampled bilinearly to the input's spatial size and
 * blends the input with a baseline x₀ (the blurred input or a constant): x̃ = m⊙x + (1−m)⊙x₀. Adam
 * minimises λ₁·mean(1 − m) + λ_TV·TV_β(m) + s_target(x̃) from m = 1, projecting m onto [0,1] after
 * every step (the paper's projected gradient). ∂s/∂x̃ comes from the engine's own backward pass; the
 * chain rule through the blend and the upsampling (its transpose) and the penalties' gradients are
 * computed here in plain JS. The paper's random jitter of the mask is left out (deterministic).
 *
 * Relevance is the deletion map 1 − Um, shaped like the input (the same value on every channel):
 * high where deleting the input destroys the evidence. Inputs are channels-last with 1, 2 or 3
 * spatial axes; one sample at a time.
 */
export async function meaningfulPerturbation(
  model: XaiModel,
  input: tf.Tensor,
  options: MeaningfulPerturbationOptions = {},
  context = new MethodContext(),
): Promise<MeaningfulPerturbationExplanation> {
  const s = setup(model, input, options);
  const { x, batch, spatial, channels, cells, steps, learningRate } = s;
  const owned: tf.Tensor[] = [x];
  try {
    const logits = explainedLogits(model.graph, [x], s.head);
    owned.push(logits);
    const targets = resolveTargets(logits, options.target, model.graph.outputNames[s.head]!);
    const rows = logits.arraySync() as number[][];
    const upsampling = new Upsampling(cells, spatial);
    const cellCount = cells.reduce((a, b) => a * b, 1);
    const positions = spatial.reduce((a, b) => a * b, 1);
    const relevanceValues = new Float32Array(batch * positions * channels);
    const maskValues = new Float32Array(batch * cellCount);
    const scoreBefore: number[] = [];
    const scoreAfter: number[] = [];
    const reportEvery = Math.max(1, Math.min(10, Math.ceil(steps / 20)));
    for (let b = 0; b < batch; b++) {
      const sample = tf.slice(x, b, 1);
      const { base, diff } = baselineOf(sample, s);
      sample.dispose();
      const problem: ScoreProblem = {
        model, head: s.head, output: options.output, target: targets[b]!, classes: logits.shape[1]!, kind: s.kind, batchSize: s.batchSize, base, diff, spatial,
      };
      try {
        scoreBefore.push(targetScore(problem, rows[b]!));
        const mask = new Float64Array(cellCount).fill(1);
        const m1 = new Float64Array(cellCount);
        const m2 = new Float64Array(cellCount);
        for (let step = 1; step <= steps; step++) {
          const { grad } = objective(problem, s, upsampling, mask, penaltyWeight(step, steps, s.warmup));
          const c1 = 1 - ADAM_BETA1 ** step;
          const c2 = 1 - ADAM_BETA2 ** step;
          for (let u = 0; u < cellCount; u++) {
            const g = grad[u]!;
            m1[u] = ADAM_BETA1 * m1[u]! + (1 - ADAM_BETA1) * g;
            m2[u] = ADAM_BETA2 * m2[u]! + (1 - ADAM_BETA2) * g * g;
            const next = mask[u]! - (learningRate * (m1[u]! / c1)) / (Math.sqrt(m2[u]! / c2) + ADAM_EPSILON);
            mask[u] = Math.min(1, Math.max(0, next)); // projection onto [0, 1]
          }
          if (step % reportEvery === 0 || step === steps) await context.step(b * steps + step, batch * steps, 'steps');
        }
        const up = upsampling.apply(mask);
        scoreAfter.push(scoreOf(problem, up));
        maskValues.set(mask, b * cellCount);
        for (let p = 0; p < positions; p++) {
          const v = 1 - up[p]!;
          for (let c = 0; c < channels; c++) relevanceValues[(b * positions + p) * channels + c] = v;
        }
      } finally {
        tf.dispose([base, diff]);
      }
    }
    const relevance = tf.tensor(relevanceValues, s.unbatched ? s.rest : [batch, ...s.rest]);
    const maskTensor = tf.tensor(maskValues, s.unbatched ? cells : [batch, ...cells]);
    const shownLogits = s.unbatched ? logits.squeeze([0]) : tf.clone(logits);
    return {
      relevance,
      relevances: [relevance],
      logits: shownLogits,
      targets,
      mask: maskTensor,
      scoreBefore,
      scoreAfter,
      dispose: () => tf.dispose([relevance, maskTensor, shownLogits]),
    };
  } finally {
    tf.dispose(owned);
  }
}

export const meaningfulPerturbationMethod: MethodDefinition = {
  name: 'meaningful_perturbation',
  family: 'perturbation',
  description: 'meaningful perturbation (Fong & Vedaldi 2017): the smallest smooth mask whose deletion (blur) destroys the target score',
  options: {
    type: 'object',
    properties: {
      maskSize: {
        anyOf: [{ type: 'integer', minimum: 1 }, { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 3 }],
        default: 8,
        description: 'mask cells per spatial axis, one for all axes or one per axis (upsampled bilinearly)',
      },
      baseline: {
        anyOf: [{ type: 'number' }, { type: 'string', enum: ['blur'] }],
        default: 'blur',
        description: "what deleted regions become: the 'blur'red input or a constant",
      },
      blurSigma: {
        anyOf: [{ type: 'number', minimum: 0 }, { type: 'array', items: { type: 'number', minimum: 0 }, minItems: 1, maxItems: 3 }],
        description: "σ (elements) of the 'blur' baseline; default per axis min(10, extent / 8)",
      },
      score: { type: 'string', enum: ['probability', 'logit'], default: 'probability', description: 'target score to destroy: softmax probability or logit' },
      steps: { type: 'integer', minimum: 1, default: 300, description: 'Adam steps per sample' },
      learningRate: { type: 'number', exclusiveMinimum: 0, default: 0.1, description: 'Adam learning rate' },
      l1Coefficient: { type: 'number', minimum: 0, default: 0.05, description: 'λ₁ of the mean deleted area' },
      tvCoefficient: { type: 'number', minimum: 0, default: 0.2, description: 'λ_TV of the mean total variation of the mask' },
      tvBeta: { type: 'number', minimum: 1, default: 3, description: 'β of the total variation' },
      warmup: { type: 'number', minimum: 0, maximum: 1, default: 0.2, description: 'share of the steps over which the penalties are phased in' },
      batchSize: { type: 'integer', minimum: 1, default: 32, description: "class gradients per backward pass ('probability' score)" },
    },
  },
  cost: (o) => ({ passes: o.steps as number, batch: o.score === 'probability' ? (o.batchSize as number) : 1, passesOption: 'steps', batchOption: 'batchSize' }),
  run: (model, input, options, context) => meaningfulPerturbation(model, input as tf.Tensor, options as MeaningfulPerturbationOptions, context),
};

import * as tf from '@tensorflow/tfjs';
import type { activationFunction } from '@xai/core';
import type { ResolvedRecurrentRule } from './recurrent-rule.js';

/** An element-wise activation with its derivative (core's activation table). */
export type Activation = NonNullable<ReturnType<typeof activationFunction>>;

/** A recurrent layer's weights in Keras layout (gate blocks side by side on the last axis). */
export interface CellWeights {
  /** [inputDim, gates·units] */
  readonly kernel: tf.Tensor2D;
  /** [units, gates·units] */
  readonly recurrentKernel: tf.Tensor2D;
  /** [gates·units] or null (useBias false) */
  readonly bias: tf.Tensor1D | null;
}

/** One time step's state. `c` is the LSTM's carry (null for GRU and SimpleRNN). */
export interface CellState {
  readonly h: tf.Tensor2D;
  readonly c: tf.Tensor2D | null;
}

/** What one LRP step sends back. */
export interface LrpStep {
  /** R / stab(z) at the signal pre-activation: x_t gets x_t ⊙ (s · W_signalᵀ). */
  readonly s: tf.Tensor;
  /** biasFactor 1: what each input unit of the signal pre-activation also gets, [batch, 1]. */
  readonly share: tf.Tensor | null;
  /** Relevance of h_{t−1} (and c_{t−1}). */
  readonly rh: tf.Tensor;
  readonly rc: tf.Tensor | null;
}

/** What one gradient step sends back. */
export interface GradientStep {
  /** ∂f/∂z_t for the whole pre-activation [batch, gates·units]: x_t gets dz · Wᵀ. */
  readonly dz: tf.Tensor;
  readonly dh: tf.Tensor;
  readonly dc: tf.Tensor | null;
}

/**
 * The arithmetic of one recurrent cell: the forward step from the precomputed input projection
 * x_t·W + b, one step of the LRP rule and one step of the exact gradient (Jacobian transpose).
 * Owns the derived tensors it creates (weight slices, transposes); the weights themselves belong
 * to the LayersModel.
 */
export abstract class RecurrentCell<Trace = unknown> {
  abstract readonly gates: number;
  abstract readonly hasCarry: boolean;
  /** Kernel columns of the signal pre-activation, transposed: [units, inputDim] (LRP to x_t). */
  abstract readonly signalKernelT: tf.Tensor2D;
  /** The whole kernel transposed: [gates·units, inputDim] (gradient to x_t). */
  readonly kernelT: tf.Tensor2D;
  readonly units: number;
  readonly inputDim: number;
  private readonly owned: tf.Tensor[] = [];
  /** The activations' names (Keras), where known: what other executors rebuild them from. */
  activationNames: { readonly activation: string; readonly recurrent: string } | null = null;

  constructor(
    readonly weights: CellWeights,
    readonly activation: Activation,
    readonly recurrentActivation: Activation,
  ) {
    this.units = weights.recurrentKernel.shape[0];
    this.inputDim = weights.kernel.shape[0];
    this.kernelT = this.own(() => tf.transpose(weights.kernel));
  }

  /** Input units feeding the signal pre-activation (x_t and the recurrent signal): N of biasFactor 1. */
  get fanIn(): number {
    return this.inputDim + this.units;
  }

  /** x_t·W + b for all steps at once: [batch, T, inputDim] → [batch, T, gates·units]. */
  project(x: tf.Tensor3D): tf.Tensor3D {
    const [batch, steps] = x.shape;
    const flat = tf.matMul(tf.reshape(x, [batch * steps, this.inputDim]) as tf.Tensor2D, this.weights.kernel);
    const biased = this.weights.bias ? tf.add(flat, this.weights.bias) : flat;
    return tf.reshape(biased, [batch, steps, this.gates * this.units]);
  }

  initialState(batch: number): CellState {
    return { h: tf.zeros([batch, this.units]), c: this.hasCarry ? tf.zeros([batch, this.units]) : null };
  }

  abstract step(xw: tf.Tensor2D, state: CellState): { state: CellState; trace: Trace };
  abstract lrpStep(trace: Trace, rh: tf.Tensor, rc: tf.Tensor | null, rule: ResolvedRecurrentRule): LrpStep;
  abstract gradientStep(trace: Trace, dh: tf.Tensor, dc: tf.Tensor | null): GradientStep;

  /** Columns [from, from + units) of a gate-blocked matrix or vector. */
  protected block<T extends tf.Tensor>(t: T, index: number, count = 1): T {
    const size = this.units * count;
    return (t.rank === 1 ? tf.slice(t, [index * this.units], [size]) : tf.slice(t, [0, index * this.units], [-1, size])) as T;
  }

  /** Keeps a derived tensor for the cell's lifetime. */
  protected own<T extends tf.Tensor>(make: () => T): T {
    const t = tf.keep(tf.tidy(make));
    this.owned.push(t);
    return t;
  }

  dispose(): void {
    tf.dispose(this.owned);
    this.owned.length = 0;
  }
}

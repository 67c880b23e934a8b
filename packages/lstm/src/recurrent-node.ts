import * as tf from '@tensorflow/tfjs';
import { GraphNode, InvalidArgumentError } from '@xai/core';
import type { RecurrentCell, CellState } from './cell.js';
import type { ResolvedRecurrentRule } from './recurrent-rule.js';

export interface SequenceOptions {
  /** Process the sequence from the last step to the first (outputs stay in processing order, as in Keras). */
  readonly goBackwards: boolean;
  /** Output every step's h [batch, T, units] instead of the last one [batch, units]. */
  readonly returnSequences: boolean;
}

/**
 * A constant initial state (ONNX `initial_h`/`initial_c`): [batch, units] tensors owned by the
 * model. Without one the state starts at zero (Keras). Its relevance is what the LRP pass leaves on
 * h₀ and c₀ (reported through the rule's `onInitialState`).
 */
export interface InitialState {
  readonly h: tf.Tensor2D;
  readonly c: tf.Tensor2D | null;
}

/** The forward pass kept for a backward pass. */
interface Unrolled {
  /** The input in processing order [batch, T, inputDim]. */
  readonly x: tf.Tensor3D;
  readonly traces: unknown[];
  readonly states: CellState[];
  /** Per step [batch, 1]: 1 where the step is computed, 0 where the mask carries the state over. */
  readonly masks: tf.Tensor[] | null;
}

/**
 * One recurrent layer (LSTM, GRU, SimpleRNN) over a whole sequence. Inputs: the sequence, and when
 * an Embedding with maskZero feeds it, the token ids whose zeros mask steps (as Keras does: a masked
 * step keeps the previous state and outputs it). The forward pass is recomputed in the backward
 * pass rather than kept between the two calls.
 */
export class RecurrentNode extends GraphNode {
  readonly kind = 'recurrent';

  constructor(
    name: string,
    layerName: string,
    layerClass: string,
    inputs: readonly number[],
    output: number,
    readonly cell: RecurrentCell,
    readonly sequence: SequenceOptions,
    readonly initial: InitialState | null = null,
  ) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward(inputs: tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const run = this.unroll(inputs);
      const hs = run.states.slice(1).map((s) => s.h);
      return this.sequence.returnSequences ? tf.stack(hs, 1) : hs[hs.length - 1]!;
    });
  }

  /** Backpropagation through time. */
  override vjp(inputs: tf.Tensor[], _output: tf.Tensor, r: tf.Tensor): (tf.Tensor | null)[] {
    const dx = tf.tidy(() => this.gradient(inputs, r));
    return inputs.length > 1 ? [dx, null] : [dx];
  }

  /** The `recurrent` rule (registered by the plugin) with its default options. */
  override get defaultRule(): string {
    return 'recurrent';
  }

  /** LRP through the layer under a recurrent rule's settings for it. */
  relevance(inputs: tf.Tensor[], r: tf.Tensor, rule: ResolvedRecurrentRule): (tf.Tensor | null)[] {
    const rx = tf.tidy(() => this.lrp(inputs, r, rule));
    return inputs.length > 1 ? [rx, null] : [rx];
  }

  private unroll([x, ids]: tf.Tensor[]): Unrolled {
    const [batch] = x!.shape as [number, number, number];
    const xs = (this.sequence.goBackwards ? tf.reverse(x!, 1) : x!) as tf.Tensor3D;
    let masks: tf.Tensor[] | null = null;
    if (ids) {
      const m = tf.cast(tf.notEqual(ids, 0), 'float32');
      masks = tf.unstack(this.sequence.goBackwards ? tf.reverse(m, 1) : m, 1).map((t) => tf.expandDims(t, -1));
    }
    const projected = tf.unstack(this.cell.project(xs), 1) as tf.Tensor2D[];
    const states: CellState[] = [this.startState(batch!)];
    const traces: unknown[] = [];
    projected.forEach((xw, t) => {
      const prev = states[t]!;
      const { state, trace } = this.cell.step(xw, prev);
      traces.push(trace);
      const m = masks?.[t];
      states.push(m ? { h: keepMasked(m, state.h, prev.h) as tf.Tensor2D, c: state.c && (keepMasked(m, state.c, prev.c!) as tf.Tensor2D) } : state);
    });
    return { x: xs, traces, states, masks };
  }

  /** h₀ (and c₀): zeros, or the constant initial state (one row per sample). */
  private startState(batch: number): CellState {
    const zero = this.cell.initialState(batch);
    if (!this.initial) return zero;
    const rows = (t: tf.Tensor2D): tf.Tensor2D => {
      if (t.shape[0] !== batch) {
        throw new InvalidArgumentError(`recurrent node '${this.name}': its constant initial state holds ${t.shape[0]} rows but the input batch has ${batch} samples (the model was exported for batch size ${t.shape[0]})`);
      }
      return t;
    };
    return { h: rows(this.initial.h), c: this.initial.c ? rows(this.initial.c) : zero.c };
  }

  /** The LRP rule of the cell, step by step from the last to the first. */
  private lrp(inputs: tf.Tensor[], r: tf.Tensor, rule: ResolvedRecurrentRule): tf.Tensor {
    const run = this.unroll(inputs);
    const steps = run.traces.length;
    const perStep = this.sequence.returnSequences ? tf.unstack(r, 1) : null;
    const initial = this.cell.initialState(run.x.shape[0]);
    let rh: tf.Tensor = initial.h;
    let rc: tf.Tensor | null = initial.c;
    const ratios: tf.Tensor[] = [];
    const shares: tf.Tensor[] = [];
    for (let t = steps - 1; t >= 0; t--) {
      if (perStep) rh = tf.add(rh, perStep[t]!);
      else if (t === steps - 1) rh = tf.add(rh, r);
      const step = this.cell.lrpStep(run.traces[t], rh, rc, rule);
      const m = run.masks?.[t];
      ratios[t] = m ? tf.mul(step.s, m) : step.s;
      if (step.share) shares[t] = m ? tf.mul(step.share, m) : step.share;
      rh = m ? keepMasked(m, step.rh, rh) : step.rh;
      rc = rc && (m ? keepMasked(m, step.rc!, rc) : step.rc);
    }
    if (rule.onInitialState) {
      const total = tf.sum(rc ? tf.add(rh, rc) : rh, -1);
      rule.onInitialState({ node: this.name, relevance: Array.from(total.dataSync()) });
    }
    const s = tf.stack(ratios, 1);
    let rx = tf.mul(run.x, this.toInput(s, this.cell.signalKernelT));
    if (shares.length > 0) rx = tf.add(rx, tf.stack(shares, 1));
    return this.sequence.goBackwards ? tf.reverse(rx, 1) : rx;
  }

  /** Backpropagation through time: the exact transposed Jacobian of the forward pass applied to r. */
  private gradient(inputs: tf.Tensor[], r: tf.Tensor): tf.Tensor {
    const run = this.unroll(inputs);
    const steps = run.traces.length;
    const perStep = this.sequence.returnSequences ? tf.unstack(r, 1) : null;
    const initial = this.cell.initialState(run.x.shape[0]);
    let dh: tf.Tensor = initial.h;
    let dc: tf.Tensor | null = initial.c;
    const dzs: tf.Tensor[] = [];
    for (let t = steps - 1; t >= 0; t--) {
      if (perStep) dh = tf.add(dh, perStep[t]!);
      else if (t === steps - 1) dh = tf.add(dh, r);
      const step = this.cell.gradientStep(run.traces[t], dh, dc);
      const m = run.masks?.[t];
      dzs[t] = m ? tf.mul(step.dz, m) : step.dz;
      dh = m ? keepMasked(m, step.dh, dh) : step.dh;
      dc = dc && (m ? keepMasked(m, step.dc!, dc) : step.dc);
    }
    const dx = this.toInput(tf.stack(dzs, 1), this.cell.kernelT);
    return this.sequence.goBackwards ? tf.reverse(dx, 1) : dx;
  }

  /** [batch, T, k] · Wᵀ [k, inputDim] → [batch, T, inputDim]. */
  private toInput(s: tf.Tensor, transposedKernel: tf.Tensor2D): tf.Tensor {
    const [batch, steps, k] = s.shape as [number, number, number];
    const flat = tf.matMul(tf.reshape(s, [batch * steps, k]) as tf.Tensor2D, transposedKernel);
    return tf.reshape(flat, [batch, steps, this.cell.inputDim]);
  }

  override dispose(): void {
    this.cell.dispose();
  }
}

/** Keras' masking: m ⊙ computed + (1 − m) ⊙ carried over. */
function keepMasked(m: tf.Tensor, computed: tf.Tensor, carried: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(computed, m), tf.mul(carried, tf.sub(1, m)));
}

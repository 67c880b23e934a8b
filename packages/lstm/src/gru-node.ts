/**
 * GRU as tfjs/Keras compute it (reset before the recurrent product; gate order z, r, h):
 *   z = σ(x_t·W_z + h_{t−1}·U_z + b_z),  r = σ(x_t·W_r + h_{t−1}·U_r + b_r)
 *   ĥ = act(x_t·W_h + (r ⊙ h_{t−1})·U_h + b_h),  h_t = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ
 * LRP (Arras et al. 2019 conventions): h_t's relevance is split proportionally between
 * z ⊙ h_{t−1} and (1 − z) ⊙ ĥ (the gates get none); ĥ's pre-activation spreads its share to x_t and
 * to r ⊙ h_{t−1} by the epsilon rule, and r ⊙ h_{t−1} passes all of it to h_{t−1}.
 */
import * as tf from '@tensorflow/tfjs';
import { RecurrentCell, type Activation, type CellState, type CellWeights, type GradientStep, type LrpStep } from './cell.js';
import type { ResolvedRecurrentRule } from './recurrent-rule.js';
import { epsilonRatio, splitSum } from './relevance-ops.js';

interface GruTrace {
  readonly hPrev: tf.Tensor2D;
  readonly zz: tf.Tensor;
  readonly zr: tf.Tensor;
  readonly zh: tf.Tensor;
  readonly z: tf.Tensor;
  readonly r: tf.Tensor;
  readonly resetH: tf.Tensor;
  readonly candidate: tf.Tensor;
  readonly h: tf.Tensor;
}

export class GruCell extends RecurrentCell<GruTrace> {
  readonly gates = 3;
  readonly hasCarry = false;
  readonly signalKernelT: tf.Tensor2D;
  private readonly gateRecurrent: tf.Tensor2D;
  private readonly gateRecurrentT: tf.Tensor2D;
  private readonly candidateRecurrent: tf.Tensor2D;
  private readonly candidateRecurrentT: tf.Tensor2D;
  private readonly signalBias: tf.Tensor1D | null;

  constructor(weights: CellWeights, activation: Activation, recurrentActivation: Activation) {
    super(weights, activation, recurrentActivation);
    this.signalKernelT = this.own(() => tf.transpose(this.block(weights.kernel, 2)));
    this.gateRecurrent = this.own(() => this.block(weights.recurrentKernel, 0, 2));
    this.gateRecurrentT = this.own(() => tf.transpose(this.block(weights.recurrentKernel, 0, 2)));
    this.candidateRecurrent = this.own(() => this.block(weights.recurrentKernel, 2));
    this.candidateRecurrentT = this.own(() => tf.transpose(this.block(weights.recurrentKernel, 2)));
    this.signalBias = weights.bias ? this.own(() => this.block(weights.bias!, 2)) : null;
  }

  step(xw: tf.Tensor2D, { h }: CellState): { state: CellState; trace: GruTrace } {
    const [xz, xr, xh] = tf.split(xw, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const [uz, ur] = tf.split(tf.matMul(h, this.gateRecurrent), 2, -1) as [tf.Tensor, tf.Tensor];
    const zz = tf.add(xz, uz);
    const zr = tf.add(xr, ur);
    const z = this.recurrentActivation.forward(zz);
    const r = this.recurrentActivation.forward(zr);
    const resetH = tf.mul(r, h);
    const zh = tf.add(xh, tf.matMul(resetH as tf.Tensor2D, this.candidateRecurrent));
    const candidate = this.activation.forward(zh);
    const hNew = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate)) as tf.Tensor2D;
    return { state: { h: hNew, c: null }, trace: { hPrev: h, zz, zr, zh, z, r, resetH, candidate, h: hNew } };
  }

  lrpStep(t: GruTrace, rh: tf.Tensor, _rc: tf.Tensor | null, rule: ResolvedRecurrentRule): LrpStep {
    const [direct, rCandidate] = splitSum([tf.mul(t.z, t.hPrev), tf.mul(tf.sub(1, t.z), t.candidate)], t.h, rh, rule);
    const { s, share } = epsilonRatio(t.zh, rCandidate!, this.signalBias, this.fanIn, rule);
    // r ⊙ h_{t−1} is an input of the epsilon rule; the gate r passes all of it on to h_{t−1}.
    const fromReset = tf.mul(t.resetH, tf.matMul(s as tf.Tensor2D, this.candidateRecurrentT));
    const viaCandidate = share ? tf.add(fromReset, share) : fromReset;
    return { s, share, rh: tf.add(direct!, viaCandidate), rc: null };
  }

  gradientStep(t: GruTrace, dh: tf.Tensor, _dc: tf.Tensor | null): GradientStep {
    const rec = this.recurrentActivation.gradient;
    const dzh = this.activation.gradient(tf.mul(dh, tf.sub(1, t.z)), t.zh, t.candidate);
    const dResetH = tf.matMul(dzh as tf.Tensor2D, this.candidateRecurrentT);
    const dzz = rec(tf.mul(dh, tf.sub(t.hPrev, t.candidate)), t.zz, t.z);
    const dzr = rec(tf.mul(dResetH, t.hPrev), t.zr, t.r);
    const dGates = tf.concat([dzz, dzr], -1) as tf.Tensor2D;
    const dhPrev = tf.addN([tf.mul(dh, t.z), tf.mul(dResetH, t.r), tf.matMul(dGates, this.gateRecurrentT)]);
    return { dz: tf.concat([dzz, dzr, dzh], -1), dh: dhPrev, dc: null };
  }
}

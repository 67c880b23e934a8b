/**
 * GRU with the reset gate applied after the recurrent product (ONNX `linear_before_reset = 1`, what
 * PyTorch's nn.GRU and Keras' reset_after GRUs compute; gate order z, r, h):
 *   z = σ(x_t·W_z + h_{t−1}·U_z + b_z),  r = σ(x_t·W_r + h_{t−1}·U_r + b_r)
 *   ĥ = act(x_t·W_h + b_h + r ⊙ (h_{t−1}·U_h + b'_h)),  h_t = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ
 * LRP, as for the reset-before GRU (gates get no relevance): h_t's relevance is split proportionally
 * between z ⊙ h_{t−1} and (1 − z) ⊙ ĥ; ĥ's pre-activation is linear in x_t and h_{t−1} once the gate
 * r is fixed (weights W_h and r_j·U_h[k, j], bias b_h + r ⊙ b'_h), so one epsilon rule spreads its
 * share to both.
 */
import * as tf from '@tensorflow/tfjs';
import { RecurrentCell, type Activation, type CellState, type CellWeights, type GradientStep, type LrpStep } from './cell.js';
import type { ResolvedRecurrentRule } from './recurrent-rule.js';
import { epsilonRatio, splitSum } from './relevance-ops.js';

interface GruResetAfterTrace {
  readonly hPrev: tf.Tensor2D;
  readonly zz: tf.Tensor;
  readonly zr: tf.Tensor;
  readonly zh: tf.Tensor;
  readonly z: tf.Tensor;
  readonly r: tf.Tensor;
  /** h_{t−1}·U_h + b'_h, the recurrent part the gate r scales. */
  readonly q: tf.Tensor;
  readonly candidate: tf.Tensor;
  readonly h: tf.Tensor;
}

export class GruResetAfterCell extends RecurrentCell<GruResetAfterTrace> {
  readonly gates = 3;
  readonly hasCarry = false;
  readonly signalKernelT: tf.Tensor2D;
  private readonly recurrentT: tf.Tensor2D;
  private readonly candidateRecurrentT: tf.Tensor2D;
  private readonly signalBias: tf.Tensor1D | null;

  /**
   * `weights.bias` holds the input-side biases of the three gates (with the recurrent biases of z
   * and r added in, as they sit outside the gate); `recurrentBias` [units] is b'_h, inside it.
   */
  constructor(weights: CellWeights, readonly recurrentBias: tf.Tensor1D | null, activation: Activation, recurrentActivation: Activation) {
    super(weights, activation, recurrentActivation);
    this.signalKernelT = this.own(() => tf.transpose(this.block(weights.kernel, 2)));
    this.recurrentT = this.own(() => tf.transpose(weights.recurrentKernel));
    this.candidateRecurrentT = this.own(() => tf.transpose(this.block(weights.recurrentKernel, 2)));
    this.signalBias = weights.bias ? this.own(() => this.block(weights.bias!, 2)) : null;
  }

  step(xw: tf.Tensor2D, { h }: CellState): { state: CellState; trace: GruResetAfterTrace } {
    const [xz, xr, xh] = tf.split(xw, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const [uz, ur, uh] = tf.split(tf.matMul(h, this.weights.recurrentKernel), 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const q = this.recurrentBias ? tf.add(uh, this.recurrentBias) : uh;
    const zz = tf.add(xz, uz);
    const zr = tf.add(xr, ur);
    const z = this.recurrentActivation.forward(zz);
    const r = this.recurrentActivation.forward(zr);
    const zh = tf.add(xh, tf.mul(r, q));
    const candidate = this.activation.forward(zh);
    const hNew = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate)) as tf.Tensor2D;
    return { state: { h: hNew, c: null }, trace: { hPrev: h, zz, zr, zh, z, r, q, candidate, h: hNew } };
  }

  lrpStep(t: GruResetAfterTrace, rh: tf.Tensor, _rc: tf.Tensor | null, rule: ResolvedRecurrentRule): LrpStep {
    const [direct, rCandidate] = splitSum([tf.mul(t.z, t.hPrev), tf.mul(tf.sub(1, t.z), t.candidate)], t.h, rh, rule);
    // The bias of ĥ's pre-activation for this sample: b_h + r ⊙ b'_h.
    const bias = this.recurrentBias ? (this.signalBias ? tf.add(this.signalBias, tf.mul(t.r, this.recurrentBias)) : tf.mul(t.r, this.recurrentBias)) : this.signalBias;
    const { s, share } = epsilonRatio(t.zh, rCandidate!, bias, this.fanIn, rule);
    // h_{t−1,k} contributes h_{t−1,k}·r_j·U_h[k, j] to unit j.
    const fromH = tf.mul(t.hPrev, tf.matMul(tf.mul(s, t.r) as tf.Tensor2D, this.candidateRecurrentT));
    return { s, share, rh: tf.add(direct!, share ? tf.add(fromH, share) : fromH), rc: null };
  }

  gradientStep(t: GruResetAfterTrace, dh: tf.Tensor, _dc: tf.Tensor | null): GradientStep {
    const rec = this.recurrentActivation.gradient;
    const dzh = this.activation.gradient(tf.mul(dh, tf.sub(1, t.z)), t.zh, t.candidate);
    const dzz = rec(tf.mul(dh, tf.sub(t.hPrev, t.candidate)), t.zz, t.z);
    const dzr = rec(tf.mul(dzh, t.q), t.zr, t.r);
    const dRecurrent = tf.concat([dzz, dzr, tf.mul(dzh, t.r)], -1) as tf.Tensor2D;
    const dhPrev = tf.add(tf.mul(dh, t.z), tf.matMul(dRecurrent, this.recurrentT));
    return { dz: tf.concat([dzz, dzr, dzh], -1), dh: dhPrev, dc: null };
  }
}

/**
 * LSTM (Keras gate order i, f, c, o):
 *   z = x_t·W + h_{t−1}·U + b,  i = σ(z_i), f = σ(z_f), g = act(z_g), o = σ(z_o)
 *   c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ act(c_t)
 * LRP (Arras et al. 2017): h_t's relevance all goes to c_t (the gate o gets none); c_t's is split
 * proportionally between f ⊙ c_{t−1} and i ⊙ g; i ⊙ g's all goes to g; g's pre-activation spreads
 * it to x_t and h_{t−1} by the epsilon rule.
 */
import * as tf from '@tensorflow/tfjs';
import { RecurrentCell, type Activation, type CellState, type CellWeights, type GradientStep, type LrpStep } from './cell.js';
import type { ResolvedRecurrentRule } from './recurrent-rule.js';
import { epsilonRatio, splitSum } from './relevance-ops.js';

interface LstmTrace {
  readonly hPrev: tf.Tensor2D;
  readonly cPrev: tf.Tensor2D;
  readonly z: readonly [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  readonly i: tf.Tensor;
  readonly f: tf.Tensor;
  readonly g: tf.Tensor;
  readonly o: tf.Tensor;
  readonly c: tf.Tensor;
  readonly actC: tf.Tensor;
}

export class LstmCell extends RecurrentCell<LstmTrace> {
  readonly gates = 4;
  readonly hasCarry = true;
  readonly signalKernelT: tf.Tensor2D;
  private readonly recurrentT: tf.Tensor2D;
  private readonly signalRecurrentT: tf.Tensor2D;
  private readonly signalBias: tf.Tensor1D | null;

  constructor(weights: CellWeights, activation: Activation, recurrentActivation: Activation) {
    super(weights, activation, recurrentActivation);
    this.signalKernelT = this.own(() => tf.transpose(this.block(weights.kernel, 2)));
    this.recurrentT = this.own(() => tf.transpose(weights.recurrentKernel));
    this.signalRecurrentT = this.own(() => tf.transpose(this.block(weights.recurrentKernel, 2)));
    this.signalBias = weights.bias ? this.own(() => this.block(weights.bias!, 2)) : null;
  }

  step(xw: tf.Tensor2D, { h, c }: CellState): { state: CellState; trace: LstmTrace } {
    const zAll = tf.add(xw, tf.matMul(h, this.weights.recurrentKernel));
    const z = tf.split(zAll, 4, -1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const rec = this.recurrentActivation.forward;
    const [i, f, g, o] = [rec(z[0]), rec(z[1]), this.activation.forward(z[2]), rec(z[3])];
    const cNew = tf.add(tf.mul(f, c!), tf.mul(i, g)) as tf.Tensor2D;
    const actC = this.activation.forward(cNew);
    const hNew = tf.mul(o, actC) as tf.Tensor2D;
    return { state: { h: hNew, c: cNew }, trace: { hPrev: h, cPrev: c!, z, i, f, g, o, c: cNew, actC } };
  }

  lrpStep(t: LstmTrace, rh: tf.Tensor, rc: tf.Tensor | null, rule: ResolvedRecurrentRule): LrpStep {
    // h_t = o ⊙ act(c_t): all of h_t's relevance to c_t.
    const rcTotal = tf.add(rc!, rh);
    const [rcPrev, rg] = splitSum([tf.mul(t.f, t.cPrev), tf.mul(t.i, t.g)], t.c, rcTotal, rule);
    // i ⊙ g: all to g; g = act(z_g): relevance passes the activation; z_g by the epsilon rule.
    const { s, share } = epsilonRatio(t.z[2], rg!, this.signalBias, this.fanIn, rule);
    const fromH = tf.mul(t.hPrev, tf.matMul(s as tf.Tensor2D, this.signalRecurrentT));
    return { s, share, rh: share ? tf.add(fromH, share) : fromH, rc: rcPrev! };
  }

  gradientStep(t: LstmTrace, dh: tf.Tensor, dc: tf.Tensor | null): GradientStep {
    const rec = this.recurrentActivation.gradient;
    const dcTotal = tf.add(dc!, this.activation.gradient(tf.mul(dh, t.o), t.c, t.actC));
    const dzi = rec(tf.mul(dcTotal, t.g), t.z[0], t.i);
    const dzf = rec(tf.mul(dcTotal, t.cPrev), t.z[1], t.f);
    const dzg = this.activation.gradient(tf.mul(dcTotal, t.i), t.z[2], t.g);
    const dzo = rec(tf.mul(dh, t.actC), t.z[3], t.o);
    const dz = tf.concat([dzi, dzf, dzg, dzo], -1);
    return { dz, dh: tf.matMul(dz as tf.Tensor2D, this.recurrentT), dc: tf.mul(dcTotal, t.f) };
  }
}

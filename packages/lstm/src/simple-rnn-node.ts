/**
 * SimpleRNN: h_t = act(x_t·W + h_{t−1}·U + b).
 * LRP: h_t's relevance passes the activation and the epsilon rule spreads it to x_t and h_{t−1}.
 */
import * as tf from '@tensorflow/tfjs';
import { RecurrentCell, type Activation, type CellState, type CellWeights, type GradientStep, type LrpStep } from './cell.js';
import type { ResolvedRecurrentRule } from './recurrent-rule.js';
import { epsilonRatio } from './relevance-ops.js';

interface SimpleRnnTrace {
  readonly hPrev: tf.Tensor2D;
  readonly z: tf.Tensor;
  readonly h: tf.Tensor;
}

export class SimpleRnnCell extends RecurrentCell<SimpleRnnTrace> {
  readonly gates = 1;
  readonly hasCarry = false;
  readonly signalKernelT: tf.Tensor2D;
  private readonly recurrentT: tf.Tensor2D;

  constructor(weights: CellWeights, activation: Activation, recurrentActivation: Activation) {
    super(weights, activation, recurrentActivation);
    this.signalKernelT = this.kernelT;
    this.recurrentT = this.own(() => tf.transpose(weights.recurrentKernel));
  }

  step(xw: tf.Tensor2D, { h }: CellState): { state: CellState; trace: SimpleRnnTrace } {
    const z = tf.add(xw, tf.matMul(h, this.weights.recurrentKernel));
    const hNew = this.activation.forward(z) as tf.Tensor2D;
    return { state: { h: hNew, c: null }, trace: { hPrev: h, z, h: hNew } };
  }

  lrpStep(t: SimpleRnnTrace, rh: tf.Tensor, _rc: tf.Tensor | null, rule: ResolvedRecurrentRule): LrpStep {
    const { s, share } = epsilonRatio(t.z, rh, this.weights.bias, this.fanIn, rule);
    const fromH = tf.mul(t.hPrev, tf.matMul(s as tf.Tensor2D, this.recurrentT));
    return { s, share, rh: share ? tf.add(fromH, share) : fromH, rc: null };
  }

  gradientStep(t: SimpleRnnTrace, dh: tf.Tensor, _dc: tf.Tensor | null): GradientStep {
    const dz = this.activation.gradient(dh, t.z, t.h);
    return { dz, dh: tf.matMul(dz as tf.Tensor2D, this.recurrentT), dc: null };
  }
}

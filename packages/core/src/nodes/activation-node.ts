import * as tf from '@tensorflow/tfjs';
import { GraphNode } from '../graph/node.js';

/** An element-wise activation with its derivative. */
export interface ActivationFn {
  forward(z: tf.Tensor): tf.Tensor;
  /** Transposed Jacobian applied to g, given input z and output y. */
  gradient(g: tf.Tensor, z: tf.Tensor, y: tf.Tensor): tf.Tensor;
  /** Output is ≥ 0 for every input. */
  readonly nonNegative?: boolean;
}

/** Keras config parameters an activation may take. */
export interface ActivationParams {
  readonly alpha?: number;
  readonly maxValue?: number | null;
  readonly axis?: number;
}

const step = (cond: tf.Tensor, g: tf.Tensor) => tf.mul(g, tf.cast(cond, g.dtype));
const activations = new Map<string, (params: ActivationParams) => ActivationFn>();

/** Adds (or replaces) an element-wise activation by its Keras name; plugins may add their own. */
export function registerActivation(name: string, make: (params: ActivationParams) => ActivationFn): void {
  activations.set(name, make);
}

/** Element-wise activations by Keras name, with the parameters tfjs uses by default (null: unknown). */
export function activationFunction(name: string, params: ActivationParams = {}): ActivationFn | null {
  return activations.get(name)?.(params) ?? null;
}

export const supportedActivations = (): string[] => [...activations.keys()];

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const leakyRelu = (params: ActivationParams): ActivationFn => {
  const alpha = params.alpha ?? 0.2;
  return {
    forward: (z) => tf.leakyRelu(z, alpha),
    gradient: (g, z) => tf.mul(g, tf.where(tf.greater(z, 0), tf.onesLike(z), tf.fill(z.shape, alpha))),
  };
};

registerActivation('linear', () => ({ forward: (z) => tf.clone(z), gradient: (g) => tf.clone(g) }));
registerActivation('relu', ({ maxValue }) => {
  if (maxValue === undefined || maxValue === null) return { forward: (z) => tf.relu(z), gradient: (g, z) => step(tf.greater(z, 0), g), nonNegative: true };
  return { forward: (z) => tf.clipByValue(z, 0, maxValue), gradient: (g, z) => step(tf.logicalAnd(tf.greater(z, 0), tf.less(z, maxValue)), g), nonNegative: true };
});
registerActivation('relu6', () => ({ forward: (z) => tf.relu6(z), gradient: (g, z) => step(tf.logicalAnd(tf.greater(z, 0), tf.less(z, 6)), g), nonNegative: true }));
registerActivation('elu', (params) => {
  const alpha = params.alpha ?? 1;
  return {
    forward: (z) => (alpha === 1 ? tf.elu(z) : tf.where(tf.greater(z, 0), z, tf.mul(alpha, tf.sub(tf.exp(z), 1)))),
    gradient: (g, z) => tf.mul(g, tf.where(tf.greater(z, 0), tf.onesLike(z), tf.mul(alpha, tf.exp(z)))),
  };
});
registerActivation('selu', () => ({
  forward: (z) => tf.selu(z),
  gradient: (g, z) => tf.mul(g, tf.where(tf.greater(z, 0), tf.fill(z.shape, SELU_SCALE), tf.mul(SELU_SCALE * SELU_ALPHA, tf.exp(z)))),
}));
registerActivation('leakyRelu', leakyRelu);
registerActivation('leaky_relu', leakyRelu);
registerActivation('tanh', () => ({ forward: (z) => tf.tanh(z), gradient: (g, _z, y) => tf.mul(g, tf.sub(1, tf.square(y))) }));
registerActivation('sigmoid', () => ({ forward: (z) => tf.sigmoid(z), gradient: (g, _z, y) => tf.mul(g, tf.mul(y, tf.sub(1, y))), nonNegative: true }));
const hardSigmoid = (): ActivationFn => ({
  forward: (z) => tf.clipByValue(tf.add(tf.mul(z, 0.2), 0.5), 0, 1),
  gradient: (g, z) => tf.mul(step(tf.less(tf.abs(z), 2.5), g), 0.2),
  nonNegative: true,
});
registerActivation('hardSigmoid', hardSigmoid);
registerActivation('hard_sigmoid', hardSigmoid);
registerActivation('softplus', () => ({ forward: (z) => tf.softplus(z), gradient: (g, z) => tf.mul(g, tf.sigmoid(z)), nonNegative: true }));
registerActivation('softsign', () => ({ forward: (z) => tf.div(z, tf.add(1, tf.abs(z))), gradient: (g, z) => tf.div(g, tf.square(tf.add(1, tf.abs(z)))) }));
registerActivation('softmax', (params) => {
  const axis = params.axis ?? -1;
  return { forward: (z) => tf.softmax(z, axis), gradient: (g, _z, y) => tf.mul(y, tf.sub(g, tf.sum(tf.mul(g, y), axis, true))), nonNegative: true };
});

/**
 * An element-wise activation. Its LRP rule is `pass` (the rules of the surrounding linear layers
 * do the work); the gradient applies its derivative.
 */
export class ActivationNode extends GraphNode {
  readonly kind = 'activation';

  constructor(
    name: string,
    layerName: string,
    layerClass: string,
    inputs: readonly number[],
    output: number,
    readonly activation: string,
    private readonly fn: ActivationFn,
    /** A ReLU with a max value (clipped): guided backprop and deconvnet leave it as a gradient. */
    private readonly isClipped = false,
    /** The parameters `fn` was made with (other executors rebuild the function from them). */
    readonly params: ActivationParams = {},
  ) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward([z]: tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.fn.forward(z!));
  }

  override vjp([z]: tf.Tensor[], y: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return [tf.tidy(() => this.fn.gradient(r, z!, y))];
  }

  override get defaultRule(): string {
    return 'pass';
  }

  /** A ReLU without a max value: guided backprop and deconvnet change how it passes gradients. */
  get isPlainRelu(): boolean {
    return this.activation === 'relu' && !this.isClipped;
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return !!this.fn.nonNegative || (this.activation === 'linear' && inputs[0] === true);
  }
}

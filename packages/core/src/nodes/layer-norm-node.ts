import * as tf from '@tensorflow/tfjs';
import { GraphNode } from '../graph/node.js';

/**
 * Layer normalisation over the trailing `axes`: y = (x − mean) / σ · scale + bias, σ = √(var + ε).
 * Its gradient is the full Jacobian's (σ depends on x); transformer rules hold σ constant instead
 * (see the `layer_norm_constant_std` rule), which leaves one linear map of x.
 */
export class LayerNormNode extends GraphNode {
  readonly kind = 'layer-norm';

  constructor(
    name: string,
    layerName: string,
    layerClass: string,
    inputs: readonly number[],
    output: number,
    /** Normalised axes (non-negative, with batch axis), the trailing ones. */
    readonly axes: readonly number[],
    /** Broadcast against the normalised axes; owned by the model. */
    readonly scale: tf.Tensor,
    readonly bias: tf.Tensor | null,
    readonly epsilon: number,
  ) {
    super(name, layerName, layerClass, inputs, output);
  }

  /** σ = √(var + ε) over the normalised axes (kept dims). */
  std(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.sqrt(tf.add(tf.moments(x, [...this.axes], true).variance, this.epsilon)));
  }

  forward([x]: tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const centred = tf.sub(x!, tf.mean(x!, [...this.axes], true));
      const y = tf.mul(tf.div(centred, this.std(x!)), this.scale);
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }

  /**
   * Jᵀg: with ĝ = g·scale/σ and x̂ = (x − mean)/σ, the gradient is ĝ − mean(ĝ) − x̂·mean(ĝ·x̂).
   */
  override vjp([x]: tf.Tensor[], _y: tf.Tensor, g: tf.Tensor): tf.Tensor[] {
    return [
      tf.tidy(() => {
        const axes = [...this.axes];
        const std = this.std(x!);
        const xhat = tf.div(tf.sub(x!, tf.mean(x!, axes, true)), std);
        const gs = tf.div(tf.mul(g, this.scale), std);
        return tf.sub(tf.sub(gs, tf.mean(gs, axes, true)), tf.mul(xhat, tf.mean(tf.mul(gs, xhat), axes, true)));
      }),
    ];
  }
}

import * as tf from '@tensorflow/tfjs';
import { GraphNode } from '../graph/node.js';

/**
 * y = x·scale + shift per channel: a BatchNormalization the canonizer could not merge into a
 * preceding linear layer. Its LRP rule is `pass`; gradients are scaled.
 */
export class AffineNode extends GraphNode {
  readonly kind = 'affine';

  constructor(
    name: string,
    layerName: string,
    layerClass: string,
    inputs: readonly number[],
    output: number,
    readonly scale: tf.Tensor,
    readonly shift: tf.Tensor,
    /** The BatchNormalization's variance epsilon. */
    readonly epsilon: number,
  ) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward([x]: tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(tf.mul(x!, this.scale), this.shift));
  }

  override vjp(_x: tf.Tensor[], _y: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return [tf.mul(r, this.scale)];
  }

  override get defaultRule(): string {
    return 'pass';
  }

  override dispose(): void {
    this.scale.dispose();
    this.shift.dispose();
  }
}

import * as tf from '@tensorflow/tfjs';
import { GraphNode } from '../graph/node.js';
import { padOrCrop } from '../ops/ops.js';

/**
 * Nodes that only move values around (Flatten, Reshape, Permute, Dropout, padding, cropping):
 * relevance and gradient both go back through the inverse arrangement.
 */
abstract class RearrangeNode extends GraphNode {
  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs[0] === true;
  }
}

/** Flatten, Reshape, and identities (Dropout at inference, InputLayer aliases). */
export class ReshapeNode extends RearrangeNode {
  readonly kind = 'reshape';

  /** `targetShape` without batch axis; null keeps the shape (identity). */
  constructor(name: string, layerName: string, layerClass: string, inputs: readonly number[], output: number, readonly targetShape: number[] | null) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward([x]: tf.Tensor[]): tf.Tensor {
    return this.targetShape ? x!.reshape([x!.shape[0]!, ...this.targetShape]) : tf.clone(x!);
  }

  override vjp([x]: tf.Tensor[], _y: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return [r.reshape(x!.shape)];
  }
}

/** Keras Permute (dims are 1-based, batch axis excluded). */
export class PermuteNode extends RearrangeNode {
  readonly kind = 'permute';
  readonly perm: number[];
  private readonly inverse: number[];

  constructor(name: string, layerName: string, layerClass: string, inputs: readonly number[], output: number, dims: number[]) {
    super(name, layerName, layerClass, inputs, output);
    this.perm = [0, ...dims];
    this.inverse = this.perm.map((_, i) => this.perm.indexOf(i));
  }

  forward([x]: tf.Tensor[]): tf.Tensor {
    return tf.transpose(x!, this.perm);
  }

  override vjp(_x: tf.Tensor[], _y: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return [tf.transpose(r, this.inverse)];
  }
}

/** ZeroPadding (positive pads) and Cropping (negative pads) over spatial axes. */
export class PadCropNode extends RearrangeNode {
  readonly kind = 'pad-crop';

  constructor(name: string, layerName: string, layerClass: string, inputs: readonly number[], output: number, readonly pads: [number, number][]) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward([x]: tf.Tensor[]): tf.Tensor {
    return padOrCrop(x!, this.pads);
  }

  override vjp(_x: tf.Tensor[], _y: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return [padOrCrop(r, this.pads.map(([a, b]) => [-a, -b]))];
  }
}

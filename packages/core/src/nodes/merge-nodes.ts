import * as tf from '@tensorflow/tfjs';
import { GraphNode } from '../graph/node.js';

/** Element-wise sum of its inputs. LRP rule `norm`: each addend gets addend ⊙ R / stab(sum); gradients copy. */
export class AddNode extends GraphNode {
  readonly kind = 'add';

  forward(inputs: tf.Tensor[]): tf.Tensor {
    return tf.addN(inputs);
  }

  override vjp(inputs: tf.Tensor[], _y: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return inputs.map(() => tf.clone(r));
  }

  override get defaultRule(): string {
    return 'norm';
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs.every(Boolean);
  }
}

/** Concatenation along an axis: relevance (its gradient) is split back along it. */
export class ConcatenateNode extends GraphNode {
  readonly kind = 'concatenate';

  constructor(name: string, layerName: string, layerClass: string, inputs: readonly number[], output: number, readonly axis: number) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward(inputs: tf.Tensor[]): tf.Tensor {
    return tf.concat(inputs, this.axis);
  }

  override vjp(inputs: tf.Tensor[], _y: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    const axis = this.axis < 0 ? r.rank + this.axis : this.axis;
    return tf.split(r, inputs.map((x) => x.shape[axis]!), axis);
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs.every(Boolean);
  }
}

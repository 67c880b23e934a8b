import * as tf from '@tensorflow/tfjs';
import { GraphNode, type BackwardContext } from '../graph/node.js';
import { stabilizedRatio } from '../ops/ops.js';

/** Element-wise sum of its inputs: LRP gives each addend addend ⊙ R / stab(sum); gradients copy. */
export class AddNode extends GraphNode {
  readonly kind = 'add';

  forward(inputs: tf.Tensor[]): tf.Tensor {
    return tf.addN(inputs);
  }

  backward(inputs: tf.Tensor[], y: tf.Tensor, r: tf.Tensor, ctx: BackwardContext): tf.Tensor[] {
    if (ctx.mode === 'gradient') return inputs.map(() => tf.clone(r));
    return tf.tidy(() => {
      const s = stabilizedRatio(r, y, 1e-6);
      return inputs.map((x) => tf.mul(x, s));
    });
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs.every(Boolean);
  }
}

/** Concatenation along an axis: relevance is split back along it. */
export class ConcatenateNode extends GraphNode {
  readonly kind = 'concatenate';

  constructor(name: string, layerName: string, layerClass: string, inputs: readonly number[], output: number, readonly axis: number) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward(inputs: tf.Tensor[]): tf.Tensor {
    return tf.concat(inputs, this.axis);
  }

  backward(inputs: tf.Tensor[], _y: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    const axis = this.axis < 0 ? r.rank + this.axis : this.axis;
    return tf.split(r, inputs.map((x) => x.shape[axis]!), axis);
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs.every(Boolean);
  }
}

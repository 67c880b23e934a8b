/**
 * The outputs of an ONNX recurrent operator, assembled from one RecurrentNode per direction (each
 * with every step's h, in processing order): Y, all steps of all directions, and Y_h, the state
 * after the last step of each direction. Both are stored batch first ([N, T, dirs, H] and
 * [N, dirs, H]) whatever the operator's `layout`. Only rearrangements: relevance and gradient go
 * back the way the values came (LRP default `gradient`).
 */
import * as tf from '@tensorflow/tfjs';
import { GraphNode } from '@xai/core';

/** Y [N, T, dirs, H] in input order from the directions' [N, T, H] (a reverse direction's reversed back). */
export class SequenceOutputNode extends GraphNode {
  readonly kind = 'recurrent-sequence';

  constructor(name: string, layerName: string, layerClass: string, inputs: readonly number[], output: number, readonly reversed: readonly boolean[]) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward(inputs: tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.stack(inputs.map((h, d) => (this.reversed[d] ? tf.reverse(h, 1) : h)), 2));
  }

  override vjp(_inputs: tf.Tensor[], _output: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return tf.tidy(() => tf.unstack(r, 2).map((rd, d) => (this.reversed[d] ? tf.reverse(rd, 1) : rd)));
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs.every(Boolean);
  }
}

/** Y_h [N, dirs, H]: the last processed step of each direction's [N, T, H]. */
export class FinalStatesNode extends GraphNode {
  readonly kind = 'recurrent-final-state';

  forward(inputs: tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.stack(inputs.map((h) => lastStep(h)), 1));
  }

  override vjp(inputs: tf.Tensor[], _output: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return tf.tidy(() =>
      tf.unstack(r, 1).map((rd, d) => {
        const steps = inputs[d]!.shape[1]!;
        // r at the last step, zero before it.
        return tf.pad(tf.expandDims(rd, 1), [[0, 0], [steps - 1, 0], [0, 0]]);
      }),
    );
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs.every(Boolean);
  }
}

const lastStep = (h: tf.Tensor): tf.Tensor => {
  const steps = h.shape[1]!;
  return tf.squeeze(tf.slice(h, [0, steps - 1, 0], [-1, 1, -1]), [1]);
};

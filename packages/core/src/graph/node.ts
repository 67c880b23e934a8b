import * as tf from '@tensorflow/tfjs';
import type { LinearOp } from './linear-op.js';

/**
 * One simple operation of the explained graph. A Keras layer becomes one or more nodes
 * (a Dense layer with a fused activation is a linear node followed by an activation node).
 *
 * A node says what it computes (`forward`) and, optionally, its vector–Jacobian product (`vjp`);
 * how relevance crosses it is not its business but the rule's the composite picks for it
 * (`defaultRule` when the composite maps nothing to it).
 */
export abstract class GraphNode {
  /** What composites match on: 'linear', 'activation', 'pooling', 'add', 'reshape' … */
  abstract readonly kind: string;

  constructor(
    /** Unique node name: the layer name, or `layer/activation` for a split-off part. */
    readonly name: string,
    readonly layerName: string,
    readonly layerClass: string,
    readonly inputs: readonly number[],
    readonly output: number,
  ) {}

  abstract forward(inputs: tf.Tensor[]): tf.Tensor;

  /**
   * The transposed Jacobian applied to `cotangent` (the gradient of each input given that of the
   * output); `output` is what `forward` returned for `inputs`. One tensor per input, null where
   * nothing flows (integer inputs). Default: tfjs autodiff on this node's forward alone.
   */
  vjp(inputs: tf.Tensor[], _output: tf.Tensor, cotangent: tf.Tensor): (tf.Tensor | null)[] {
    return autodiffVjp((xs) => this.forward(xs), inputs, cotangent);
  }

  /** The registered rule used when a composite maps nothing to this node (null: the composite must). */
  get defaultRule(): string | null {
    return 'gradient';
  }

  /** The linear map of a node that linear rules (ε, z⁺, γ …) apply to, or null. */
  linearOp(): LinearOp | null {
    return null;
  }

  /** Whether the output is ≥ 0 whenever the inputs flagged here are. */
  nonNegativeOutput(_inputsNonNegative: readonly boolean[]): boolean {
    return false;
  }

  dispose(): void {}
}

/** Jᵀv of `forward` by tfjs autodiff; integer inputs (token ids) get null. */
export function autodiffVjp(forward: (inputs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], cotangent: tf.Tensor): (tf.Tensor | null)[] {
  const free = inputs.map((t, i) => (t.dtype === 'float32' ? i : -1)).filter((i) => i >= 0);
  if (free.length === 0) return inputs.map(() => null);
  const grads = tf.tidy(() =>
    tf.grads((...xs: tf.Tensor[]) => {
      const all = [...inputs];
      free.forEach((i, k) => (all[i] = xs[k]!));
      return forward(all);
    })(free.map((i) => inputs[i]!), cotangent),
  );
  return inputs.map((_, i) => (free.includes(i) ? grads[free.indexOf(i)]! : null));
}

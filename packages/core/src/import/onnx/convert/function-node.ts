import type * as tf from '@tensorflow/tfjs';
import { GraphNode } from '../../../graph/node.js';

export interface OnnxFunctionSpec {
  /** What composites match on: 'elementwise' (LRP default `pass`), 'reshape' (routing by gradient) … */
  readonly kind: string;
  readonly forward: (inputs: tf.Tensor[]) => tf.Tensor;
  /** Jᵀ·cotangent per input (null where nothing flows); default tfjs autodiff on `forward`. */
  readonly vjp?: (inputs: tf.Tensor[], output: tf.Tensor, cotangent: tf.Tensor) => (tf.Tensor | null)[];
  /** LRP default; else `pass` for 'elementwise', `gradient` (the vector–Jacobian product) otherwise. */
  readonly defaultRule?: string;
  /** Output ≥ 0 whatever the input, or (for 'preserves') whenever its inputs are. */
  readonly nonNegative?: boolean | 'preserves';
  /** Tensors this node owns (released with it). */
  readonly owned?: readonly tf.Tensor[];
  /** A constant padding of the spatial axes (channels-last [before, after] per axis), declared so other executors can run it. */
  readonly padding?: SpatialPadding;
  /** The ONNX node (op type: the layer class) in the engine's layout, declared so executors that emit ONNX can run it. */
  readonly onnx?: OnnxForm;
}

/** Constant operands and attributes of an ONNX node; its computed inputs fill the other positions in order. */
export interface OnnxForm {
  /** Per ONNX input position: a constant (owned by the node), or null for the next computed input. */
  readonly operands?: readonly (tf.Tensor | null)[];
  readonly attributes?: Readonly<Record<string, number>>;
}

export interface SpatialPadding {
  readonly pads: readonly (readonly [number, number])[];
  readonly value: number;
}

/**
 * An ONNX operator given only by its forward: its gradient is tfjs autodiff on this node alone
 * (the engine's fallback), its LRP default `pass` for element-wise operations, else `gradient`.
 */
export class OnnxFunctionNode extends GraphNode {
  readonly kind: string;

  constructor(name: string, opType: string, inputs: readonly number[], output: number, private readonly spec: OnnxFunctionSpec) {
    super(name, name, opType, inputs, output);
    this.kind = spec.kind;
  }

  forward(inputs: tf.Tensor[]): tf.Tensor {
    return this.spec.forward(inputs);
  }

  /** The constant padding this node is, if it is one. */
  get padding(): SpatialPadding | undefined {
    return this.spec.padding;
  }

  /** The ONNX node this is, if declared (see `OnnxForm`). */
  get onnxForm(): OnnxForm | undefined {
    return this.spec.onnx;
  }

  override vjp(inputs: tf.Tensor[], output: tf.Tensor, cotangent: tf.Tensor): (tf.Tensor | null)[] {
    return this.spec.vjp ? this.spec.vjp(inputs, output, cotangent) : super.vjp(inputs, output, cotangent);
  }

  override get defaultRule(): string {
    return this.spec.defaultRule ?? (this.spec.kind === 'elementwise' ? 'pass' : 'gradient');
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    if (this.spec.nonNegative === 'preserves') return inputs.every(Boolean);
    return this.spec.nonNegative === true;
  }

  override dispose(): void {
    for (const t of this.spec.owned ?? []) t.dispose();
  }
}

import type * as tf from '@tensorflow/tfjs';
import { GraphNode } from '../graph/node.js';
import { registerLayer, type ConversionContext } from '../graph/registry.js';

/** A node kind given by its forward (and optionally its vector–Jacobian product), see `registerNodeKind`. */
export interface NodeKindDefinition {
  /** The Keras layer class converted to this kind (one node per layer call). */
  readonly layerClass: string;
  /** The kind composites match on (default: the layer class). */
  readonly kind?: string;
  /** An element-wise operation: its LRP default is `pass` (else `gradient`, its vector–Jacobian product). */
  readonly elementwise?: boolean;
  /** A registered rule as the LRP default instead. */
  readonly defaultRule?: string;
  /** y = f(inputs); `config` is the layer's Keras config, `weights` its weights (owned by the model). */
  forward(inputs: tf.Tensor[], config: Record<string, any>, weights: tf.Tensor[]): tf.Tensor;
  /** Jᵀ·cotangent per input; default tfjs autodiff on `forward` alone. */
  vjp?(inputs: tf.Tensor[], output: tf.Tensor, cotangent: tf.Tensor, config: Record<string, any>, weights: tf.Tensor[]): (tf.Tensor | null)[];
  /** Output ≥ 0 whatever the input (lets rules skip x⁻ terms downstream). */
  readonly nonNegative?: boolean;
}

/** One call of a layer of a kind registered with `registerNodeKind`. */
export class FunctionNode extends GraphNode {
  readonly kind: string;

  constructor(ctx: ConversionContext, readonly definition: NodeKindDefinition, private readonly weights: tf.Tensor[]) {
    super(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output);
    this.kind = definition.kind ?? definition.layerClass;
    this.config = ctx.config;
  }

  readonly config: Record<string, any>;

  forward(inputs: tf.Tensor[]): tf.Tensor {
    return this.definition.forward(inputs, this.config, this.weights);
  }

  override vjp(inputs: tf.Tensor[], output: tf.Tensor, cotangent: tf.Tensor): (tf.Tensor | null)[] {
    return this.definition.vjp ? this.definition.vjp(inputs, output, cotangent, this.config, this.weights) : super.vjp(inputs, output, cotangent);
  }

  override get defaultRule(): string {
    return this.definition.defaultRule ?? (this.definition.elementwise ? 'pass' : 'gradient');
  }

  override nonNegativeOutput(): boolean {
    return this.definition.nonNegative === true;
  }
}

/**
 * A new node kind in one call: the converter for its Keras layer class, its forward, and its LRP
 * default. Without a `vjp` its gradient is tfjs autodiff on that node alone.
 */
export function registerNodeKind(definition: NodeKindDefinition): void {
  registerLayer(definition.layerClass, (ctx) => [new FunctionNode(ctx, definition, ctx.weights())]);
}

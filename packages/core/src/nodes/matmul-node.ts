import * as tf from '@tensorflow/tfjs';
import { GraphNode } from '../graph/node.js';

/**
 * The matrix product of two computed values (batched over leading axes): attention scores Q·Kᵀ
 * and the value aggregation A·V. `attention` names the operand that holds attention probabilities
 * (a softmax output), set by `recognizeAttention`; transformer rules hold it constant, which makes
 * the product a linear map of the other operand.
 */
export class MatMulNode extends GraphNode {
  readonly kind = 'matmul';

  constructor(
    name: string,
    layerName: string,
    layerClass: string,
    inputs: readonly number[],
    output: number,
    /** Index (0 or 1) of the operand holding attention probabilities, or null. */
    readonly attention: 0 | 1 | null = null,
  ) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward([a, b]: tf.Tensor[]): tf.Tensor {
    return tf.matMul(a!, b!);
  }

  /** d/dA = G·Bᵀ, d/dB = Aᵀ·G. */
  override vjp([a, b]: tf.Tensor[], _y: tf.Tensor, g: tf.Tensor): tf.Tensor[] {
    return [tf.matMul(g, b!, false, true), tf.matMul(a!, g, true, false)];
  }

  /** The same product with its attention operand named. */
  withAttention(operand: 0 | 1): MatMulNode {
    return new MatMulNode(this.name, this.layerName, this.layerClass, this.inputs, this.output, operand);
  }
}

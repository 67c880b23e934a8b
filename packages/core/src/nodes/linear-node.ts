import type * as tf from '@tensorflow/tfjs';
import type { LinearOp } from '../graph/linear-op.js';
import { GraphNode } from '../graph/node.js';

/** 'dense' or 'conv': what composites distinguish. */
export type LinearFamily = 'dense' | 'conv';

/** The linear part of a Dense/Conv layer (or a merged Conv+BatchNorm): relevance by the composite's rule. */
export class LinearNode extends GraphNode {
  readonly kind = 'linear';

  constructor(
    name: string,
    layerName: string,
    layerClass: string,
    inputs: readonly number[],
    output: number,
    readonly op: LinearOp,
    readonly family: LinearFamily,
  ) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward([x]: tf.Tensor[]): tf.Tensor {
    return this.op.forward(x!, this.op.kernel, this.op.bias);
  }

  override vjp([x]: tf.Tensor[], _z: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return [this.op.backward(r, this.op.kernel, x!.shape)];
  }

  /** Composites must give linear nodes a rule. */
  override get defaultRule(): null {
    return null;
  }

  override linearOp(): LinearOp {
    return this.op;
  }

  /** Same node with another op (canonizers). */
  withOp(op: LinearOp): LinearNode {
    return new LinearNode(this.name, this.layerName, this.layerClass, this.inputs, this.output, op, this.family);
  }

  override dispose(): void {
    this.op.dispose();
  }
}

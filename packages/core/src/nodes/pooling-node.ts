import * as tf from '@tensorflow/tfjs';
import { GraphNode } from '../graph/node.js';
import type { WindowGeometry } from '../ops/conv-geometry.js';
import { avgPoolTranspose, maxPoolRoute, pool } from '../ops/ops.js';

/** LRP defaults of pooling: max → the winner takes all (its gradient), average → `norm`. */
const poolingRule = (pooling: 'max' | 'avg') => (pooling === 'max' ? 'winner_takes_all' : 'norm');

/**
 * Max pooling: the gradient goes to each window's (first) arg-max. Average pooling: the gradient
 * spreads evenly; LRP (`norm`) redistributes proportionally, x ⊙ Jᵀ(R / stab(z)).
 */
export class PoolingNode extends GraphNode {
  readonly kind = 'pooling';

  constructor(
    name: string,
    layerName: string,
    layerClass: string,
    inputs: readonly number[],
    output: number,
    readonly pooling: 'max' | 'avg',
    readonly geometry: WindowGeometry,
  ) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward([x]: tf.Tensor[]): tf.Tensor {
    return pool(this.pooling, x!, this.geometry);
  }

  override vjp([x]: tf.Tensor[], y: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return [tf.tidy(() => (this.pooling === 'max' ? maxPoolRoute(r, x!, y, this.geometry) : avgPoolTranspose(r, x!, this.geometry)))];
  }

  override get defaultRule(): string {
    return poolingRule(this.pooling);
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs[0] === true;
  }
}

/** Global average/max pooling over all spatial axes (channels-last). */
export class GlobalPoolingNode extends GraphNode {
  readonly kind = 'global-pooling';

  constructor(
    name: string,
    layerName: string,
    layerClass: string,
    inputs: readonly number[],
    output: number,
    readonly pooling: 'max' | 'avg',
  ) {
    super(name, layerName, layerClass, inputs, output);
  }

  private spatialAxes(x: tf.Tensor): number[] {
    return Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
  }

  forward([x]: tf.Tensor[]): tf.Tensor {
    return this.pooling === 'max' ? tf.max(x!, this.spatialAxes(x!)) : tf.mean(x!, this.spatialAxes(x!));
  }

  override get defaultRule(): string {
    return poolingRule(this.pooling);
  }

  override vjp([x]: tf.Tensor[], _y: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return [
      tf.tidy(() => {
        const [batch, channels] = [x!.shape[0]!, x!.shape[x!.rank - 1]!];
        const positions = x!.size / (batch * channels);
        const broadcastShape = [batch, ...this.spatialAxes(x!).map(() => 1), channels];
        if (this.pooling === 'max') {
          // Route to the first arg-max per channel, as the max-pooling gradient does.
          const flat = x!.reshape([batch, positions, channels]);
          const winner = tf.oneHot(tf.argMax(flat, 1), positions); // [B, C, N]
          const routed = tf.mul(tf.transpose(winner, [0, 2, 1]), r.reshape([batch, 1, channels]));
          return routed.reshape(x!.shape);
        }
        return tf.mul(tf.onesLike(x!), tf.div(r, positions).reshape(broadcastShape));
      }),
    ];
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs[0] === true;
  }
}

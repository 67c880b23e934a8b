import * as tf from '@tensorflow/tfjs';
import { GraphNode, type BackwardContext } from '../graph/node.js';
import type { WindowGeometry } from '../ops/conv-geometry.js';
import { avgPoolTranspose, maxPoolRoute, pool, stabilizedRatio } from '../ops/ops.js';

/**
 * Max pooling: relevance (and gradient) goes to each window's arg-max.
 * Average pooling: LRP redistributes proportionally, x ⊙ Jᵀ(R / stab(z)); gradient spreads evenly.
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

  backward([x]: tf.Tensor[], y: tf.Tensor, r: tf.Tensor, ctx: BackwardContext): tf.Tensor[] {
    return [
      tf.tidy(() => {
        if (this.pooling === 'max') return maxPoolRoute(r, x!, y, this.geometry);
        if (ctx.mode === 'gradient') return avgPoolTranspose(r, x!, this.geometry);
        return tf.mul(x!, avgPoolTranspose(stabilizedRatio(r, y, 1e-6), x!, this.geometry));
      }),
    ];
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

  backward([x]: tf.Tensor[], y: tf.Tensor, r: tf.Tensor, ctx: BackwardContext): tf.Tensor[] {
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
        const share = ctx.mode === 'gradient' ? r : stabilizedRatio(r, y, 1e-6);
        const spread = tf.div(share, positions).reshape(broadcastShape);
        return ctx.mode === 'gradient' ? tf.mul(tf.onesLike(x!), spread) : tf.mul(x!, spread);
      }),
    ];
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs[0] === true;
  }
}

/** Seeds for `propagate`: functions of the activation the propagation starts from. */
import * as tf from '@tensorflow/tfjs';
import type { Seed } from './propagate.js';

/** One-hot(target) on [batch, classes] (one target, or one per sample), times the activation when `times` is 'activation'. */
export function oneHotSeed(targets: number | readonly number[], times: 'one' | 'activation' = 'one'): Seed {
  return (a) =>
    tf.tidy(() => {
      const [batch, classes] = [a.shape[0]!, a.size / a.shape[0]!];
      const list = typeof targets === 'number' ? Array<number>(batch).fill(targets) : [...targets];
      const onehot = tf.oneHot(tf.tensor1d(list, 'int32'), classes).toFloat().reshape(a.shape);
      return times === 'activation' ? tf.mul(onehot, a) : onehot;
    });
}

/** One-hot(target) × logit: where LRP starts by default. */
export const logitSeed = (targets: number | readonly number[]): Seed => oneHotSeed(targets, 'activation');

/** A mask broadcast against the activation (e.g. [h, w, 1] over [batch, h, w, c]), times the activation or not. */
export function maskSeed(mask: tf.Tensor, times: 'one' | 'activation' = 'activation'): Seed {
  return (a) => tf.tidy(() => {
    const m = tf.mul(tf.onesLike(a), mask);
    return times === 'activation' ? tf.mul(m, a) : m;
  });
}

/** One channel (last axis) of an inner layer: its activation there, zero elsewhere (or ones with `times: 'one'`). */
export function channelSeed(channel: number, times: 'one' | 'activation' = 'activation'): Seed {
  return (a) => tf.tidy(() => {
    const channels = a.shape[a.rank - 1]!;
    const onehot = tf.oneHot(tf.tensor1d([channel], 'int32'), channels).toFloat().reshape([...Array(a.rank - 1).fill(1), channels]);
    const m = tf.mul(tf.onesLike(a), onehot);
    return times === 'activation' ? tf.mul(m, a) : m;
  });
}

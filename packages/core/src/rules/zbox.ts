import * as tf from '@tensorflow/tfjs';
import { basicRule, identityParams, negativeParams, positiveParams } from './basic-rule.js';

export type Bound = number | tf.Tensor;

/** −bound broadcast to the input's shape (a bound tensor has the input's shape without batch axis). */
const negatedBound = (bound: Bound) => (x: tf.Tensor) => tf.mul(tf.onesLike(x), tf.neg(bound));

/**
 * LRP-z^B for inputs bounded by [low, high]: z = xW − low·W⁺ − high·W⁻ (bias terms cancel).
 * Bound tensors are owned by the caller and must outlive the rule.
 */
export function zbox(low: Bound, high: Bound) {
  return basicRule(
    'z_box',
    [
      {
        terms: [
          { input: 'x', params: identityParams },
          { input: negatedBound(low), params: positiveParams },
          { input: negatedBound(high), params: negativeParams },
        ],
        bias: null,
        epsilon: 1e-6,
      },
    ],
    { low: typeof low === 'number' ? low : 'tensor', high: typeof high === 'number' ? high : 'tensor' },
  );
}

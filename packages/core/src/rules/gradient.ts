import * as tf from '@tensorflow/tfjs';
import type { LinearRule } from './rule.js';

/** The gradient as a rule: Wᵀr, no division, input not multiplied in. */
export const gradientRule = (): LinearRule => ({
  name: 'gradient',
  propagate: (op, { x, r }) => tf.tidy(() => op.backward(r, op.kernel, x.shape)),
});

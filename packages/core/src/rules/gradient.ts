import * as tf from '@tensorflow/tfjs';
import { identityParams } from '../graph/linear-op.js';
import type { NodeRule } from './rule.js';

/**
 * The gradient as a rule, for every node kind: the node's vector–Jacobian product (Wᵀr for linear
 * nodes, run by the executor; routing for max pooling, concatenation and reshapes).
 */
export const gradientRule = (): NodeRule => ({
  name: 'gradient',
  backward(node, { inputs, output, r }, ctx) {
    const op = ctx.linearMap(node);
    if (op) return [tf.tidy(() => op.backward(r, identityParams, inputs[0]!.shape))];
    return node.vjp(inputs, output, r);
  },
});

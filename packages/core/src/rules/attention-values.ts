import * as tf from '@tensorflow/tfjs';
import { MatMulNode } from '../nodes/matmul-node.js';
import { stabilizedRatio } from '../ops/ops.js';
import type { NodeRule } from './rule.js';

/**
 * Conservative propagation through attention (Ali et al., ICML 2022): the attention probabilities
 * A are held constant, so A·V is a linear map of the values and follows the epsilon rule,
 * R_V = V ⊙ Aᵀ(R / stab(A·V)); nothing reaches A (and so nothing reaches the queries and keys).
 * Applies to products whose attention operand `recognizeAttention` named.
 */
export const attentionValues = (epsilon = 1e-6): NodeRule => ({
  name: 'attention_values',
  params: { epsilon },
  appliesTo: (node) => node instanceof MatMulNode && node.attention !== null,
  backward(node, { inputs, output, r }) {
    const held = (node as MatMulNode).attention!;
    const [a, b] = inputs as [tf.Tensor, tf.Tensor];
    const values = tf.tidy(() => {
      const s = stabilizedRatio(r, output, epsilon);
      // out = A·V → Aᵀs; out = V·A → s·Aᵀ.
      return held === 0 ? tf.mul(b, tf.matMul(a, s, true, false)) : tf.mul(a, tf.matMul(s, b, false, true));
    });
    return held === 0 ? [null, values] : [values, null];
  },
});

import * as tf from '@tensorflow/tfjs';
import { MatMulNode } from '../nodes/matmul-node.js';
import { stabilizedRatio } from '../ops/ops.js';
import type { NodeRule } from './rule.js';

/**
 * AttnLRP's uniform rule for a product of two computed values (Achtibat et al., ICML 2024): each
 * term a_ik·b_kj of the product gets its epsilon share of the output's relevance, split in half
 * between its two factors: R_A = ½ A ⊙ (s·Bᵀ), R_B = ½ B ⊙ (Aᵀ·s), s = R / stab(A·B).
 * Conservative: R_A and R_B sum to R up to the stabiliser.
 */
export const bilinearUniform = (epsilon = 1e-6): NodeRule => ({
  name: 'bilinear_uniform',
  params: { epsilon },
  appliesTo: (node) => node instanceof MatMulNode,
  backward(_node, { inputs, output, r }) {
    const [a, b] = inputs as [tf.Tensor, tf.Tensor];
    return tf.tidy(() => {
      const s = stabilizedRatio(r, output, epsilon);
      return [tf.mul(tf.mul(a, tf.matMul(s, b, false, true)), 0.5), tf.mul(tf.mul(b, tf.matMul(a, s, true, false)), 0.5)];
    });
  },
});

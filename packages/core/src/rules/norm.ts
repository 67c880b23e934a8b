import * as tf from '@tensorflow/tfjs';
import { stabilizedRatio } from '../ops/ops.js';
import type { NodeRule } from './rule.js';

/**
 * Proportional redistribution (zennit's `Norm`): each input gets x ⊙ Jᵀ(R / stab(y)). For a sum
 * that is addend ⊙ R / stab(sum); for average pooling x ⊙ (∂z/∂x)ᵀ(R / stab(z)).
 */
export const norm = (epsilon = 1e-6): NodeRule => ({
  name: 'norm',
  params: { epsilon },
  backward(node, { inputs, output, r }) {
    const s = stabilizedRatio(r, output, epsilon);
    try {
      const back = node.vjp(inputs, output, s);
      return back.map((g, i) => {
        if (!g) return null;
        const out = tf.mul(inputs[i]!, g);
        g.dispose();
        return out;
      });
    } finally {
      s.dispose();
    }
  },
});

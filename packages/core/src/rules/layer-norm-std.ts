import * as tf from '@tensorflow/tfjs';
import { LayerNormNode } from '../nodes/layer-norm-node.js';
import { stabilizedRatio } from '../ops/ops.js';
import type { NodeRule } from './rule.js';

/**
 * Layer normalisation with its standard deviation σ held constant (Ali et al., ICML 2022): what is
 * left, y = scale/σ ⊙ (x − mean(x)) + bias, is one linear map of x and follows the epsilon rule,
 * R_x = x ⊙ Wᵀ(R / stab(y)) with Wᵀs = g − mean(g), g = scale ⊙ s / σ (centring is symmetric).
 */
export const layerNormConstantStd = (epsilon = 1e-6): NodeRule => ({
  name: 'layer_norm_constant_std',
  params: { epsilon },
  appliesTo: (node) => node instanceof LayerNormNode,
  backward(node, { inputs, output, r }) {
    const ln = node as LayerNormNode;
    const x = inputs[0]!;
    return [
      tf.tidy(() => {
        const s = stabilizedRatio(r, output, epsilon);
        const g = tf.div(tf.mul(s, ln.scale), ln.std(x));
        return tf.mul(x, tf.sub(g, tf.mean(g, [...ln.axes], true)));
      }),
    ];
  },
});

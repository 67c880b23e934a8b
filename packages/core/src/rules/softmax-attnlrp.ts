import * as tf from '@tensorflow/tfjs';
import type { GraphNode } from '../graph/node.js';
import { ActivationNode } from '../nodes/activation-node.js';
import type { NodeRule } from './rule.js';

const isLastAxisSoftmax = (node: GraphNode) => node instanceof ActivationNode && node.activation === 'softmax';

/**
 * AttnLRP's softmax rule (Achtibat et al., ICML 2024, Prop. 3.1; a Taylor decomposition at the
 * input with the bias share left out): R_x = x ⊙ (R − y · Σ R) along the softmax axis (the last).
 */
export const softmaxAttnLrp = (): NodeRule => ({
  name: 'softmax_attnlrp',
  appliesTo: isLastAxisSoftmax,
  backward(_node, { inputs, output, r }) {
    return [tf.tidy(() => tf.mul(inputs[0]!, tf.sub(r, tf.mul(output, tf.sum(r, -1, true)))))];
  },
});

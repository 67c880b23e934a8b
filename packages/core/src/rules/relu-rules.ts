import * as tf from '@tensorflow/tfjs';
import type { GraphNode } from '../graph/node.js';
import type { NodeRule } from './rule.js';

/** A plain (unclipped) ReLU: what guided backprop and deconvnet treat specially. */
export const isPlainRelu = (node: GraphNode): boolean => (node as { isPlainRelu?: boolean }).isPlainRelu === true;

/** Guided backprop (Springenberg et al. 2015): positive gradients pass where the ReLU's input was positive. */
export const guidedRelu = (): NodeRule => ({
  name: 'guided_relu',
  appliesTo: isPlainRelu,
  backward(node, { inputs, output, r }) {
    const positive = tf.relu(r);
    try {
      return node.vjp(inputs, output, positive);
    } finally {
      positive.dispose();
    }
  },
});

/** Deconvnet (Zeiler & Fergus 2014): positive gradients pass whatever the ReLU's input. */
export const deconvnetRelu = (): NodeRule => ({
  name: 'deconvnet_relu',
  appliesTo: isPlainRelu,
  backward: (_node, { r }) => [tf.relu(r)],
});

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import type { NodeRule } from './rule.js';

/** Relevance passes through unchanged (zennit's `Pass`): element-wise activations under LRP. */
export const pass = (): NodeRule => ({
  name: 'pass',
  appliesTo: (node) => node.inputs.length === 1 && node.linearOp() === null,
  backward(node, { inputs, r }) {
    if (r.shape.join() !== inputs[0]!.shape.join()) {
      throw new InvalidArgumentError(`rule 'pass' needs an element-wise node; '${node.name}' maps [${inputs[0]!.shape}] to [${r.shape}]`);
    }
    return [tf.clone(r)];
  },
});

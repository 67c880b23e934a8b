import type { NodeRule } from './rule.js';

/**
 * Winner takes all for max pooling: each window's relevance goes to its (first) arg-max, which is
 * max pooling's own gradient (zennit maps max pooling to the gradient for the same reason).
 */
export const winnerTakesAll = (): NodeRule => ({
  name: 'winner_takes_all',
  appliesTo: (node) => (node as { pooling?: string }).pooling === 'max',
  backward: (node, { inputs, output, r }) => node.vjp(inputs, output, r),
});

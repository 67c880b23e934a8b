import type { Composite } from '../composites/composite.js';
import type { GraphNode } from '../graph/node.js';
import { gradientRule } from '../rules/gradient.js';
import { norm } from '../rules/norm.js';
import { zplus } from '../rules/zplus.js';

const averagePool = (node: GraphNode) => (node as { pooling?: string }).pooling === 'avg';

/**
 * Excitation backprop exactly as the fixtures define it (zennit's composite): z⁺ on every linear
 * node, `norm` on sums and average pools, every other node (activations, max pooling included)
 * its plain gradient. The library's `excitation_backprop` passes relevance through activations
 * instead; the two agree on ReLU networks.
 */
export const excitationBackpropReference = (): Composite => ({
  name: 'excitation_backprop_reference',
  entries: [
    [{ kind: 'linear' }, zplus()],
    [{ kind: 'add' }, norm()],
    [{ kind: ['pooling', 'global-pooling'], where: averagePool }, norm()],
    [{}, gradientRule()],
  ],
});

/**
 * The preset composites, as full maps in zennit's sense: rules for the linear layers, then the LRP
 * layer map for every other node kind (activations pass, sums and average pools `norm`, max pools
 * winner-takes-all, concatenation and reshapes route by their gradient).
 */
import type { GraphNode } from '../graph/node.js';
import { alphaBeta, epsilon, flat, gamma, zbox, zplus, type Bound } from '../rules/index.js';
import { gradientRule } from '../rules/gradient.js';
import { norm } from '../rules/norm.js';
import { pass } from '../rules/pass.js';
import { deconvnetRelu, guidedRelu, isPlainRelu } from '../rules/relu-rules.js';
import { winnerTakesAll } from '../rules/winner-takes-all.js';
import type { Composite } from './composite.js';

const pooling = (kind: 'max' | 'avg') => (node: GraphNode) => (node as { pooling?: string }).pooling === kind;

/** zennit's `layer_map_base` for the node kinds of core. */
export const lrpLayerMap = (): Composite['entries'] => [
  [{ kind: ['activation', 'affine'] }, pass()],
  [{ kind: 'add' }, norm()],
  [{ kind: ['pooling', 'global-pooling'], where: pooling('avg') }, norm()],
  [{ kind: ['pooling', 'global-pooling'], where: pooling('max') }, winnerTakesAll()],
  [{ kind: ['concatenate', 'reshape', 'permute', 'pad-crop'] }, gradientRule()],
];

const lrpComposite = (name: string, linear: Composite['entries']): Composite => ({ name, entries: [...linear, ...lrpLayerMap()] });

export const epsilonPlus = (): Composite => lrpComposite('epsilon_plus', [[{ family: 'conv' }, zplus()], [{ family: 'dense' }, epsilon(1e-6)]]);

export const epsilonPlusFlat = (): Composite =>
  lrpComposite('epsilon_plus_flat', [[{ first: true }, flat()], [{ family: 'conv' }, zplus()], [{ family: 'dense' }, epsilon(1e-6)]]);

export const epsilonAlpha2Beta1 = (): Composite =>
  lrpComposite('epsilon_alpha2_beta1', [[{ family: 'conv' }, alphaBeta(2, 1)], [{ family: 'dense' }, epsilon(1e-6)]]);

/** z^B on a first Conv layer (inputs in [low, high]), γ = 0.25 on other convolutions, ε on Dense. */
export const epsilonGammaBox = (low: Bound, high: Bound): Composite =>
  lrpComposite('epsilon_gamma_box', [[{ first: true, family: 'conv' }, zbox(low, high)], [{ family: 'conv' }, gamma(0.25)], [{ family: 'dense' }, epsilon(1e-6)]]);

/** Deep Taylor decomposition (Montavon et al. 2017): z^B at the first layer (inputs in [low, high]), z⁺ everywhere else. */
export const deepTaylor = (low: Bound, high: Bound): Composite => lrpComposite('deep_taylor', [[{ first: true }, zbox(low, high)], [{}, zplus()]]);

/** Excitation backprop (Zhang et al. 2016) as zennit's composite: z⁺ on every linear layer, sums and average pools `norm`. */
export const excitationBackprop = (): Composite => lrpComposite('excitation_backprop', [[{}, zplus()]]);

/** The gradient: every node's vector–Jacobian product, from one-hot(target). */
export const gradientComposite = (): Composite => ({ name: 'gradient', seed: 'onehot', entries: [[{}, gradientRule()]] });

/** Guided backprop (Springenberg et al. 2015): the gradient, plain ReLUs passing positive gradients where their input was positive. */
export const guidedBackpropComposite = (): Composite => ({
  name: 'guided_backprop',
  seed: 'onehot',
  entries: [[{ kind: 'activation', where: isPlainRelu }, guidedRelu()], [{}, gradientRule()]],
});

/** Deconvnet (Zeiler & Fergus 2014): the gradient, plain ReLUs passing positive gradients whatever their input. */
export const deconvnetComposite = (): Composite => ({
  name: 'deconvnet',
  seed: 'onehot',
  entries: [[{ kind: 'activation', where: isPlainRelu }, deconvnetRelu()], [{}, gradientRule()]],
});

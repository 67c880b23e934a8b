import type { ModelGraph } from './graph/graph.js';
import { InvalidArgumentError } from './errors.js';
import { LinearNode, type LinearFamily } from './nodes/linear-node.js';
import { alphaBeta, epsilon, flat, gamma, zbox, zplus, type Bound, type LinearRule } from './rules/index.js';

/** Selects linear nodes. All given fields must match. */
export interface LayerMatcher {
  /** Keras layer class(es), e.g. 'Conv2D'. */
  readonly layerClass?: string | readonly string[];
  /** Layer name, exactly or by pattern. */
  readonly layerName?: string | RegExp;
  /** 'dense' (Dense) or 'conv' (Conv1D/2D/3D, DepthwiseConv2D, SeparableConv2D). */
  readonly family?: LinearFamily;
  /** The first linear node in topological order (the input layer). */
  readonly first?: boolean;
}

/** An ordered list of (matcher, rule) pairs: the first match wins. */
export interface Composite {
  readonly name: string;
  readonly entries: readonly (readonly [LayerMatcher, LinearRule])[];
}

function matches(m: LayerMatcher, node: LinearNode, first: LinearNode | undefined): boolean {
  if (m.first !== undefined && (node === first) !== m.first) return false;
  if (m.family && node.family !== m.family) return false;
  if (m.layerClass && ![m.layerClass].flat().includes(node.layerClass)) return false;
  if (m.layerName !== undefined) {
    if (typeof m.layerName === 'string' ? m.layerName !== node.layerName : !m.layerName.test(node.layerName)) return false;
  }
  return true;
}

/** Which rule each linear node gets; names the layer when the composite leaves one without. */
export function resolveRules(graph: ModelGraph, composite: Composite): Map<LinearNode, LinearRule> {
  const linear = graph.nodes.filter((n): n is LinearNode => n instanceof LinearNode);
  const first = linear[0];
  const rules = new Map<LinearNode, LinearRule>();
  for (const node of linear) {
    const entry = composite.entries.find(([m]) => matches(m, node, first));
    if (!entry) {
      throw new InvalidArgumentError(`composite '${composite.name}' assigns no rule to layer '${node.layerName}' (${node.layerClass})`);
    }
    rules.set(node, entry[1]);
  }
  return rules;
}

/** "One rule everywhere". */
export const uniformComposite = (rule: LinearRule): Composite => ({ name: rule.name, entries: [[{}, rule]] });

export const epsilonPlus = (): Composite => ({
  name: 'epsilon_plus',
  entries: [[{ family: 'conv' }, zplus()], [{ family: 'dense' }, epsilon(1e-6)]],
});

export const epsilonPlusFlat = (): Composite => ({
  name: 'epsilon_plus_flat',
  entries: [[{ first: true }, flat()], [{ family: 'conv' }, zplus()], [{ family: 'dense' }, epsilon(1e-6)]],
});

export const epsilonAlpha2Beta1 = (): Composite => ({
  name: 'epsilon_alpha2_beta1',
  entries: [[{ family: 'conv' }, alphaBeta(2, 1)], [{ family: 'dense' }, epsilon(1e-6)]],
});

/** z^B on a first Conv layer (inputs in [low, high]), γ = 0.25 on other convolutions, ε on Dense. */
export const epsilonGammaBox = (low: Bound, high: Bound): Composite => ({
  name: 'epsilon_gamma_box',
  entries: [[{ first: true, family: 'conv' }, zbox(low, high)], [{ family: 'conv' }, gamma(0.25)], [{ family: 'dense' }, epsilon(1e-6)]],
});

/** Deep Taylor decomposition (Montavon et al. 2017): z^B at the first layer (inputs in [low, high]), z⁺ everywhere else. */
export const deepTaylor = (low: Bound, high: Bound): Composite => ({
  name: 'deep_taylor',
  entries: [[{ first: true }, zbox(low, high)], [{}, zplus()]],
});

/** Excitation backprop (Zhang et al. 2016) as zennit's composite: z⁺ on every linear layer (sums and average pools split proportionally). */
export const excitationBackprop = (): Composite => ({ name: 'excitation_backprop', entries: [[{}, zplus()]] });

export const COMPOSITE_NAMES = ['epsilon_plus', 'epsilon_plus_flat', 'epsilon_alpha2_beta1', 'epsilon_gamma_box', 'deep_taylor', 'excitation_backprop'] as const;
export type CompositeName = (typeof COMPOSITE_NAMES)[number];

/** A preset by name; `epsilon_gamma_box` takes the input bounds (default the [0, 1] image range). */
export function compositeByName(name: string, options: { low?: Bound; high?: Bound } = {}): Composite {
  switch (name) {
    case 'epsilon_plus':
      return epsilonPlus();
    case 'epsilon_plus_flat':
      return epsilonPlusFlat();
    case 'epsilon_alpha2_beta1':
      return epsilonAlpha2Beta1();
    case 'epsilon_gamma_box':
      return epsilonGammaBox(options.low ?? 0, options.high ?? 1);
    case 'deep_taylor':
      return deepTaylor(options.low ?? 0, options.high ?? 1);
    case 'excitation_backprop':
      return excitationBackprop();
    default:
      throw new InvalidArgumentError(`unknown composite '${name}'; choose one of ${COMPOSITE_NAMES.join(', ')}`);
  }
}

/** A single rule by name and parameters (`epsilon`, `gamma`, `zplus`, `alpha_beta`, `flat`, `wsquare`, `z_box`). */
export { ruleByName } from './rules/by-name.js';

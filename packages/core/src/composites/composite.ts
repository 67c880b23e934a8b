import type { ModelGraph } from '../graph/graph.js';
import type { GraphNode } from '../graph/node.js';
import { InvalidArgumentError } from '../errors.js';
import { LinearNode, type LinearFamily } from '../nodes/linear-node.js';
import { ruleByName } from '../rules/registry.js';
import { ruleApplies, type Rule } from '../rules/rule.js';

/** Selects nodes. All given fields must match. */
export interface LayerMatcher {
  /** Node kind(s): 'linear', 'activation', 'pooling', 'global-pooling', 'add', 'concatenate', 'reshape' … */
  readonly kind?: string | readonly string[];
  /** Keras layer class(es), e.g. 'Conv2D'. */
  readonly layerClass?: string | readonly string[];
  /** Layer name, exactly or by pattern. */
  readonly layerName?: string | RegExp;
  /** 'dense' (Dense) or 'conv' (Conv1D/2D/3D, DepthwiseConv2D, SeparableConv2D); linear nodes only. */
  readonly family?: LinearFamily;
  /** The first linear node in topological order (the input layer). */
  readonly first?: boolean;
  /** Any other test on the node. */
  readonly where?: (node: GraphNode) => boolean;
}

/**
 * An ordered list of (matcher, rule) pairs: the first entry that matches a node and whose rule can
 * handle it wins (so `[{}, zplus()]` means every linear node). Nodes no entry takes get their
 * kind's default rule (`pass` for activations, `norm` for sums …); linear nodes have none.
 */
export interface Composite {
  readonly name: string;
  readonly entries: readonly (readonly [LayerMatcher, Rule])[];
  /** Where propagation starts by default: one-hot × logit (LRP, default) or one-hot (gradients). */
  readonly seed?: 'logit' | 'onehot';
}

const oneOf = (want: string | readonly string[], have: string) => (typeof want === 'string' ? want === have : want.includes(have));

function matches(m: LayerMatcher, node: GraphNode, first: GraphNode | undefined): boolean {
  if (m.first !== undefined && (node === first) !== m.first) return false;
  if (m.family && !(node instanceof LinearNode && node.family === m.family)) return false;
  if (m.kind && !oneOf(m.kind, node.kind)) return false;
  if (m.layerClass && !oneOf(m.layerClass, node.layerClass)) return false;
  if (m.layerName !== undefined) {
    if (typeof m.layerName === 'string' ? m.layerName !== node.layerName : !m.layerName.test(node.layerName)) return false;
  }
  return !m.where || m.where(node);
}

/** The rule a composite gives one node, or null when it leaves it to the node kind's default. */
function entryFor(composite: Composite, node: GraphNode, first: GraphNode | undefined): Rule | null {
  const entry = composite.entries.find(([m, rule]) => matches(m, node, first) && ruleApplies(rule, node));
  return entry ? entry[1] : null;
}

/** The rule of every node under a composite; names the layer the composite leaves without one. */
export function ruleMap(graph: ModelGraph, composite: Composite): Map<GraphNode, Rule> {
  const first = graph.nodes.find((n) => n.linearOp() !== null);
  const defaults = new Map<string, Rule>();
  const rules = new Map<GraphNode, Rule>();
  for (const node of graph.nodes) {
    let rule = entryFor(composite, node, first);
    if (!rule) {
      const name = node.defaultRule;
      if (name === null) {
        throw new InvalidArgumentError(`composite '${composite.name}' assigns no rule to layer '${node.layerName}' (${node.layerClass})`);
      }
      rule = defaults.get(name) ?? ruleByName(name);
      defaults.set(name, rule);
    }
    rules.set(node, rule);
  }
  return rules;
}

/** Which rule each linear node gets (the layer tables of the CLI and server). */
export function resolveRules(graph: ModelGraph, composite: Composite): Map<LinearNode, Rule> {
  const all = ruleMap(graph, composite);
  return new Map([...all].filter((e): e is [LinearNode, Rule] => e[0] instanceof LinearNode));
}

/** "One rule everywhere it applies" (other nodes keep their defaults). */
export const uniformComposite = (rule: Rule): Composite => ({ name: rule.name, entries: [[{}, rule]] });

/** The composite with more entries in front (they win over its own). */
export const withEntries = (base: Composite, entries: Composite['entries'], name = base.name): Composite => ({ ...base, name, entries: [...entries, ...base.entries] });

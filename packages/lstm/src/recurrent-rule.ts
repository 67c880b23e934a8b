/**
 * The LRP rule of the recurrent layers (Arras et al. 2017, 2019) as a rule object: its options
 * travel with the composite of one explanation (no process-wide state), so two explanations with
 * different recurrent rules can run at the same time.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, uniformComposite, withEntries, type Composite, type NodeRule, type Rule } from '@xai/core';
import { MergeDirectionsNode } from './bidirectional.js';
import { RecurrentNode } from './recurrent-node.js';
import { splitSum } from './relevance-ops.js';

/** What the relevance of a recurrent layer's initial state was in one explanation (biasFactor 1 checks). */
export interface InitialStateReport {
  /** The node: the layer name, or `layer/forward` and `layer/backward` inside a Bidirectional. */
  readonly node: string;
  /** Per sample: Σ R(h₀) + Σ R(c₀) (the initial state is zero, so only bias/stabiliser shares reach it). */
  readonly relevance: number[];
}

/** Options of the recurrent rule; see the package README. */
export interface RecurrentRuleOptions {
  /** Stabiliser ε of every division in the recurrent layers (default 0.001). */
  readonly epsilon?: number;
  /**
   * 0 (default): the bias and stabiliser shares of each division are absorbed (not redistributed).
   * 1: they are spread equally over the inputs of each neuron, so relevance is conserved (sanity checks).
   */
  readonly biasFactor?: 0 | 1;
  /** Per layer name: options that replace the ones above for that layer. */
  readonly layers?: Readonly<Record<string, { readonly epsilon?: number; readonly biasFactor?: 0 | 1 }>>;
  /** Called after each recurrent node's LRP backward pass with the relevance left on its initial state. */
  readonly onInitialState?: (report: InitialStateReport) => void;
}

/** The settings one recurrent layer uses. */
export interface ResolvedRecurrentRule {
  readonly epsilon: number;
  readonly biasFactor: 0 | 1;
  readonly onInitialState?: (report: InitialStateReport) => void;
}

export const DEFAULT_EPSILON = 1e-3;

function check(options: RecurrentRuleOptions, where = 'recurrent rule'): void {
  const { epsilon, biasFactor } = options;
  if (epsilon !== undefined && !(Number.isFinite(epsilon) && epsilon >= 0)) {
    throw new InvalidArgumentError(`${where}: epsilon must be a finite number ≥ 0, got ${epsilon}`);
  }
  if (biasFactor !== undefined && biasFactor !== 0 && biasFactor !== 1) {
    throw new InvalidArgumentError(`${where}: biasFactor must be 0 or 1, got ${biasFactor}`);
  }
  for (const [name, o] of Object.entries(options.layers ?? {})) check(o, `recurrent rule for layer '${name}'`);
}

/** The settings of one layer (per-layer options first, then the rule's own, then the defaults). */
export function resolveRecurrentRule(options: RecurrentRuleOptions, layerName: string): ResolvedRecurrentRule {
  const own = options.layers?.[layerName] ?? {};
  return {
    epsilon: own.epsilon ?? options.epsilon ?? DEFAULT_EPSILON,
    biasFactor: own.biasFactor ?? options.biasFactor ?? 0,
    onInitialState: options.onInitialState,
  };
}

const ruleOptions = new WeakMap<Rule, RecurrentRuleOptions>();

/** The options a rule made by `recurrentRule` was made with (other executors compile from them). */
export const recurrentRuleOptions = (rule: Rule): RecurrentRuleOptions | undefined => ruleOptions.get(rule);

/** The recurrent rule with these options: for recurrent layers and the sum/average merge of Bidirectional. */
export function recurrentRule(options: RecurrentRuleOptions = {}): NodeRule {
  check(options);
  const saved = { ...options };
  const rule: NodeRule = {
    name: 'recurrent',
    // Per-layer options are part of the parameters: compiled explanations are cached by them.
    params: { epsilon: saved.epsilon ?? DEFAULT_EPSILON, biasFactor: saved.biasFactor ?? 0, ...(saved.layers && Object.keys(saved.layers).length > 0 ? { layers: saved.layers } : {}) },
    appliesTo: (node) => node instanceof RecurrentNode || (node instanceof MergeDirectionsNode && node.mode !== 'concat'),
    backward(node, { inputs, output, r }) {
      const rule = resolveRecurrentRule(saved, node.layerName);
      if (node instanceof RecurrentNode) return node.relevance(inputs, r, rule);
      const [a, b] = inputs as [tf.Tensor, tf.Tensor];
      return tf.tidy(() => {
        const terms = (node as MergeDirectionsNode).mode === 'ave' ? [tf.mul(a, 0.5), tf.mul(b, 0.5)] : [a, b];
        return splitSum(terms, output, r, rule);
      });
    },
  };
  ruleOptions.set(rule, saved);
  return rule;
}

/** `base` (a composite, or one rule everywhere it applies) with the recurrent rule of these options in front. */
export function recurrentComposite(base: Composite | Rule, options: RecurrentRuleOptions = {}): Composite {
  const composite = 'entries' in base ? base : uniformComposite(base);
  return withEntries(composite, [[{ kind: ['recurrent', 'merge-directions'] }, recurrentRule(options)]]);
}

/** Token ids get the relevance of their embedding vectors, summed (the lookup is linear in a one-hot input). */
export const embeddingSum = (): NodeRule => ({
  name: 'embedding_sum',
  appliesTo: (node) => node.kind === 'embedding',
  backward: (_node, { r }) => [tf.sum(r, -1)],
});

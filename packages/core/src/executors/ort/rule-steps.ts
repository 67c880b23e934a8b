/**
 * The rules' arithmetic as ONNX nodes. Linear rules built by `basicRule` compile from their term
 * groups (the same "modify input and parameters, forward, divide, backward, multiply" as
 * rules/basic-rule.ts); node rules by name. Anything else is not compiled (tfjs runs it).
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../random/mulberry32.js';
import type { GraphNode } from '../../graph/node.js';
import { identityParams } from '../../graph/linear-op.js';
import type { BasicRule, InputModifier, TermGroup } from '../../rules/basic-rule.js';
import { isLinearRule, type Rule } from '../../rules/rule.js';
import { ortLinearMap, type OrtLinearMap, type ParamInitializers } from './linear-maps.js';
import { emitVjp, type ForwardResult } from './node-steps.js';
import { ortNodeSteps } from './node-extensions.js';
import { notCompilable } from './not-compilable.js';
import { transformerRule } from './transformer-steps.js';
import { dimsIn, type Layout, type Value, type Values } from './values.js';

export interface RuleStep {
  readonly node: GraphNode;
  readonly rule: Rule;
  readonly inputs: Value[];
  readonly forward: ForwardResult;
  readonly r: Value;
  readonly nonNegativeInput: boolean;
  /** The node's output is read only by ReLUs (its negative-output groups are then usually empty). */
  readonly rectifiedOutput?: boolean;
  /** No relevance reaches the node's outputs ≤ 0 (vanishing-relevance.ts): groups masked to negative ones are left out. */
  readonly negativeOutputsEmpty?: boolean;
}

/** Results of `constantInput` per modifier and shape: a plan asks twice (its key, then its nodes). */
const constantInputs = new WeakMap<(x: tf.Tensor) => tf.Tensor, Map<string, Float32Array | null>>();

/**
 * A computed input modifier (z^B's bounds) is evaluated once on two different inputs: when both
 * give the same tensor it is a constant and becomes an initializer; otherwise it is not compiled.
 */
export function constantInput(mod: (x: tf.Tensor) => tf.Tensor, shape: readonly number[]): Float32Array | null {
  let known = constantInputs.get(mod);
  if (!known) constantInputs.set(mod, (known = new Map()));
  const key = shape.join('x');
  if (known.has(key)) return known.get(key)!;
  const uniform = mulberry32(7);
  const probe = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < probe.length; i++) probe[i] = 6 * uniform() - 3;
  const [ta, tb] = tf.tidy(() => [mod(tf.zeros([...shape])), mod(tf.tensor(probe, [...shape]))]);
  try {
    const a = ta!.dataSync() as Float32Array;
    const b = tb!.dataSync() as Float32Array;
    let same = a.length === b.length;
    for (let i = 0; same && i < a.length; i++) same = Object.is(a[i], b[i]);
    const constant = same ? Float32Array.from(a) : null;
    known.set(key, constant);
    return constant;
  } finally {
    ta!.dispose();
    tb!.dispose();
  }
}

/** A cache-key fragment for a rule: its name, parameters and (for term rules) every term. */
export function ruleKey(rule: Rule, probe: (mod: (x: tf.Tensor) => tf.Tensor) => string): string {
  const groups = (rule as Partial<BasicRule>).groups;
  const base = `${rule.name}${JSON.stringify(rule.params ?? {})}`;
  if (!groups) return base;
  const term = (input: InputModifier) => (typeof input === 'string' ? input : probe(input));
  return `${base}[${groups.map((g) => `${g.mask ?? ''}|${g.weight ?? 1}|${g.epsilon}|${g.bias?.key ?? 'none'}|${g.terms.map((t) => `${term(t.input)}*${t.params.key}`).join('+')}`).join(';')}]`;
}

const isPlain = (g: TermGroup) =>
  g.terms.length === 1 && g.terms[0]!.input === 'x' && g.terms[0]!.params === identityParams && g.bias === identityParams;

function termInput(mod: InputModifier, x: Value, nonNegative: boolean, layout: Layout, v: Values): Value | null {
  switch (mod) {
    case 'x':
      return x;
    case 'positive':
      return nonNegative ? x : v.ew('Relu', [x], layout);
    case 'negative':
      return nonNegative ? null : v.ew('Min', [x, 0], layout);
    case 'ones':
      return v.filled(x.shape, 1, layout);
    default: {
      const values = constantInput(mod, x.shape);
      if (!values) return notCompilable('an input modifier that depends on the input (only constants, such as z^B bounds, are compiled)');
      return v.make(x.shape, v.w.floats('bound', [...x.shape], values), 'cl');
    }
  }
}

/** A term group's live terms: each input modifier applied to the node's input (null terms dropped). */
function liveTerms(g: TermGroup, step: RuleStep, layout: Layout, v: Values) {
  const x = step.inputs[0]!;
  return g.terms
    .map((t) => ({ input: termInput(t.input, x, step.nonNegativeInput, layout, v), ones: t.input === 'ones', params: t.params }))
    .filter((t): t is { input: Value; ones: boolean; params: typeof t.params } => t.input !== null);
}

/** A group's denominator Σ_terms forward(x', W') + b' (the node's own output for a plain group). */
function denominator(map: OrtLinearMap, g: TermGroup, step: RuleStep, v: Values): Value {
  if (isPlain(g)) return step.forward.output;
  const terms = liveTerms(g, step, map.layout, v);
  let d = map.forward(terms[0]!.input, terms[0]!.params, g.bias);
  for (const t of terms.slice(1)) d = v.ew('Add', [d, map.forward(t.input, t.params, null)], map.layout);
  return d;
}

/**
 * One term group: weight · Σ_terms x' ⊙ backward(mask·R / stab(d), W'), d its denominator.
 * `kept` is mask·R when the caller made it already.
 */
function termGroup(map: OrtLinearMap, g: TermGroup, step: RuleStep, v: Values, d: Value, kept?: Value, ratio?: Value): Value {
  const layout = map.layout;
  const x = step.inputs[0]!;
  const terms = liveTerms(g, step, layout, v);
  const s = ratio ?? (kept ? v.stabilizedRatio(kept, d, g.epsilon, layout) : v.stabilizedRatio(step.r, d, g.epsilon, layout, g.mask, step.forward.output));
  const backs = (terms.length > 1 && map.backwardMany?.(s, terms.map((t) => t.params), x.shape)) || terms.map((t) => map.backward(s, t.params, x.shape));
  const parts = terms.map((t, i) => (t.ones ? backs[i]! : v.ew('Mul', [t.input, backs[i]!], layout)));
  const sum = parts.length === 1 ? parts[0]! : v.ew('Sum', parts, layout);
  return g.weight !== undefined && g.weight !== 1 ? v.ew('Mul', [sum, g.weight], layout) : sum;
}

/**
 * LRP-γ's positive group on a non-negative input: s = 1[z > 0]·R / stab(d₊). Where z > 0, d₊ = z +
 * γ(xW⁺ + b⁺) ≥ z > 0, so stab(d₊) = d₊ + ε = relu(d₊) + ε there; elsewhere the numerator is 0 and
 * relu(d₊) + ε ≥ ε keeps the quotient 0 — the same values in three element-wise passes instead of
 * nine. Where no relevance reaches negative outputs (nor zero ones: `negativeOutputsEmpty`), R is
 * already 0 wherever z ≤ 0 and the mask is left out too.
 */
function gammaPositiveRatio(g: TermGroup, step: RuleStep, d: Value, v: Values, layout: Layout): Value {
  const kept = step.negativeOutputsEmpty ? step.r : v.masked(step.r, step.forward.output, 'positive', layout);
  return v.ew('Div', [kept, v.ew('Add', [v.ew('Relu', [d], layout), g.epsilon], layout)], layout);
}

/**
 * LRP-γ on a non-negative input: the negative outputs' denominator x(W + γW⁻) + b + γb⁻ equals
 * (2 + γ)·z − d₊, with z = xW + b the node's output and d₊ = x(W + γW⁺) + b + γb⁺ the positive
 * group's denominator (W⁻ = W − W⁺) — element-wise instead of a convolution with one more kernel
 * variant. Null for other rules (and for inputs of either sign, where both groups have two terms).
 */
function gammaNegativeDenominator(rule: Rule, step: RuleStep, v: Values, layout: Layout): ((positive: Value) => Value) | null {
  const gamma = (rule.params as { gamma?: number } | undefined)?.gamma;
  const groups = (rule as Partial<BasicRule>).groups;
  if (rule.name !== 'gamma' || typeof gamma !== 'number' || !step.nonNegativeInput || groups?.length !== 2) return null;
  const [up, down] = groups as [TermGroup, TermGroup];
  const key = (sign: string) => `gamma(${gamma},${sign})`;
  // On a non-negative input only each group's 'positive' term lives: x(W + γW⁺) for positive outputs, x(W + γW⁻) for negative ones.
  const livesAs = (g: TermGroup, sign: string) =>
    g.terms.every((t) => t.input === 'negative' || (t.input === 'positive' && t.params.key === key(sign))) && g.terms.some((t) => t.input === 'positive');
  const expected = up.mask === 'positive' && down.mask === 'negative' && up.bias?.key === key('positive') && down.bias?.key === key('negative') && livesAs(up, 'positive') && livesAs(down, 'negative');
  if (!expected) return null;
  return (positive) => v.ew('Sub', [v.ew('Mul', [step.forward.output, 2 + gamma], layout), positive], layout);
}

/**
 * A masked group added to `total`, computed only when the mask leaves some relevance (an ONNX If),
 * as the tfjs executor skips it: e.g. γ's negative group on a convolution followed by a ReLU, whose
 * relevance sits on positive outputs only. `d` makes the group's denominator inside the branch
 * from values of the main graph (`outer`); by default its own forward terms.
 */
function maskedGroup(map: OrtLinearMap, g: TermGroup, step: RuleStep, v: Values, total: Value | null, d?: { outer: readonly Value[]; make: () => Value }): Value {
  const layout = map.layout;
  const x = step.inputs[0]!;
  // Outer values the branch reads, made in the branch's layout out here: a transpose made inside
  // the branch would be remembered on the value and then used outside it.
  for (const outer of [x, step.forward.output, step.r, ...(total ? [total] : []), ...(d?.outer ?? [])]) v.at(outer, layout);
  const z = step.forward.output;
  const kept = v.masked(step.r, z, g.mask!, layout);
  const live = v.w.op('Greater', [v.w.op('ReduceMax', [v.w.op('Abs', [kept.names[layout]!])], { keepdims: 0 }), v.w.scalar(0)]);
  const dims = dimsIn(x.shape, layout);
  const withGroup = v.w.subgraph('group', () => {
    const part = termGroup(map, g, step, v, d ? d.make() : denominator(map, g, step, v), kept);
    return [{ name: total ? v.w.op('Add', [v.at(total, layout), v.at(part, layout)]) : v.at(part, layout), dims }];
  });
  const without = v.w.subgraph('no_group', () => [{ name: total ? v.at(total, layout) : v.filled(x.shape, 0, layout).names[layout]!, dims }]);
  return v.make(x.shape, v.w.op('If', [live], { then_branch: { graph: withGroup }, else_branch: { graph: without } }), layout);
}

const where = (node: GraphNode) => `layer '${node.layerName}' (${node.layerClass})`;

/** The relevance each input of `step.node` receives under its rule. */
export function emitRule(step: RuleStep, v: Values, params: ParamInitializers): (Value | null)[] {
  const { node, rule, inputs, forward, r } = step;
  const transformer = transformerRule(step, v);
  if (transformer) return transformer;
  if (isLinearRule(rule)) {
    const groups = (rule as Partial<BasicRule>).groups;
    const op = node.linearOp();
    if (!groups || !op) return notCompilable(`rule '${rule.name}' on ${where(node)}: only rules built from term groups (basicRule) are compiled`);
    const map = ortLinearMap(op, v, params, where(node));
    const negativeFromPositive = gammaNegativeDenominator(rule, step, v, map.layout);
    let total: Value | null = null;
    let positive: Value | null = null;
    for (const g of groups) {
      // Groups of negative outputs are made conditional where a ReLU reads the output (they are then
      // usually empty); elsewhere (before a residual Add, say) they usually hold relevance, and ORT
      // runs a subgraph's convolutions without its fast blocked (NCHWc) layout.
      if (g.mask === 'negative' && step.negativeOutputsEmpty) continue;
      if (g.mask === 'negative' && step.rectifiedOutput) {
        const d = negativeFromPositive && positive ? { outer: [positive], make: () => negativeFromPositive(positive!) } : undefined;
        total = maskedGroup(map, g, step, v, total, d);
      } else {
        const d: Value = g.mask === 'negative' && negativeFromPositive && positive ? negativeFromPositive(positive) : denominator(map, g, step, v);
        if (g.mask === 'positive') positive = d;
        const ratio = negativeFromPositive && g.mask === 'positive' ? gammaPositiveRatio(g, step, d, v, map.layout) : undefined;
        const part = termGroup(map, g, step, v, d, undefined, ratio);
        total = total ? v.ew('Add', [total, part], map.layout) : part;
      }
    }
    return [total!];
  }
  switch (rule.name) {
    case 'pass':
      return [r];
    case 'gradient':
    case 'winner_takes_all':
      return emitVjp(node, inputs, forward, r, v, params);
    // rules/relu-rules.ts: guided backprop's ReLU passes relu(r) where its input was positive, deconvnet's relu(r).
    case 'guided_relu':
      return emitVjp(node, inputs, forward, v.ew('Relu', [r], v.home(r)), v, params);
    case 'deconvnet_relu':
      return [v.ew('Relu', [r], v.home(r))];
    case 'norm': {
      const layout = v.home(forward.output);
      const s = v.ew('Div', [r, v.stabilized(forward.output, Number((rule.params as { epsilon?: number } | undefined)?.epsilon ?? 1e-6), layout)], layout);
      return emitVjp(node, inputs, forward, s, v, params).map((g, i) => (g ? v.ew('Mul', [inputs[i]!, g], v.home(g)) : null));
    }
    default: {
      const extension = ortNodeSteps(node)?.rules?.[rule.name];
      return extension ? extension(node, inputs, forward.output, r, v, rule) : notCompilable(`rule '${rule.name}' on ${where(node)}`);
    }
  }
}

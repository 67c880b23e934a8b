/**
 * Where relevance provably vanishes, read off the graph and the rules before anything runs: a node's
 * negative outputs receive no relevance when a ReLU reads them and every rule above scales relevance
 * by the activation it reaches (ε, γ, z⁺ on a non-negative input). Their masked groups (γ's
 * negative outputs) are then left out of the compiled graph — exactly what the tfjs executor
 * computes, which skips a group with no relevance at run time.
 */
import type { ModelGraph } from '../../graph/graph.js';
import type { GraphNode } from '../../graph/node.js';
import { ActivationNode } from '../../nodes/activation-node.js';
import { PoolingNode } from '../../nodes/pooling-node.js';
import type { BasicRule } from '../../rules/basic-rule.js';
import type { Rule } from '../../rules/rule.js';

/** A linear rule whose every term multiplies relevance by (a part of) the input: zero input, zero relevance. */
function scalesByInput(node: GraphNode, rule: Rule): boolean {
  const groups = (rule as Partial<BasicRule>).groups;
  return node.linearOp() !== null && !!groups && groups.every((g) => g.terms.every((t) => t.input === 'x' || t.input === 'positive' || t.input === 'negative'));
}

/** Nodes that move relevance to where their input held the value they pass on (max pooling's winner, reshapes). */
function routes(node: GraphNode, rule: Rule): boolean {
  if (node instanceof PoolingNode) return node.pooling === 'max' && rule.name === 'winner_takes_all';
  return (node.kind === 'reshape' || node.kind === 'permute') && rule.name === 'gradient';
}

/** The nodes reading each tensor. */
function readersOf(graph: ModelGraph): Map<number, GraphNode[]> {
  const readers = new Map<number, GraphNode[]>();
  for (const n of graph.nodes) {
    for (const t of n.inputs) {
      const list = readers.get(t);
      if (list) list.push(n);
      else readers.set(t, [n]);
    }
  }
  return readers;
}

const isPassingRelu = (node: GraphNode, rule: Rule) => node instanceof ActivationNode && node.isPlainRelu && rule.name === 'pass';

/**
 * Tensors whose entries ≤ 0 receive no relevance, for an explanation seeded at tensor `from`
 * (left out: its seed is the caller's). Walks the graph from the output down.
 */
export function emptyNegativeOutputs(graph: ModelGraph, ruleFor: (node: GraphNode) => Rule, from: number): Set<number> {
  const readers = readersOf(graph);
  /** Relevance is zero wherever the tensor's value is zero. */
  const zeroAtZero = new Set<number>();
  /** Relevance is zero wherever the tensor's value is ≤ 0 (a ReLU zeroes those; a winner carries its value along). */
  const zeroAtNonPositive = new Set<number>();
  for (const n of [...graph.nodes].reverse()) {
    const t = n.output;
    const read = (readers.get(t) ?? []).map((r) => ({ r, rule: ruleFor(r) }));
    if (t === from || read.length === 0) continue;
    // A ReLU's zeros are where its input was ≤ 0; winners and reshapes carry a value (and its relevance) along.
    if (read.every(({ r, rule }) => scalesByInput(r, rule) || ((isPassingRelu(r, rule) || routes(r, rule)) && zeroAtZero.has(r.output)))) zeroAtZero.add(t);
    if (read.every(({ r, rule }) => (isPassingRelu(r, rule) && zeroAtZero.has(r.output)) || (routes(r, rule) && zeroAtNonPositive.has(r.output)))) zeroAtNonPositive.add(t);
  }
  return zeroAtNonPositive;
}

/**
 * Tensors read only by ReLUs, directly or through max pooling, whatever the rules: their negative
 * entries are zeroed on the way up, so γ's negative group there is usually empty (run under If).
 */
export function rectifiedTensors(graph: ModelGraph): Set<number> {
  const readers = readersOf(graph);
  const rectified = new Set<number>();
  // Later tensors first: a max pooling's output is settled before its input is looked at.
  for (const n of [...graph.nodes].reverse()) {
    const read = readers.get(n.output) ?? [];
    const rectifying = (r: GraphNode) => (r instanceof ActivationNode && r.activation === 'relu') || (r instanceof PoolingNode && r.pooling === 'max' && rectified.has(r.output));
    if (read.length > 0 && read.every(rectifying)) rectified.add(n.output);
  }
  return rectified;
}

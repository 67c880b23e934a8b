/**
 * What the recognition passes (GELU, LayerNorm formulas) need to match small subgraphs: who
 * produces and who reads each value, scalar constants, and a splice that swaps matched nodes for
 * one node at the position of the last of them (so the node order stays topological).
 */
import type { OnnxGraph, OnnxNode } from '../model.js';
import { fromTensor } from './fold-value.js';
import { graphOutputNames } from './graph-edit.js';

export class GraphIndex {
  private readonly producer = new Map<string, OnnxNode>();
  private readonly readers = new Map<string, OnnxNode[]>();
  private readonly outputs: Set<string>;

  constructor(readonly graph: OnnxGraph) {
    for (const n of graph.nodes) {
      for (const o of n.outputs) if (o) this.producer.set(o, n);
      for (const i of new Set(n.inputs)) if (i) this.readers.set(i, [...(this.readers.get(i) ?? []), n]);
    }
    this.outputs = graphOutputNames(graph);
  }

  /** The node of `opType` (default domain) producing `value`, if any. */
  made(value: string | undefined, opType: string): OnnxNode | null {
    const n = value ? this.producer.get(value) : undefined;
    return n && n.opType === opType && n.domain === '' ? n : null;
  }

  readersOf(value: string): readonly OnnxNode[] {
    return this.readers.get(value) ?? [];
  }

  /** The one node reading `value` when nothing else does (nor the graph's outputs). */
  soleReader(value: string): OnnxNode | null {
    const r = this.readersOf(value);
    return r.length === 1 && !this.outputs.has(value) ? r[0]! : null;
  }

  /** Whether only `allowed` nodes read `value` and it is not a graph output. */
  readOnlyBy(value: string, allowed: readonly OnnxNode[]): boolean {
    return !this.outputs.has(value) && this.readersOf(value).every((n) => allowed.includes(n));
  }

  /** A one-element constant (initializer), or null. */
  scalar(value: string | undefined): number | null {
    const t = value ? this.graph.initializers.get(value) : undefined;
    if (!t || t.dtype === 'string') return null;
    const v = fromTensor(t).values;
    return v.length === 1 && typeof v[0] === 'number' ? v[0] : null;
  }

  isConstant(value: string | undefined): boolean {
    return !!value && this.graph.initializers.has(value);
  }
}

/** `a ≈ b` to float32 precision. */
export const near = (a: number | null, b: number): boolean => a !== null && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

/** The other operand of a binary node, given one of them. */
export function otherOperand(node: OnnxNode, one: string): string | null {
  const [a, b] = node.inputs;
  if (a === one) return b ?? null;
  if (b === one) return a ?? null;
  return null;
}

/** Nodes with each match's nodes removed and its replacement put where the match's last node was. */
export function splice(nodes: readonly OnnxNode[], matches: readonly { readonly nodes: readonly OnnxNode[]; readonly replacement: OnnxNode }[]): OnnxNode[] {
  const removed = new Set(matches.flatMap((m) => m.nodes));
  const at = new Map<OnnxNode, OnnxNode>();
  for (const m of matches) {
    const last = nodes.filter((n) => m.nodes.includes(n)).pop()!;
    at.set(last, m.replacement);
  }
  return nodes.flatMap((n) => (at.has(n) ? [at.get(n)!] : removed.has(n) ? [] : [n]));
}

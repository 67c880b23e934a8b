import type { GraphNode } from '../../graph/node.js';

/** What the ORT executor cannot compile yet (a node kind, a rule, an option): the caller falls back to tfjs and says so. */
export class NotCompilableError extends Error {
  override readonly name = 'NotCompilableError';
}

export function notCompilable(what: string): never {
  throw new NotCompilableError(what);
}

/** A node as notices name it: "layer 'mish' (Mish, an elementwise node)". */
export function nodeWhere(node: GraphNode): string {
  const article = /^[aeiou]/i.test(node.kind) ? 'an' : 'a';
  return `layer '${node.layerName}' (${node.layerClass}, ${article} ${node.kind} node)`;
}

/** Typed reads of decoded node attributes, with the operator's default when absent. */
import type { OnnxAttributeValue, OnnxNode, OnnxTensor } from '../model.js';

export function intAttr(node: OnnxNode, name: string, fallback: number): number {
  const v = node.attributes[name];
  return typeof v === 'number' ? v : fallback;
}

export function floatAttr(node: OnnxNode, name: string, fallback: number): number {
  return intAttr(node, name, fallback);
}

export function stringAttr(node: OnnxNode, name: string, fallback: string): string {
  const v = node.attributes[name];
  return typeof v === 'string' ? v : fallback;
}

export function intsAttr(node: OnnxNode, name: string): number[] | null {
  const v = node.attributes[name];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return [...(v as number[])];
  return null;
}

export function tensorAttr(node: OnnxNode, name: string): OnnxTensor | null {
  const v = node.attributes[name] as OnnxAttributeValue | undefined;
  return v && typeof v === 'object' && 'data' in v ? (v as OnnxTensor) : null;
}

/** A copy of `node` with some fields replaced. */
export function withNode(node: OnnxNode, changes: Partial<OnnxNode>): OnnxNode {
  return { ...node, ...changes };
}

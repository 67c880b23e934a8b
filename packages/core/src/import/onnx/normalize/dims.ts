/** Arithmetic on dimensions that may be symbolic (`'batch'`) or unknown (`'?'`). */
import type { OnnxDim } from '../model.js';

export const UNKNOWN = '?';

export function isKnown(d: OnnxDim): d is number {
  return typeof d === 'number';
}

export function dimMul(a: OnnxDim, b: OnnxDim): OnnxDim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === 0 || b === 0) return 0;
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  return `${a}*${b}`;
}

export function dimAdd(a: OnnxDim, b: OnnxDim): OnnxDim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === 0) return b;
  if (b === 0) return a;
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  return `${a}+${b}`;
}

export function product(dims: readonly OnnxDim[]): OnnxDim {
  return dims.reduce<OnnxDim>((acc, d) => dimMul(acc, d), 1);
}

/** numpy broadcasting of several shapes; `null` when they cannot broadcast. */
export function broadcastShapes(shapes: readonly (readonly OnnxDim[])[]): OnnxDim[] | null {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: OnnxDim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: OnnxDim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1 || d === dim) continue;
      if (dim === 1) dim = d;
      else if (typeof d === 'number' && typeof dim === 'number') return null;
      else if (typeof d === 'number') dim = d; // a symbolic dim broadcast against n must be n (or 1)
      else if (typeof dim === 'string' && dim !== d) dim = UNKNOWN;
    }
    out.push(dim);
  }
  return out;
}

/** Normalises a possibly negative axis for a tensor of the given rank. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** The elements Slice takes along one axis of length `length`: first index, step and count (ONNX clamping rules). */
export function sliceRange(length: number, start: number, end: number, step: number): { start: number; step: number; count: number } {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  let s = start < 0 ? start + length : start;
  let e = end < 0 ? end + length : end;
  if (step > 0) {
    s = clamp(s, 0, length);
    e = clamp(e, 0, length);
  } else {
    s = clamp(s, -1, length - 1);
    e = clamp(e, -1, length - 1);
  }
  return { start: s, step, count: Math.max(0, Math.ceil((e - s) / step)) };
}

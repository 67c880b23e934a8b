/**
 * Evaluates one node on constant inputs (small tensors as FoldValues), for constant folding: the
 * shape arithmetic exporters write (Shape → Gather → Unsqueeze → Concat → Reshape, ConstantOfShape,
 * Range, Equal/Where/Expand …) and element-wise maths on constants. Symbolic elements ('batch') pass
 * through Gather/Concat/Unsqueeze/Squeeze/Slice/Reshape/Cast and simple arithmetic; anything else that
 * meets a symbol returns null (not foldable), as do operators it does not know.
 */
import { dtypeFromCode, isIntegerDtype } from '../dtype.js';
import type { OnnxDtype, OnnxNode } from '../model.js';
import { intAttr, intsAttr, tensorAttr } from './attributes.js';
import { broadcastShapes, normAxis, sliceRange } from './dims.js';
import { elementCount, fromTensor, type FoldElement, type FoldValue } from './fold-value.js';

type Binary = (a: FoldElement, b: FoldElement) => FoldElement | null;

const sym = (a: FoldElement, op: string, b: FoldElement): string => `${a}${op}${b}`;

const ARITHMETIC: Readonly<Record<string, Binary>> = {
  Add: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a + b : a === 0 ? b : b === 0 ? a : sym(a, '+', b)),
  Sub: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : b === 0 ? a : a === b ? 0 : sym(a, '-', b)),
  Mul: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a * b : a === 1 ? b : b === 1 ? a : a === 0 || b === 0 ? 0 : sym(a, '*', b)),
  Div: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a / b : b === 1 ? a : a === b ? 1 : sym(a, '/', b)),
  Mod: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b * Math.floor(a / b) : null),
  Pow: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a ** b : null),
  Max: (a, b) => (typeof a === 'number' && typeof b === 'number' ? Math.max(a, b) : null),
  Min: (a, b) => (typeof a === 'number' && typeof b === 'number' ? Math.min(a, b) : null),
  // A dimension is never negative: `batch == -1` is false, `batch == batch` true.
  Equal: (a, b) => (a === b ? 1 : typeof a === 'number' && typeof b === 'number' ? 0 : (typeof a === 'number' && a < 0) || (typeof b === 'number' && b < 0) ? 0 : null),
  Less: (a, b) => (typeof a === 'number' && typeof b === 'number' ? Number(a < b) : null),
  Greater: (a, b) => (typeof a === 'number' && typeof b === 'number' ? Number(a > b) : null),
  LessOrEqual: (a, b) => (typeof a === 'number' && typeof b === 'number' ? Number(a <= b) : null),
  GreaterOrEqual: (a, b) => (typeof a === 'number' && typeof b === 'number' ? Number(a >= b) : null),
  And: (a, b) => (typeof a === 'number' && typeof b === 'number' ? Number(Boolean(a) && Boolean(b)) : null),
  Or: (a, b) => (typeof a === 'number' && typeof b === 'number' ? Number(Boolean(a) || Boolean(b)) : null),
};

const UNARY: Readonly<Record<string, (a: number) => number>> = {
  Neg: (a) => -a, Abs: Math.abs, Sqrt: Math.sqrt, Floor: Math.floor, Ceil: Math.ceil, Exp: Math.exp, Log: Math.log,
  Reciprocal: (a) => 1 / a, Not: (a) => Number(!a), Relu: (a) => Math.max(0, a), Sign: Math.sign,
  Round: (a) => { const f = Math.floor(a); const d = a - f; return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f; },
};

/** Operators evaluateNode computes (besides ARITHMETIC and UNARY ones). */
export const EVALUABLE: ReadonlySet<string> = new Set([
  'ConstantOfShape', 'Range', 'Identity', 'Size', 'Cast', 'Where', 'Gather', 'Unsqueeze', 'Squeeze', 'Flatten', 'Reshape',
  'Concat', 'Slice', 'Transpose', 'Expand', 'Tile', 'ReduceProd', 'ReduceSum',
]);

/** Element-wise operators evaluateNode computes. */
export const ARITHMETIC_OPS: ReadonlySet<string> = new Set([...Object.keys(ARITHMETIC), ...Object.keys(UNARY)]);

const BOOL_RESULT = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Not']);

/** Row-major strides. */
function strides(dims: readonly number[]): number[] {
  const out = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) { out[i] = acc; acc *= dims[i]; }
  return out;
}

/** Calls fn with each multi-index of `dims` in row-major order. */
function forEachIndex(dims: readonly number[], fn: (index: number[], flat: number) => void): void {
  const total = elementCount(dims);
  const index = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < total; flat++) {
    fn(index, flat);
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++index[d] < dims[d]) break;
      index[d] = 0;
    }
  }
}

/** Reads `value` broadcast to `dims` (numpy rules). */
function broadcastTo(value: FoldValue, dims: readonly number[]): FoldElement[] {
  const offset = dims.length - value.dims.length;
  const st = strides(value.dims);
  const out: FoldElement[] = [];
  forEachIndex(dims, (index) => {
    let flat = 0;
    for (let d = 0; d < value.dims.length; d++) flat += (value.dims[d] === 1 ? 0 : index[d + offset]) * st[d];
    out.push(value.values[flat]);
  });
  return out;
}

function castElement(v: FoldElement, to: OnnxDtype): FoldElement | null {
  if (typeof v === 'string') return isIntegerDtype(to) && to !== 'bool' ? v : null;
  if (to === 'bool') return v ? 1 : 0;
  if (to === 'float32' || to === 'float16' || to === 'bfloat16') return Math.fround(v);
  if (to === 'float64') return v;
  if (!Number.isFinite(v)) return null; // NaN/Inf → integer is undefined in ONNX: leave to the runtime
  const truncated = Math.trunc(v);
  switch (to) {
    case 'int8': return (truncated << 24) >> 24;
    case 'uint8': return truncated & 0xff;
    case 'int16': return (truncated << 16) >> 16;
    case 'uint16': return truncated & 0xffff;
    case 'int32': return truncated | 0;
    case 'uint32': return truncated >>> 0;
    default: return truncated;
  }
}

/** Rounds a result to its dtype; null for an integer result that is not finite (division by zero). */
function wrapInteger(v: FoldElement, dtype: OnnxDtype): FoldElement | null {
  if (typeof v !== 'number' || !isIntegerDtype(dtype)) return typeof v === 'number' && dtype === 'float32' ? Math.fround(v) : v;
  if (!Number.isFinite(v)) return null;
  return Math.trunc(v); // ONNX integer division truncates toward zero
}

/** A valid shape whose element count is at most `limit` (checked before anything is allocated). */
function fits(dims: readonly number[] | null, limit: number): dims is number[] {
  return dims !== null && dims.every((d) => Number.isInteger(d) && d >= 0) && elementCount(dims) <= limit;
}

/**
 * The outputs of `node` on constant inputs, or null when it cannot be folded here. `limit` caps the
 * elements of any result, checked before allocating (a file can declare a ConstantOfShape of 10^12).
 */
export function evaluateNode(node: OnnxNode, inputs: readonly (FoldValue | null)[], limit = 65536): FoldValue[] | null {
  if (node.domain !== '') return null;
  const op = node.opType;
  const x = inputs[0];
  const present = inputs.filter((v, i) => node.inputs[i] !== '');
  if (op === 'ConstantOfShape') {
    if (!x || x.values.some((v) => typeof v !== 'number')) return null;
    const value = tensorAttr(node, 'value');
    const fill = value ? fromTensor(value) : { dtype: 'float32' as OnnxDtype, dims: [1], values: [0] };
    const dims = x.values as number[];
    if (!fits(dims, limit)) return null;
    return [{ dtype: fill.dtype, dims, values: new Array(elementCount(dims)).fill(fill.values[0]) }];
  }
  if (op === 'Range') {
    const [a, b, c] = inputs.map((v) => v?.values[0]);
    if (typeof a !== 'number' || typeof b !== 'number' || typeof c !== 'number' || c === 0) return null;
    const n = Math.max(0, Math.ceil((b - a) / c));
    if (!fits([n], limit)) return null;
    return [{ dtype: (x as FoldValue).dtype, dims: [n], values: Array.from({ length: n }, (_, i) => a + i * c) }];
  }
  if (present.some((v) => v === null) || !x) return null;
  const values = inputs as readonly FoldValue[];
  if (ARITHMETIC[op] && (values.length === 2 || ((op === 'Max' || op === 'Min') && values.length >= 2))) {
    const f = ARITHMETIC[op];
    let acc: FoldValue = values[0];
    for (const next of values.slice(1)) {
      const dims = broadcastShapes([acc.dims, next.dims]) as number[] | null;
      if (!fits(dims, limit)) return null;
      const [p, q] = [broadcastTo(acc, dims), broadcastTo(next, dims)];
      const out: FoldElement[] = [];
      for (let i = 0; i < p.length; i++) {
        const r = f(p[i], q[i]);
        if (r === null) return null;
        const v = BOOL_RESULT.has(op) ? r : wrapInteger(r, acc.dtype);
        if (v === null) return null;
        out.push(v);
      }
      acc = { dtype: BOOL_RESULT.has(op) ? 'bool' : acc.dtype, dims, values: out };
    }
    return [acc];
  }
  if (UNARY[op]) {
    if (x.values.some((v) => typeof v !== 'number')) return null;
    const out = (x.values as number[]).map((v) => wrapInteger(UNARY[op](v), x.dtype));
    return out.includes(null) ? null : [{ dtype: BOOL_RESULT.has(op) ? 'bool' : x.dtype, dims: x.dims, values: out as FoldElement[] }];
  }
  switch (op) {
    case 'Identity': return [x];
    case 'Shape': return null; // folded from the input's type by the caller
    case 'Size': return [{ dtype: 'int64', dims: [], values: [elementCount(x.dims)] }];
    case 'Cast': {
      const to = dtypeFromCode(intAttr(node, 'to', 0));
      if (!to || to === 'string' || x.dtype === 'string') return null;
      const out = x.values.map((v) => castElement(v, to));
      return out.some((v) => v === null) ? null : [{ dtype: to, dims: x.dims, values: out as FoldElement[] }];
    }
    case 'Where': {
      const [c, a, b] = values;
      if (c.values.some((v) => typeof v !== 'number')) return null;
      const dims = broadcastShapes([c.dims, a.dims, b.dims]) as number[] | null;
      if (!fits(dims, limit)) return null;
      const [cc, aa, bb] = [broadcastTo(c, dims), broadcastTo(a, dims), broadcastTo(b, dims)];
      return [{ dtype: a.dtype, dims, values: cc.map((v, i) => (v ? aa[i] : bb[i])) }];
    }
    case 'Gather': {
      const indices = values[1];
      if (indices.values.some((v) => typeof v !== 'number')) return null;
      const axis = normAxis(intAttr(node, 'axis', 0), x.dims.length);
      const outer = elementCount(x.dims.slice(0, axis));
      const inner = elementCount(x.dims.slice(axis + 1));
      const n = x.dims[axis];
      if (!fits([outer, indices.values.length, inner], limit)) return null;
      const out: FoldElement[] = [];
      for (let o = 0; o < outer; o++) {
        for (const raw of indices.values as number[]) {
          const k = raw < 0 ? raw + n : raw;
          if (k < 0 || k >= n) return null;
          for (let i = 0; i < inner; i++) out.push(x.values[(o * n + k) * inner + i]);
        }
      }
      return [{ dtype: x.dtype, dims: [...x.dims.slice(0, axis), ...indices.dims, ...x.dims.slice(axis + 1)], values: out }];
    }
    case 'Unsqueeze': {
      const axes = intsAttr(node, 'axes');
      if (!axes) return null;
      const rank = x.dims.length + axes.length;
      const set = new Set(axes.map((a) => normAxis(a, rank)));
      const dims: number[] = [];
      let k = 0;
      for (let i = 0; i < rank; i++) dims.push(set.has(i) ? 1 : x.dims[k++]);
      return [{ ...x, dims }];
    }
    case 'Squeeze': {
      const axes = intsAttr(node, 'axes');
      const set = new Set((axes ?? x.dims.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normAxis(a, x.dims.length)));
      return [{ ...x, dims: x.dims.filter((_, i) => !set.has(i)) }];
    }
    case 'Flatten': {
      const axis = normAxis(intAttr(node, 'axis', 1), x.dims.length);
      return [{ ...x, dims: [elementCount(x.dims.slice(0, axis)), elementCount(x.dims.slice(axis))] }];
    }
    case 'Reshape': {
      const shape = intsAttr(node, 'shape');
      if (!shape) return null;
      const dims = shape.map((d, i) => (d === 0 && intAttr(node, 'allowzero', 0) === 0 ? x.dims[i] : d));
      const free = dims.indexOf(-1);
      if (free >= 0) dims[free] = elementCount(x.dims) / elementCount(dims.filter((_, i) => i !== free));
      if (elementCount(dims) !== x.values.length || !dims.every(Number.isInteger)) return null;
      return [{ ...x, dims }];
    }
    case 'Concat': {
      const axis = normAxis(intAttr(node, 'axis', 0), x.dims.length);
      const parts = values.filter((v) => elementCount(v.dims) > 0 || v.dims.length === x.dims.length);
      const outer = elementCount(x.dims.slice(0, axis));
      const out: FoldElement[] = [];
      for (let o = 0; o < outer; o++) {
        for (const p of parts) {
          const chunk = elementCount(p.dims.slice(axis));
          out.push(...p.values.slice(o * chunk, (o + 1) * chunk));
        }
      }
      const dims = [...x.dims];
      dims[axis] = parts.reduce((a, p) => a + p.dims[axis], 0);
      return [{ dtype: x.dtype, dims, values: out }];
    }
    case 'Slice': {
      const starts = intsAttr(node, 'starts'), ends = intsAttr(node, 'ends');
      if (!starts || !ends) return null;
      const axes = (intsAttr(node, 'axes') ?? starts.map((_, i) => i)).map((a) => normAxis(a, x.dims.length));
      const steps = intsAttr(node, 'steps') ?? starts.map(() => 1);
      const ranges = x.dims.map((d) => ({ start: 0, step: 1, count: d }));
      for (let k = 0; k < axes.length; k++) {
        if (steps[k] === 0) return null;
        ranges[axes[k]] = sliceRange(x.dims[axes[k]], starts[k], ends[k], steps[k]);
      }
      const dims = ranges.map((r) => r.count);
      const st = strides(x.dims);
      const out: FoldElement[] = [];
      forEachIndex(dims, (index) => {
        let flat = 0;
        for (let d = 0; d < dims.length; d++) flat += (ranges[d].start + index[d] * ranges[d].step) * st[d];
        out.push(x.values[flat]);
      });
      return [{ dtype: x.dtype, dims, values: out }];
    }
    case 'Transpose': {
      const perm = intsAttr(node, 'perm') ?? x.dims.map((_, i) => x.dims.length - 1 - i);
      const dims = perm.map((p) => x.dims[p]);
      const st = strides(x.dims);
      const out: FoldElement[] = [];
      forEachIndex(dims, (index) => {
        let flat = 0;
        for (let d = 0; d < dims.length; d++) flat += index[d] * st[perm[d]];
        out.push(x.values[flat]);
      });
      return [{ dtype: x.dtype, dims, values: out }];
    }
    case 'Expand': {
      const shape = intsAttr(node, 'shape');
      const dims = shape && (broadcastShapes([x.dims, shape]) as number[] | null);
      return fits(dims, limit) ? [{ dtype: x.dtype, dims, values: broadcastTo(x, dims) }] : null;
    }
    case 'Tile': {
      const repeats = intsAttr(node, 'repeats');
      if (!repeats) return null;
      const dims = x.dims.map((d, i) => d * repeats[i]);
      if (!fits(dims, limit)) return null;
      const st = strides(x.dims);
      const out: FoldElement[] = [];
      forEachIndex(dims, (index) => {
        let flat = 0;
        for (let d = 0; d < dims.length; d++) flat += (index[d] % x.dims[d]) * st[d];
        out.push(x.values[flat]);
      });
      return [{ dtype: x.dtype, dims, values: out }];
    }
    case 'ReduceProd': case 'ReduceSum': {
      if (x.values.some((v) => typeof v !== 'number')) return null;
      const axes = intsAttr(node, 'axes');
      if (axes && axes.length > 0 && axes.length !== x.dims.length) return null; // full reductions only
      const keep = intAttr(node, 'keepdims', 1) === 1;
      const v = x.values as number[];
      const r = op === 'ReduceProd' ? v.reduce((a, b) => a * b, 1) : v.reduce((a, b) => a + b, 0);
      const value = wrapInteger(r, x.dtype);
      return value === null ? null : [{ dtype: x.dtype, dims: keep ? x.dims.map(() => 1) : [], values: [value] }];
    }
    default:
      return null;
  }
}

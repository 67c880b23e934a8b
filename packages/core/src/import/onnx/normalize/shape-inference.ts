/**
 * Shape inference on the canonical form (see canonical-form.ts): the element type and shape of every
 * output of every node, from its inputs' types and the values of constant inputs. Symbolic dims
 * (`'batch'`) pass through; a dim that depends on an unknown becomes `'?'`; a shape that cannot be
 * known at all is `null`. Operators it does not know get `null` types (the converter names them).
 */
import { OnnxNodeError } from '../errors.js';
import type { OnnxDim, OnnxDtype, OnnxNode } from '../model.js';
import { intAttr, intsAttr, stringAttr, tensorAttr } from './attributes.js';
import type { ConstantLookup } from './canonical-form.js';
import { broadcastShapes, dimAdd, dimMul, isKnown, normAxis, product, sliceRange, UNKNOWN } from './dims.js';
import { dtypeFromCode } from '../dtype.js';

export interface ValueType {
  readonly dtype: OnnxDtype | null;
  readonly shape: readonly OnnxDim[] | null;
}

const NONE: ValueType = { dtype: null, shape: null };

/** Element-wise operators whose output has the type and shape of their first input. */
const SAME_AS_INPUT = new Set([
  'Relu', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Softmax',
  'LogSoftmax', 'Hardmax', 'Erf', 'Mish', 'Softplus', 'Softsign', 'Gelu', 'ThresholdedRelu', 'Clip', 'Identity',
  'Neg', 'Abs', 'Sqrt', 'Exp', 'Log', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign', 'Sin', 'Cos', 'Tan',
  'Not', 'LRN', 'InstanceNormalization', 'BatchNormalization', 'LpNormalization', 'MeanVarianceNormalization',
  'GroupNormalization', 'Dropout', 'IsNaN', 'IsInf', 'Shrink', 'CumSum', 'Trilu',
]);

const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'PRelu', 'Max', 'Min', 'Sum', 'Mean', 'BitShift']);
const COMPARE = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor']);
const REDUCE = new Set(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSumExp', 'ReduceSumSquare', 'ReduceLogSum']);

export interface InferContext {
  readonly file: string;
  readonly constant: ConstantLookup;
}

/** Types of the outputs of one node (canonical form) from the types of its inputs. */
export function inferNodeTypes(node: OnnxNode, inputs: readonly (ValueType | null)[], ctx: InferContext): ValueType[] {
  const result = node.domain === '' ? infer(node, inputs.map((t) => t ?? NONE), ctx) : null;
  const types = result ?? [];
  return node.outputs.map((_, i) => types[i] ?? NONE);
}

function fail(node: OnnxNode, ctx: InferContext, detail: string): never {
  throw new OnnxNodeError(ctx.file, node.name, node.opType, detail);
}

function infer(node: OnnxNode, inputs: readonly ValueType[], ctx: InferContext): ValueType[] | null {
  const x = inputs[0] ?? NONE;
  const s = x.shape;
  const op = node.opType;
  const t = (shape: readonly OnnxDim[] | null, dtype: OnnxDtype | null = x.dtype): ValueType => ({ dtype, shape });
  if (op === 'Dropout') return [x, t(s, 'bool')];
  if (op === 'LayerNormalization') {
    const axis = s ? normAxis(intAttr(node, 'axis', -1), s.length) : 0;
    const stat = s ? s.map((d, i) => (i < axis ? d : 1)) : null;
    return [x, t(stat, 'float32'), t(stat, 'float32')];
  }
  if (SAME_AS_INPUT.has(op)) return [x];
  if (BROADCAST.has(op) || COMPARE.has(op) || op === 'Where') {
    const shapes = inputs.filter((i) => i !== NONE).map((i) => i.shape);
    const shape = shapes.every((sh): sh is readonly OnnxDim[] => sh !== null) ? broadcastShapes(shapes) : null;
    if (shapes.every((sh) => sh !== null) && shape === null) {
      fail(node, ctx, `input shapes ${shapes.map((sh) => `[${sh?.join(', ')}]`).join(' and ')} do not broadcast`);
    }
    const dtype = COMPARE.has(op) ? 'bool' : op === 'Where' ? inputs[1]?.dtype ?? null : x.dtype;
    return [t(shape, dtype)];
  }
  if (REDUCE.has(op)) {
    if (!s) return [t(null)];
    const axes = intsAttr(node, 'axes');
    if (node.inputs.length > 1 && node.inputs[1] !== '') return [t(null)]; // axes computed at run time
    const keep = intAttr(node, 'keepdims', 1) === 1;
    const all = axes === null || axes.length === 0;
    if (all && intAttr(node, 'noop_with_empty_axes', 0) === 1) return [x];
    const set = new Set((all ? s.map((_, i) => i) : axes).map((a) => normAxis(a, s.length)));
    return [t(keep ? s.map((d, i) => (set.has(i) ? 1 : d)) : s.filter((_, i) => !set.has(i)))];
  }
  switch (op) {
    case 'Cast': return [t(s, dtypeFromCode(intAttr(node, 'to', 0)))];
    case 'CastLike': return [t(s, inputs[1]?.dtype ?? null)];
    case 'Shape': {
      if (!s) return [t(null, 'int64')];
      const r = s.length;
      const start = clampAxis(intAttr(node, 'start', 0), r);
      const end = clampAxis(intAttr(node, 'end', r), r);
      return [t([Math.max(0, end - start)], 'int64')];
    }
    case 'Size': return [t([], 'int64')];
    case 'Conv': return [t(s && convShape(node, s, inputs[1]?.shape ?? null, ctx))];
    case 'ConvTranspose': return [t(s && convTransposeShape(node, s, inputs[1]?.shape ?? null))];
    case 'MaxPool': case 'AveragePool': case 'LpPool': {
      const shape = s && poolShape(node, s, intsAttr(node, 'kernel_shape') ?? fail(node, ctx, 'no kernel_shape'));
      return op === 'MaxPool' ? [t(shape), t(shape, 'int64')] : [t(shape)];
    }
    case 'GlobalAveragePool': case 'GlobalMaxPool': case 'GlobalLpPool':
      return [t(s && s.map((d, i) => (i < 2 ? d : 1)))];
    case 'Gemm': {
      const a = s, b = inputs[1]?.shape;
      if (!a || !b) return [t(null)];
      if (a.length !== 2 || b.length !== 2) fail(node, ctx, `Gemm needs 2-D inputs, got [${a.join(', ')}] and [${b.join(', ')}]`);
      const m = intAttr(node, 'transA', 0) ? a[1] : a[0];
      const n = intAttr(node, 'transB', 0) ? b[0] : b[1];
      return [t([m, n])];
    }
    case 'MatMul': return [t(s && inputs[1]?.shape ? matMulShape(s, inputs[1].shape, node, ctx) : null)];
    case 'Flatten': {
      if (!s) return [t(null)];
      const axis = normAxis(intAttr(node, 'axis', 1), s.length);
      return [t([product(s.slice(0, axis)), product(s.slice(axis))])];
    }
    case 'Reshape': {
      const shape = intsAttr(node, 'shape');
      return [t(shape && s ? reshapeShape(s, shape, intAttr(node, 'allowzero', 0) === 1, node, ctx) : null)];
    }
    case 'Transpose': {
      if (!s) return [t(null)];
      const perm = intsAttr(node, 'perm') ?? s.map((_, i) => s.length - 1 - i);
      return [t(perm.map((p) => s[p]))];
    }
    case 'Squeeze': {
      if (!s) return [t(null)];
      if (node.inputs.length > 1 && node.inputs[1] !== '') return [t(null)];
      const axes = intsAttr(node, 'axes');
      if (!axes) return [t(s.some((d) => !isKnown(d)) ? null : s.filter((d) => d !== 1))];
      const set = new Set(axes.map((a) => normAxis(a, s.length)));
      return [t(s.filter((_, i) => !set.has(i)))];
    }
    case 'Unsqueeze': {
      const axes = intsAttr(node, 'axes');
      if (!s || !axes) return [t(null)];
      const rank = s.length + axes.length;
      const set = new Set(axes.map((a) => normAxis(a, rank)));
      const out: OnnxDim[] = [];
      let k = 0;
      for (let i = 0; i < rank; i++) out.push(set.has(i) ? 1 : s[k++]);
      return [t(out)];
    }
    case 'Concat': {
      const shapes = inputs.map((i) => i.shape);
      if (shapes.some((sh) => !sh)) return [t(null)];
      const first = shapes[0] as readonly OnnxDim[];
      const axis = normAxis(intAttr(node, 'axis', 0), first.length);
      return [t(first.map((d, i) => (i === axis ? (shapes as OnnxDim[][]).map((sh) => sh[i]).reduce(dimAdd) : d)))];
    }
    case 'Split': {
      if (!s) return node.outputs.map(() => t(null));
      const axis = normAxis(intAttr(node, 'axis', 0), s.length);
      const d = s[axis];
      let sizes = intsAttr(node, 'split');
      if (!sizes && node.inputs.length > 1 && node.inputs[1] !== '') return node.outputs.map(() => t(null));
      if (!sizes) {
        if (!isKnown(d)) return node.outputs.map(() => t(s.map((e, i) => (i === axis ? UNKNOWN : e))));
        const parts = node.outputs.length;
        const size = Math.ceil(d / parts);
        sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(size, d - i * size)));
      }
      return sizes.map((n) => t(s.map((e, i) => (i === axis ? n : e))));
    }
    case 'Slice': {
      const starts = intsAttr(node, 'starts'), ends = intsAttr(node, 'ends');
      if (!s || !starts || !ends) return [t(null)];
      const axes = intsAttr(node, 'axes') ?? starts.map((_, i) => i);
      const steps = intsAttr(node, 'steps') ?? starts.map(() => 1);
      const out = [...s];
      axes.forEach((a, k) => {
        const axis = normAxis(a, s.length);
        out[axis] = sliceLength(s[axis], starts[k], ends[k], steps[k]);
      });
      return [t(out)];
    }
    case 'Gather': {
      const idx = inputs[1]?.shape;
      if (!s || !idx) return [t(null)];
      const axis = normAxis(intAttr(node, 'axis', 0), s.length);
      return [t([...s.slice(0, axis), ...idx, ...s.slice(axis + 1)])];
    }
    case 'GatherElements': return [t(inputs[1]?.shape ?? null)];
    case 'Pad': {
      const pads = intsAttr(node, 'pads');
      if (!s || !pads) return [t(null)];
      const axes = (intsAttr(node, 'axes') ?? s.map((_, i) => i)).map((a) => normAxis(a, s.length));
      const out = [...s];
      axes.forEach((axis, k) => {
        out[axis] = dimAdd(s[axis], pads[k] + pads[k + axes.length]);
      });
      return [t(out)];
    }
    case 'Resize': {
      if (!s) return [t(null)];
      const sizes = intsAttr(node, 'sizes');
      const scales = node.attributes.scales as readonly number[] | undefined;
      if (sizes) return [t(sizes.length === s.length ? sizes : null)];
      if (scales) return [t(s.map((d, i) => (isKnown(d) ? Math.floor(d * scales[i]) : scales[i] === 1 ? d : UNKNOWN)))];
      return [t(null)];
    }
    case 'Expand': {
      const shape = intsAttr(node, 'shape') ?? (ctx.constant(node.inputs[1] ?? '')?.values as OnnxDim[] | undefined) ?? null;
      return [t(s && shape ? broadcastShapes([s, shape]) : null)];
    }
    case 'Tile': {
      const repeats = intsAttr(node, 'repeats');
      return [t(s && repeats ? s.map((d, i) => dimMul(d, repeats[i])) : null)];
    }
    case 'ConstantOfShape': {
      const value = tensorAttr(node, 'value');
      const v = ctx.constant(node.inputs[0]);
      return [t(v ? (v.values as OnnxDim[]) : null, value?.dtype ?? 'float32')];
    }
    case 'Range': {
      const [a, b, c] = node.inputs.map((n) => ctx.constant(n));
      if (!a || !b || !c || [a, b, c].some((v) => typeof v.values[0] !== 'number')) return [t([UNKNOWN])];
      const [start, limit, delta] = [a, b, c].map((v) => v.values[0] as number);
      return [t([Math.max(0, Math.ceil((limit - start) / delta))])];
    }
    case 'ArgMax': case 'ArgMin': {
      if (!s) return [t(null, 'int64')];
      const axis = normAxis(intAttr(node, 'axis', 0), s.length);
      const keep = intAttr(node, 'keepdims', 1) === 1;
      return [t(keep ? s.map((d, i) => (i === axis ? 1 : d)) : s.filter((_, i) => i !== axis), 'int64')];
    }
    case 'TopK': {
      const k = intAttr(node, 'k', -1);
      if (!s) return [t(null), t(null, 'int64')];
      const axis = normAxis(intAttr(node, 'axis', -1), s.length);
      const out = s.map((d, i) => (i === axis ? (k >= 0 ? k : UNKNOWN) : d));
      return [t(out), t(out, 'int64')];
    }
    case 'LSTM': case 'GRU': case 'RNN': return recurrentShapes(node, s, x.dtype, op === 'LSTM');
    case 'DepthToSpace': case 'SpaceToDepth': {
      if (!s || s.length !== 4) return [t(null)];
      const b = intAttr(node, 'blocksize', 1);
      const [n, c, h, w] = s;
      const div = (d: OnnxDim) => (isKnown(d) ? d / (b * b) : UNKNOWN);
      return op === 'DepthToSpace'
        ? [t([n, div(c), dimMul(h, b), dimMul(w, b)])]
        : [t([n, dimMul(c, b * b), isKnown(h) ? h / b : UNKNOWN, isKnown(w) ? w / b : UNKNOWN])];
    }
    default:
      return null;
  }
}

function clampAxis(a: number, rank: number): number {
  return Math.min(rank, Math.max(0, a < 0 ? a + rank : a));
}

function sliceLength(d: OnnxDim, start: number, end: number, step: number): OnnxDim {
  if (!isKnown(d)) return start === 0 && end >= 2 ** 31 - 1 && step === 1 ? d : UNKNOWN;
  return step === 0 ? UNKNOWN : sliceRange(d, start, end, step).count;
}

/** Output spatial size of a convolution or pool along one axis. */
function windowOutput(
  input: OnnxDim, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number,
  autoPad: string, ceil: boolean,
): OnnxDim {
  if (!isKnown(input)) return UNKNOWN;
  const effective = dilation * (kernel - 1) + 1;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(input / stride);
  if (autoPad === 'VALID') return Math.floor((input - effective) / stride) + 1;
  const span = input + padBegin + padEnd - effective;
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // The last window must start inside the input or the leading padding (as PyTorch and onnxruntime).
  if (ceil && (out - 1) * stride >= input + padBegin) out--;
  return out;
}

function spatialParams(node: OnnxNode, kernel: readonly number[]) {
  const n = kernel.length;
  return {
    strides: intsAttr(node, 'strides') ?? Array(n).fill(1),
    dilations: intsAttr(node, 'dilations') ?? Array(n).fill(1),
    pads: intsAttr(node, 'pads') ?? Array(2 * n).fill(0),
    autoPad: stringAttr(node, 'auto_pad', 'NOTSET'),
  };
}

function convShape(node: OnnxNode, x: readonly OnnxDim[], w: readonly OnnxDim[] | null, ctx: InferContext): OnnxDim[] | null {
  const kernel = intsAttr(node, 'kernel_shape') ?? (w && w.slice(2).every(isKnown) ? (w.slice(2) as number[]) : null);
  if (!kernel || !w) return null;
  if (x.length !== kernel.length + 2) fail(node, ctx, `input of rank ${x.length} for a ${kernel.length}-D kernel`);
  const { strides, dilations, pads, autoPad } = spatialParams(node, kernel);
  const group = intAttr(node, 'group', 1);
  if (isKnown(x[1]) && isKnown(w[1]) && x[1] !== w[1] * group) {
    fail(node, ctx, `input has ${x[1]} channels, the weight expects ${w[1]} × group ${group}`);
  }
  return [x[0], w[0], ...kernel.map((k, i) => windowOutput(x[i + 2], k, strides[i], dilations[i], pads[i], pads[i + kernel.length], autoPad, false))];
}

function convTransposeShape(node: OnnxNode, x: readonly OnnxDim[], w: readonly OnnxDim[] | null): OnnxDim[] | null {
  const kernel = intsAttr(node, 'kernel_shape') ?? (w && w.slice(2).every(isKnown) ? (w.slice(2) as number[]) : null);
  if (!kernel || !w) return null;
  const { strides, dilations, pads, autoPad } = spatialParams(node, kernel);
  const group = intAttr(node, 'group', 1);
  const outPad = intsAttr(node, 'output_padding') ?? kernel.map(() => 0);
  const outputShape = intsAttr(node, 'output_shape');
  const channels = dimMul(w[1], group);
  if (outputShape) return [x[0], channels, ...outputShape.slice(-kernel.length)];
  return [x[0], channels, ...kernel.map((k, i) => {
    const d = x[i + 2];
    if (!isKnown(d)) return UNKNOWN;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return d * strides[i];
    return strides[i] * (d - 1) + outPad[i] + (k - 1) * dilations[i] + 1 - pads[i] - pads[i + kernel.length];
  })];
}

function poolShape(node: OnnxNode, x: readonly OnnxDim[], kernel: readonly number[]): OnnxDim[] {
  const { strides, dilations, pads, autoPad } = spatialParams(node, kernel);
  const ceil = intAttr(node, 'ceil_mode', 0) === 1;
  return [x[0], x[1], ...kernel.map((k, i) => windowOutput(x[i + 2], k, strides[i], dilations[i], pads[i], pads[i + kernel.length], autoPad, ceil))];
}

function matMulShape(a: readonly OnnxDim[], b: readonly OnnxDim[], node: OnnxNode, ctx: InferContext): OnnxDim[] {
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const [k1, k2] = [a2[a2.length - 1], b2[b2.length - 2]];
  if (isKnown(k1) && isKnown(k2) && k1 !== k2) fail(node, ctx, `inner dimensions differ: [${a.join(', ')}] × [${b.join(', ')}]`);
  const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)]);
  if (!batch) fail(node, ctx, `batch dimensions do not broadcast: [${a.join(', ')}] × [${b.join(', ')}]`);
  const out = [...batch, a2[a2.length - 2], b2[b2.length - 1]];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.pop();
  return out;
}

function reshapeShape(x: readonly OnnxDim[], shape: readonly number[], allowZero: boolean, node: OnnxNode, ctx: InferContext): OnnxDim[] {
  const out: OnnxDim[] = shape.map((d, i) => (d === 0 && !allowZero ? x[i] : d));
  const free = out.indexOf(-1);
  if (free < 0) return out;
  // -1 = (elements of x) / (elements of the rest), cancelling symbolic dims that appear on both sides.
  const symbols = (dims: readonly OnnxDim[]) => dims.filter((d) => !isKnown(d)).map(String).sort();
  const numeric = (dims: readonly OnnxDim[]) => dims.filter(isKnown).reduce((a, b) => a * b, 1);
  const rest = out.filter((_, i) => i !== free);
  const [inSym, outSym] = [symbols(x), symbols(rest)];
  const remaining = [...inSym];
  for (const sym of outSym) {
    const k = remaining.indexOf(sym);
    if (k < 0) return out.map((d, i) => (i === free ? UNKNOWN : d));
    remaining.splice(k, 1);
  }
  const total = numeric(x), known = numeric(rest);
  if (known === 0 || total % known !== 0) fail(node, ctx, `cannot reshape [${x.join(', ')}] to [${shape.join(', ')}]`);
  out[free] = dimMul(product(remaining), total / known);
  return out;
}

function recurrentShapes(node: OnnxNode, x: readonly OnnxDim[] | null, dtype: OnnxDtype | null, lstm: boolean): ValueType[] {
  const hidden = intAttr(node, 'hidden_size', 0) || UNKNOWN;
  const dirs = stringAttr(node, 'direction', 'forward') === 'bidirectional' ? 2 : 1;
  const batchFirst = intAttr(node, 'layout', 0) === 1;
  if (!x) return [{ dtype, shape: null }, { dtype, shape: null }, { dtype, shape: null }];
  const [seq, batch] = batchFirst ? [x[1], x[0]] : [x[0], x[1]];
  const y = batchFirst ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden];
  const state = batchFirst ? [batch, dirs, hidden] : [dirs, batch, hidden];
  const types: ValueType[] = [{ dtype, shape: y }, { dtype, shape: state }];
  if (lstm) types.push({ dtype, shape: state });
  return types;
}


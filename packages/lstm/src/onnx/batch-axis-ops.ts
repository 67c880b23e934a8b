/**
 * Shape operators on values whose batch axis is not their first ONNX axis: the time-major values
 * around recurrent operators (X [T, N, I] made by a Transpose, Y [T, dirs, N, H], Y_h [dirs, N, H]).
 * The engine stores such a value batch first (layout `batch-at-k`); these converters carry that
 * through Transpose, Squeeze, Unsqueeze, Reshape, Gather and Slice, the operators exporters write to
 * feed a recurrent operator and to take its last step (PyTorch `out[:, -1]`, `h_n[-1]`, tf2onnx's
 * Squeeze of Y_h). Every other case goes to core's converter of the operator, unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { onnxImport, type OnnxConversionContext, type OnnxDim, type OnnxOpConverter } from '@xai/core';
import { intValues } from './recurrent-weights.js';

type Layout = onnxImport.Layout;

const { intAttr, intsAttr, batchAtLayout, batchAxisOf, registerOnnxOp, onnxOpConverter, OnnxFunctionNode } = onnxImport;

/** ONNX axes in engine storage order: engine axis i holds ONNX axis storage[i]. */
export function storageOrder(layout: Layout, rank: number): number[] {
  const axes = Array.from({ length: rank }, (_, i) => i);
  if (layout === 'channels-last') return rank >= 3 ? [0, ...axes.slice(2), 1] : axes;
  const b = batchAxisOf(layout);
  return [b, ...axes.filter((a) => a !== b)];
}

const isIdentity = (perm: readonly number[]) => perm.every((p, i) => p === i);
const normalizeAxis = (a: number, rank: number) => (a < 0 ? a + rank : a);

/** The engine shape of a value without its batch axis (-1 for one unknown size). */
function engineTarget(ctx: OnnxConversionContext, shape: readonly OnnxDim[], layout: Layout): number[] {
  const dims = storageOrder(layout, shape.length).slice(1).map((a) => shape[a]!);
  const target = dims.map((d) => (typeof d === 'number' ? d : -1));
  if (target.filter((d) => d === -1).length > 1) ctx.unsupported(`a result [${shape.join(', ')}] with several axes of unknown size besides the batch axis`);
  return target;
}

/** Emits a node computing `forward` on x's engine tensor (a rearrangement) and binds the output in `layout`. */
function rearrange(ctx: OnnxConversionContext, x: string, kind: string, layout: Layout, forward: (t: tf.Tensor) => tf.Tensor): void {
  const id = ctx.newTensor();
  ctx.emit(new OnnxFunctionNode(ctx.name, ctx.node.opType, [ctx.tensor(x, ctx.layout(x))], id, { kind, nonNegative: 'preserves', forward: ([t]) => forward(t!) }));
  ctx.bind(ctx.node.outputs[0]!, id, layout);
}

function reshapeTo(ctx: OnnxConversionContext, x: string, layout: Layout): void {
  const target = engineTarget(ctx, ctx.shape(ctx.node.outputs[0]!), layout);
  rearrange(ctx, x, 'reshape', layout, (t) => t.reshape([t.shape[0]!, ...target]));
}

const movedBatch = (ctx: OnnxConversionContext, value: string) => batchAxisOf(ctx.layout(value)) !== 0;

function transpose(ctx: OnnxConversionContext, core: OnnxOpConverter): void {
  const x = ctx.node.inputs[0]!;
  const rank = ctx.shape(x).length;
  const perm = intsAttr(ctx.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm[0] === 0 && !movedBatch(ctx, x)) return core(ctx);
  const from = ctx.layout(x);
  const inOrder = storageOrder(from, rank);
  const out = batchAtLayout(perm.indexOf(inOrder[0]!));
  // Engine axis i of the result holds ONNX output axis outOrder[i], i.e. input axis perm[outOrder[i]].
  const enginePerm = storageOrder(out, rank).map((o) => inOrder.indexOf(perm[o]!));
  if (isIdentity(enginePerm)) {
    ctx.bind(ctx.node.outputs[0]!, ctx.tensor(x, from), out);
    return;
  }
  rearrange(ctx, x, 'permute', out, (t) => tf.transpose(t, enginePerm));
}

function squeeze(ctx: OnnxConversionContext, core: OnnxOpConverter, unsqueeze: boolean): void {
  const x = ctx.node.inputs[0]!;
  if (!movedBatch(ctx, x)) return core(ctx);
  if (ctx.node.inputs[1]) ctx.unsupported('axes that are not constant');
  const shape = ctx.shape(x);
  const b = batchAxisOf(ctx.layout(x));
  const outRank = ctx.shape(ctx.node.outputs[0]!).length;
  const given = intsAttr(ctx.node, 'axes');
  if (unsqueeze) {
    const axes = (given ?? []).map((a) => normalizeAxis(a, outRank));
    const kept = Array.from({ length: outRank }, (_, i) => i).filter((i) => !axes.includes(i));
    return reshapeTo(ctx, x, batchAtLayout(kept[b]!));
  }
  const axes = given ? given.map((a) => normalizeAxis(a, shape.length)) : shape.flatMap((d, i) => (d === 1 ? [i] : []));
  if (axes.includes(b)) ctx.unsupported(`squeezing axis ${b}, the batch axis of '${x}'`);
  reshapeTo(ctx, x, batchAtLayout(b - axes.filter((a) => a < b).length));
}

const product = (dims: readonly OnnxDim[]): number | null => dims.reduce<number | null>((p, d) => (p !== null && typeof d === 'number' ? p * d : null), 1);

/** A Reshape that keeps the batch axis whole: the axes before it and after it are reshaped separately. */
function reshape(ctx: OnnxConversionContext, core: OnnxOpConverter): void {
  const x = ctx.node.inputs[0]!;
  if (!movedBatch(ctx, x)) return core(ctx);
  const [inShape, outShape] = [ctx.shape(x), ctx.shape(ctx.node.outputs[0]!)];
  const b = batchAxisOf(ctx.layout(x));
  const [before, after] = [product(inShape.slice(0, b)), product(inShape.slice(b + 1))];
  const at = outShape.findIndex((_, k) => before !== null && after !== null && product(outShape.slice(0, k)) === before && product(outShape.slice(k + 1)) === after);
  if (at < 0) ctx.unsupported(`a reshape [${inShape.join(', ')}] → [${outShape.join(', ')}] that mixes the batch axis ${b} of '${x}' with other axes`);
  reshapeTo(ctx, x, batchAtLayout(at));
}

function gather(ctx: OnnxConversionContext, core: OnnxOpConverter): void {
  const [data, indices] = ctx.node.inputs as [string, string];
  if (ctx.constant(data) || !movedBatch(ctx, data)) return core(ctx);
  const shape = ctx.shape(data);
  const b = batchAxisOf(ctx.layout(data));
  const axis = normalizeAxis(intAttr(ctx.node, 'axis', 0), shape.length);
  if (axis === b) ctx.unsupported(`gathering along axis ${b}, the batch axis of '${data}'`);
  const idx = ctx.constant(indices) ?? ctx.unsupported('indices that are not constant for a computed table');
  const n = shape[axis];
  if (typeof n !== 'number') ctx.unsupported(`axis ${axis} of unknown size`);
  const index = ctx.keep(tf.tensor(Int32Array.from(intValues(idx), (v) => (v < 0 ? v + (n as number) : v)), [...idx.dims], 'int32'));
  const engineAxis = storageOrder(ctx.layout(data), shape.length).indexOf(axis);
  rearrange(ctx, data, 'slice', batchAtLayout(b < axis ? b : b - 1 + idx.dims.length), (t) => tf.gather(t, index, engineAxis));
}

function slice(ctx: OnnxConversionContext, core: OnnxOpConverter): void {
  const x = ctx.node.inputs[0]!;
  if (!movedBatch(ctx, x)) return core(ctx);
  if (ctx.node.inputs.slice(1).some(Boolean)) ctx.unsupported('starts/ends/axes/steps that are not constant');
  const shape = ctx.shape(x);
  const rank = shape.length;
  const layout = ctx.layout(x);
  const b = batchAxisOf(layout);
  const order = storageOrder(layout, rank);
  const starts = intsAttr(ctx.node, 'starts') ?? [];
  const ends = intsAttr(ctx.node, 'ends') ?? [];
  const axes = (intsAttr(ctx.node, 'axes') ?? starts.map((_, i) => i)).map((a) => normalizeAxis(a, rank));
  const steps = intsAttr(ctx.node, 'steps') ?? starts.map(() => 1);
  const begin = Array(rank).fill(0);
  const end: (number | null)[] = Array(rank).fill(null); // null: the whole axis
  const stride = Array(rank).fill(1);
  axes.forEach((a, k) => {
    if (a === b) ctx.unsupported(`slicing axis ${b}, the batch axis of '${x}'`);
    const n = shape[a];
    if (typeof n !== 'number') ctx.unsupported(`axis ${a} of unknown size`);
    const size = n as number;
    const step = steps[k]!;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + size : v, lo), hi);
    const e = order.indexOf(a);
    begin[e] = step > 0 ? clamp(starts[k]!, 0, size) : clamp(starts[k]!, -1, size - 1);
    end[e] = step > 0 ? clamp(ends[k]!, 0, size) : clamp(ends[k]!, -1, size - 1);
    stride[e] = step;
  });
  rearrange(ctx, x, 'slice', layout, (t) => {
    const e = end.map((v, i) => v ?? t.shape[i]!);
    // tfjs' stridedSlice reads a negative end as counted from the back: end −1 (before the start) → mask.
    const endMask = e.reduce((m, v, i) => (v < 0 ? m | (1 << i) : m), 0);
    return tf.stridedSlice(t, begin, e.map((v) => Math.max(v, 0)), stride, 0, endMask);
  });
}

const HANDLERS: Readonly<Record<string, (ctx: OnnxConversionContext, core: OnnxOpConverter) => void>> = {
  Transpose: transpose,
  Squeeze: (ctx, core) => squeeze(ctx, core, false),
  Unsqueeze: (ctx, core) => squeeze(ctx, core, true),
  Reshape: reshape,
  Gather: gather,
  Slice: slice,
};

/** Wraps core's converters of these operators so that they also read batch-moved values (call once: the plugin's registration). */
export function registerBatchAxisOps(): void {
  for (const [opType, handle] of Object.entries(HANDLERS)) {
    const core = onnxOpConverter(opType);
    if (core) registerOnnxOp(opType, (ctx) => handle(ctx, core));
  }
}

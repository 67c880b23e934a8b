/**
 * Shape operators on values whose batch axis is not their first ONNX axis: the time-major values
 * around recurrent operators (X [T, N, I] made by a Transpose, Y [T, dirs, N, H], Y_h [dirs, N, H]).
 * The engine stores such a value batch first (layout `batch-at-k`); these converters carry that
 * through Transpose, Squeeze, Unsqueeze, Reshape, Gather and Slice, the operators exporters write to
 * feed a recurrent operator and to take its last step (PyTorch `out[:, -1]`, `h_n[-1]`, tf2onnx's
 * Squeeze of Y_h). Every other case goes to core's converter of the operator, unchanged, except
 * Gather from a constant embedding table (see `embedding`).
 */
import * as tf from '@tensorflow/tfjs';
import { onnxImport, type GraphNode, type OnnxConversionContext, type OnnxDim, type OnnxOpConverter } from '@xai/core';
import { EmbeddingNode } from '../embedding-node.js';
import { floatValues, intValues } from './recurrent-weights.js';
import { SelectNode, slicePositions, type Pick } from './select-node.js';

type Layout = onnxImport.StoredLayout;

const { intAttr, intsAttr, batchAtLayout, batchAxisOf, registerOnnxOp, onnxOpConverter, ReshapeNode, PermuteNode } = onnxImport;

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

/**
 * Emits the engine's rearrangement node (a ReshapeNode, or a PermuteNode of the axes after the
 * batch axis) on x's engine tensor and binds the output in `layout`: the nodes every executor runs.
 */
function rearrange(ctx: OnnxConversionContext, x: string, layout: Layout, make: (input: number, output: number) => GraphNode): void {
  const id = ctx.newTensor();
  ctx.emit(make(ctx.tensor(x, ctx.storedLayout(x)), id));
  ctx.bind(ctx.node.outputs[0]!, id, layout);
}

function reshapeTo(ctx: OnnxConversionContext, x: string, layout: Layout): void {
  const target = engineTarget(ctx, ctx.shape(ctx.node.outputs[0]!), layout);
  rearrange(ctx, x, layout, (input, output) => new ReshapeNode(ctx.name, ctx.name, ctx.node.opType, [input], output, target));
}

const movedBatch = (ctx: OnnxConversionContext, value: string) => batchAxisOf(ctx.storedLayout(value)) !== 0;

function transpose(ctx: OnnxConversionContext, core: OnnxOpConverter): void {
  const x = ctx.node.inputs[0]!;
  const rank = ctx.shape(x).length;
  const perm = intsAttr(ctx.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm[0] === 0 && !movedBatch(ctx, x)) return core(ctx);
  const from = ctx.storedLayout(x);
  const inOrder = storageOrder(from, rank);
  const out = batchAtLayout(perm.indexOf(inOrder[0]!));
  // Engine axis i of the result holds ONNX output axis outOrder[i], i.e. input axis perm[outOrder[i]].
  const enginePerm = storageOrder(out, rank).map((o) => inOrder.indexOf(perm[o]!));
  if (isIdentity(enginePerm)) {
    ctx.bind(ctx.node.outputs[0]!, ctx.tensor(x, from), out);
    return;
  }
  // Engine axis 0 is the batch axis on both sides (enginePerm[0] = 0).
  rearrange(ctx, x, out, (input, output) => new PermuteNode(ctx.name, ctx.name, ctx.node.opType, [input], output, enginePerm.slice(1)));
}

function squeeze(ctx: OnnxConversionContext, core: OnnxOpConverter, unsqueeze: boolean): void {
  const x = ctx.node.inputs[0]!;
  if (!movedBatch(ctx, x)) return core(ctx);
  if (ctx.node.inputs[1]) ctx.unsupported('axes that are not constant');
  const shape = ctx.shape(x);
  const b = batchAxisOf(ctx.storedLayout(x));
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
  const b = batchAxisOf(ctx.storedLayout(x));
  const [before, after] = [product(inShape.slice(0, b)), product(inShape.slice(b + 1))];
  const at = outShape.findIndex((_, k) => before !== null && after !== null && product(outShape.slice(0, k)) === before && product(outShape.slice(k + 1)) === after);
  if (at < 0) ctx.unsupported(`a reshape [${inShape.join(', ')}] → [${outShape.join(', ')}] that mixes the batch axis ${b} of '${x}' with other axes`);
  reshapeTo(ctx, x, batchAtLayout(at));
}

/**
 * An embedding (a float table gathered along axis 0 at integer ids, PyTorch nn.Embedding) becomes
 * the plugin's EmbeddingNode, as a Keras Embedding does: its LRP default `embedding_sum` gives each
 * token the relevance of its vector.
 */
function embedding(ctx: OnnxConversionContext, core: OnnxOpConverter): void {
  const [data, indices] = ctx.node.inputs as [string, string];
  const table = ctx.constant(data)!;
  const integerIds = /^u?int/.test(ctx.dtype(indices) ?? '');
  const floatTable = /^(b?float)/.test(table.dtype);
  if (intAttr(ctx.node, 'axis', 0) !== 0 || table.dims.length !== 2 || !floatTable || !integerIds || ctx.constant(indices) || movedBatch(ctx, indices)) return core(ctx);
  const weights = ctx.keep(tf.tensor2d(floatValues(table), [table.dims[0]!, table.dims[1]!]));
  const id = ctx.newTensor();
  ctx.emit(new EmbeddingNode(ctx.name, ctx.name, 'Gather', [ctx.tensor(indices)], id, weights, false)); // ONNX has no mask: every id is a token
  ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
}

/** Emits a SelectNode over x's engine tensor; `picks` name ONNX axes (mapped here to engine axes). */
function select(ctx: OnnxConversionContext, x: string, picks: readonly Pick[], layout: Layout): void {
  const order = storageOrder(ctx.storedLayout(x), ctx.shape(x).length);
  const id = ctx.newTensor();
  const engine = picks.map((p) => ({ ...p, axis: order.indexOf(p.axis) }));
  ctx.emit(new SelectNode(ctx.name, ctx.name, ctx.node.opType, [ctx.tensor(x, ctx.storedLayout(x))], id, engine));
  ctx.bind(ctx.node.outputs[0]!, id, layout);
}

function knownSize(ctx: OnnxConversionContext, x: string, axis: number): number {
  const n = ctx.shape(x)[axis];
  if (typeof n !== 'number') ctx.unsupported(`axis ${axis} of unknown size`);
  return n as number;
}

/** Gather of a computed value at constant indices (any layout): a SelectNode. */
function gather(ctx: OnnxConversionContext, core: OnnxOpConverter): void {
  const [data, indices] = ctx.node.inputs as [string, string];
  if (ctx.constant(data)) return embedding(ctx, core);
  const idx = ctx.constant(indices);
  if (!idx) return core(ctx);
  const shape = ctx.shape(data);
  const b = batchAxisOf(ctx.storedLayout(data));
  const axis = normalizeAxis(intAttr(ctx.node, 'axis', 0), shape.length);
  if (axis === b) ctx.unsupported(`gathering along axis ${b}, the batch axis of '${data}'`);
  const size = knownSize(ctx, data, axis);
  const positions = intValues(idx).map((v) => (v < 0 ? v + size : v));
  if (positions.some((v) => v < 0 || v >= size)) ctx.unsupported(`indices [${intValues(idx)}] outside axis ${axis} of size ${size}`);
  // The index dims replace the axis; the batch axis moves by them if it comes after.
  select(ctx, data, [{ axis, indices: positions, dims: idx.dims, size }], batchAtLayout(b < axis ? b : b - 1 + idx.dims.length));
}

/** Slice with constant starts/ends/axes/steps (any layout): one pick per sliced axis. */
function slice(ctx: OnnxConversionContext, core: OnnxOpConverter): void {
  const x = ctx.node.inputs[0]!;
  if (ctx.node.inputs.slice(1).some(Boolean)) return core(ctx);
  const rank = ctx.shape(x).length;
  const b = batchAxisOf(ctx.storedLayout(x));
  const starts = intsAttr(ctx.node, 'starts') ?? [];
  const ends = intsAttr(ctx.node, 'ends') ?? [];
  const axes = (intsAttr(ctx.node, 'axes') ?? starts.map((_, i) => i)).map((a) => normalizeAxis(a, rank));
  const steps = intsAttr(ctx.node, 'steps') ?? starts.map(() => 1);
  const picks = axes.map((axis, k): Pick => {
    if (axis === b) ctx.unsupported(`slicing axis ${b}, the batch axis of '${x}'`);
    if (steps[k] === 0) ctx.unsupported(`step 0 on axis ${axis}`);
    const size = knownSize(ctx, x, axis);
    const indices = slicePositions(starts[k]!, ends[k]!, steps[k]!, size);
    return { axis, indices, dims: [indices.length], size };
  });
  select(ctx, x, picks, ctx.storedLayout(x));
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

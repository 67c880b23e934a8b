/** MaxPool, AveragePool (pads, count_include_pad, ceil_mode), GlobalAveragePool, GlobalMaxPool — channels-last. */
import * as tf from '@tensorflow/tfjs';
import { GlobalPoolingNode, PoolingNode } from '../../../../nodes/pooling-node.js';
import { PadCropNode, ReshapeNode } from '../../../../nodes/shape-nodes.js';
import { computePads, type WindowGeometry } from '../../../../ops/conv-geometry.js';
import { intAttr, intsAttr, stringAttr } from '../../normalize/attributes.js';
import { OnnxFunctionNode } from '../function-node.js';
import { registerOnnxOp, type OnnxConversionContext } from '../registry.js';

const LOWEST_FLOAT = -3.4028234663852886e38;

/**
 * Per spatial axis, how many input positions (real ones, and with count_include_pad the explicit
 * pads as well, never the ceil_mode extension) each output window of an average pool covers.
 */
function windowCounts(n: number, k: number, s: number, [before, after]: readonly [number, number], out: number, countPads: boolean): number[] {
  const [lo, hi] = countPads ? [-before, n + after] : [0, n];
  return Array.from({ length: out }, (_, o) => {
    const start = o * s - before;
    return Math.max(0, Math.min(start + k, hi) - Math.max(start, lo));
  });
}

/**
 * Pools are run as a plain 'valid' window over an input padded first: by the explicit pads (or
 * those auto_pad implies) plus, with ceil_mode, what the last partial window reaches past them.
 * Max pads with the lowest float (no value wins there); average pads with zeros and, where a window
 * covers fewer positions than its size (count_include_pad = 0 over pads, or a partial ceil_mode
 * window), multiplies by a constant correction — ONNX's divisor for each output position.
 */
function windowPool(ctx: OnnxConversionContext, kind: 'max' | 'avg'): void {
  const node = ctx.node;
  const x = node.inputs[0]!;
  const size = intsAttr(node, 'kernel_shape') ?? ctx.unsupported('no kernel_shape');
  const rank = size.length;
  const strides = intsAttr(node, 'strides') ?? Array(rank).fill(1);
  if ((intsAttr(node, 'dilations') ?? []).some((d) => d !== 1)) ctx.unsupported('dilated pooling');
  if (node.outputs.length > 1 && node.outputs[1]) ctx.unsupported('the Indices output of MaxPool');
  const spatial = ctx.shape(x).slice(2);
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  const raw = intsAttr(node, 'pads') ?? Array(2 * rank).fill(0);
  const ceil = intAttr(node, 'ceil_mode', 0) === 1;
  const countPads = kind === 'avg' && intAttr(node, 'count_include_pad', 0) === 1;
  const known = spatial.every((d) => typeof d === 'number');
  let pads: [number, number][] = Array.from({ length: rank }, (_, i) => [raw[i]!, raw[i + rank]!]);
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    if (!known) ctx.unsupported(`auto_pad ${autoPad} over axes of unknown size`);
    const tfSame = computePads({ size, strides, dilations: Array(rank).fill(1), padding: 'same' }, spatial as number[]);
    pads = autoPad === 'SAME_UPPER' ? tfSame : tfSame.map(([a, b]) => [b, a]);
  } else if (autoPad === 'VALID') pads = pads.map(() => [0, 0]);
  const padded = pads.some(([a, b]) => a || b);
  if (!padded && !ceil) return emitPool(ctx, kind, size, strides, ctx.tensor(x, 'channels-last'), null, null);
  if (!known) ctx.unsupported(`${ceil ? 'ceil_mode = 1' : 'pads'} over axes of unknown size`);
  const n = spatial as number[];
  // Output size as ONNX (and PyTorch) define it: a last window starting in the end padding is dropped.
  const out = n.map((d, i) => {
    const span = d + pads[i]![0] + pads[i]![1] - size[i]!;
    let o = (ceil ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
    if (ceil && (o - 1) * strides[i]! >= d + pads[i]![0]) o--;
    return o;
  });
  const total: [number, number][] = pads.map(([a, b], i) => [a, Math.max(b, (out[i]! - 1) * strides[i]! + size[i]! - n[i]! - a)]);
  const counts = n.map((d, i) => windowCounts(d, size[i]!, strides[i]!, pads[i]!, out[i]!, countPads));
  const full = size.reduce((a, b) => a * b, 1);
  let correction: tf.Tensor | null = null;
  if (kind === 'avg' && counts.some((c, i) => c.some((v) => v !== size[i]))) {
    // The divisor is a product over axes: the correction is an outer product of per-axis factors.
    correction = tf.tidy(() => {
      let c: tf.Tensor = tf.ones([1]);
      for (const axis of counts) c = tf.mul(c.expandDims(-1), tf.tensor1d(axis));
      const divisor = c.reshape([1, ...out, 1]);
      return tf.where(tf.greater(divisor, 0), tf.div(full, tf.maximum(divisor, 1)), tf.zerosLike(divisor));
    });
  }
  return emitPool(ctx, kind, size, strides, ctx.tensor(x, 'channels-last'), total, correction);
}

function emitPool(
  ctx: OnnxConversionContext, kind: 'max' | 'avg', size: readonly number[], strides: readonly number[],
  input: number, pads: [number, number][] | null, correction: tf.Tensor | null,
): void {
  const rank = size.length;
  if (pads) {
    const padded = ctx.newTensor();
    ctx.emit(kind === 'avg'
      ? new PadCropNode(`${ctx.name}/pad`, ctx.name, 'Pad', [input], padded, pads)
      // The lowest float32, not −∞: rules may multiply the (never winning) padding by zero.
      : new OnnxFunctionNode(`${ctx.name}/pad`, 'Pad', [input], padded, { kind: 'pad-crop', padding: { pads, value: LOWEST_FLOAT }, forward: ([t]) => tf.pad(t!, [[0, 0], ...pads, [0, 0]], LOWEST_FLOAT) }));
    input = padded;
  }
  const geometry: WindowGeometry = { size, strides, dilations: Array(rank).fill(1), padding: 'valid' };
  const pooled = ctx.newTensor();
  ctx.emit(new PoolingNode(ctx.name, ctx.name, ctx.node.opType, [input], pooled, kind, geometry));
  if (!correction) return ctx.bind(ctx.node.outputs[0]!, pooled, 'channels-last');
  const c = correction;
  const id = ctx.newTensor();
  // A constant positive factor per output position: element-wise, relevance passes unchanged.
  ctx.emit(new OnnxFunctionNode(`${ctx.name}/divisor`, 'AveragePool', [pooled], id, { kind: 'elementwise', forward: ([t]) => tf.mul(t!, c), nonNegative: 'preserves', owned: [c] }));
  ctx.bind(ctx.node.outputs[0]!, id, 'channels-last');
}

registerOnnxOp('MaxPool', (ctx) => windowPool(ctx, 'max'));
registerOnnxOp('AveragePool', (ctx) => windowPool(ctx, 'avg'));

for (const [opType, kind] of [['GlobalAveragePool', 'avg'], ['GlobalMaxPool', 'max']] as const) {
  registerOnnxOp(opType, (ctx) => {
    const x = ctx.node.inputs[0]!;
    const rank = ctx.shape(x).length;
    const channels = ctx.shape(x)[1];
    if (typeof channels !== 'number') ctx.unsupported('a channel axis of unknown size');
    const pooled = ctx.newTensor();
    const id = ctx.newTensor();
    ctx.emit(
      new GlobalPoolingNode(ctx.name, ctx.name, opType, [ctx.tensor(x, 'channels-last')], pooled, kind),
      new ReshapeNode(`${ctx.name}/keepdims`, ctx.name, opType, [pooled], id, [channels as number, ...Array(rank - 2).fill(1)]),
    );
    ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
  });
}

/** Gemm/MatMul with weights, Conv (1-D/2-D/3-D, grouped, depthwise) and BatchNormalization. */
import * as tf from '@tensorflow/tfjs';
import { ConvOp, DenseOp, DepthwiseConvOp, type LinearOp } from '../../../../graph/linear-op.js';
import { AffineNode } from '../../../../nodes/affine-node.js';
import { LinearNode } from '../../../../nodes/linear-node.js';
import { MatMulNode } from '../../../../nodes/matmul-node.js';
import type { WindowGeometry } from '../../../../ops/conv-geometry.js';
import { floatAttr, intAttr, intsAttr, stringAttr } from '../../normalize/attributes.js';
import { registerOnnxOp, type OnnxConversionContext } from '../registry.js';
import { numbers } from '../tensors.js';
import { ConvTransposeOp } from '../conv-transpose-op.js';

const constantOrNull = (ctx: OnnxConversionContext, i: number) => (ctx.node.inputs[i] ? ctx.constant(ctx.node.inputs[i]!) : null);

/** MatMul(x, W[K, N] (, b[N])) — also what Gemm with constant weights becomes — or between two activations. */
registerOnnxOp('MatMul', (ctx) => {
  const [a, b] = ctx.node.inputs as [string, string];
  const weight = ctx.constant(b);
  const out = ctx.node.outputs[0]!;
  if (weight && weight.dims.length === 2 && !ctx.constant(a)) {
    const kernel = ctx.keep(tf.tensor(Float32Array.from(numbers(weight)), [...weight.dims]));
    const biasInit = constantOrNull(ctx, 2);
    const bias = biasInit ? ctx.keep(tf.tensor1d(Float32Array.from(numbers(biasInit)))) : null;
    const id = ctx.newTensor();
    const layerClass = ctx.node.attributes.gemm ? 'Gemm' : 'MatMul';
    ctx.emit(new LinearNode(ctx.name, ctx.name, layerClass, [ctx.tensor(a)], id, new DenseOp(kernel, bias), 'dense'));
    ctx.bind(out, id, 'onnx');
    return;
  }
  if (ctx.constant(a) || weight) ctx.unsupported('a MatMul with a constant other than a [K, N] weight as second operand');
  const id = ctx.newTensor();
  ctx.emit(new MatMulNode(ctx.name, ctx.name, 'MatMul', [ctx.tensor(a), ctx.tensor(b)], id));
  ctx.bind(out, id, 'onnx');
});

registerOnnxOp('Gemm', (ctx) => {
  // Gemm with constant B/C became MatMul(x, W, b) before conversion; what is left is refused.
  if (intAttr(ctx.node, 'transA', 0) !== 0) ctx.unsupported('transA = 1 (the batch axis must come first)');
  ctx.unsupported('a Gemm whose B (or C) is not a constant initializer, or whose C holds a bias per sample');
});

/** Explicit pads [b1 … bn, e1 … en] (auto_pad resolved) per spatial axis. */
function explicitPads(ctx: OnnxConversionContext, kernel: readonly number[], strides: readonly number[], dilations: readonly number[], spatial: readonly (number | string)[]): [number, number][] {
  const rank = kernel.length;
  const autoPad = stringAttr(ctx.node, 'auto_pad', 'NOTSET');
  if (autoPad === 'NOTSET' || autoPad === 'VALID') {
    const pads = autoPad === 'VALID' ? null : intsAttr(ctx.node, 'pads');
    return Array.from({ length: rank }, (_, i) => [pads?.[i] ?? 0, pads?.[i + rank] ?? 0]);
  }
  return spatial.map((n, i) => {
    if (typeof n !== 'number') ctx.unsupported(`auto_pad ${autoPad} over a spatial axis of unknown size`);
    const k = (kernel[i]! - 1) * dilations[i]! + 1;
    const total = Math.max((Math.ceil((n as number) / strides[i]!) - 1) * strides[i]! + k - (n as number), 0);
    const small = Math.floor(total / 2);
    return autoPad === 'SAME_LOWER' ? [total - small, small] : [small, total - small];
  });
}

/** ONNX kernel [O, I/g, ...k] → Keras [...k, I, O]; grouped convolutions as a block-diagonal kernel. */
function kernelChannelsLast(w: number[], dims: readonly number[], group: number): tf.Tensor {
  const [O, Ig, ...k] = dims as number[];
  const I = Ig! * group;
  const spatial = k.reduce((a, b) => a * b, 1);
  const out = new Float32Array(spatial * I * O!);
  const perGroupOut = O! / group;
  for (let o = 0; o < O!; o++) {
    const g = Math.floor(o / perGroupOut);
    for (let ci = 0; ci < Ig!; ci++) {
      const i = g * Ig! + ci;
      for (let s = 0; s < spatial; s++) out[(s * I + i) * O! + o] = w[(o * Ig! + ci) * spatial + s]!;
    }
  }
  return tf.tensor(out, [...k, I, O!]);
}

/** The attributes Conv and ConvTranspose share: constant weights, 1–3 spatial axes, the window. */
function windowedLinear(ctx: OnnxConversionContext) {
  const node = ctx.node;
  const [x, wName] = node.inputs as [string, string];
  const W = ctx.constant(wName) ?? ctx.unsupported('weights that are not a constant initializer');
  const rank = W.dims.length - 2;
  if (rank < 1 || rank > 3) ctx.unsupported(`${rank} spatial axes`);
  const group = intAttr(node, 'group', 1);
  const size = intsAttr(node, 'kernel_shape') ?? W.dims.slice(2);
  const strides = intsAttr(node, 'strides') ?? Array(rank).fill(1);
  const dilations = intsAttr(node, 'dilations') ?? Array(rank).fill(1);
  if (strides.some((v) => v > 1) && dilations.some((d) => d > 1)) ctx.unsupported('strides and dilations both above 1 (tfjs cannot run them together)');
  return { node, x, W, rank, group, size, strides, dilations };
}

registerOnnxOp('Conv', (ctx) => {
  const { node, x, W, rank, group, size, strides, dilations } = windowedLinear(ctx);
  const inShape = ctx.shape(x);
  const pads = explicitPads(ctx, size, strides, dilations, inShape.slice(2));
  const geometry: WindowGeometry = { size, strides, dilations, padding: 'valid', ...(pads.some(([a, b]) => a || b) ? { pads } : {}) };
  const biasInit = constantOrNull(ctx, 2);
  if (node.inputs[2] && !biasInit) ctx.unsupported('a bias that is not a constant initializer');
  const bias = biasInit ? ctx.keep(tf.tensor1d(Float32Array.from(numbers(biasInit)))) : null;
  const w = numbers(W);
  const [O, Ig] = W.dims as [number, number];
  const channels = Ig * group;
  let op: LinearOp;
  if (group > 1 && Ig === 1 && rank === 2) {
    // Depthwise (with multiplier M = O / C): ONNX output channel c·M + m ↔ Keras kernel [kh, kw, c, m].
    const M = O / channels;
    const kernel = ctx.keep(tf.tidy(() => tf.tensor(Float32Array.from(w), [channels, M, ...size]).transpose([2, 3, 0, 1])));
    op = new DepthwiseConvOp(kernel, bias, geometry);
  } else {
    op = new ConvOp(ctx.keep(kernelChannelsLast(w, W.dims, group)), bias, geometry);
  }
  const id = ctx.newTensor();
  ctx.emit(new LinearNode(ctx.name, ctx.name, 'Conv', [ctx.tensor(x, 'channels-last')], id, op, 'conv'));
  ctx.bind(node.outputs[0]!, id, 'channels-last');
});

/** A BatchNormalization the fusing pass left (nothing linear before it): y = x·s + t per channel (axis 1). */
registerOnnxOp('BatchNormalization', (ctx) => {
  const [x, ...params] = ctx.node.inputs as string[];
  const values = params.slice(0, 4).map((p) => ctx.constant(p) ?? ctx.unsupported(`parameter '${p}' is not a constant initializer`));
  const [gamma, beta, mean, variance] = values.map(numbers) as [number[], number[], number[], number[]];
  const eps = floatAttr(ctx.node, 'epsilon', 1e-5);
  const s = gamma.map((g, c) => g / Math.sqrt(variance[c]! + eps));
  const t = beta.map((b, c) => b - mean[c]! * s[c]!);
  const rank = ctx.shape(x).length;
  const layout = rank >= 3 ? 'channels-last' : 'onnx';
  const shape = rank >= 3 ? [...Array(rank - 2).fill(1), s.length] : [s.length];
  const id = ctx.newTensor();
  ctx.emit(new AffineNode(ctx.name, ctx.name, 'BatchNormalization', [ctx.tensor(x, layout)], id, tf.tensor(s, shape), tf.tensor(t, shape), eps));
  ctx.bind(ctx.node.outputs[0]!, id, layout);
});

/**
 * Pads [begin, end] per spatial axis of a ConvTranspose, read as the convolution it transposes (from
 * the output back to the input): explicit `pads`, or — with `output_shape` or auto_pad SAME_UPPER /
 * SAME_LOWER — the total padding stride·(in−1) + output_padding + k_eff − out split as onnxruntime
 * (1.30, as the spec) splits it: SAME_UPPER puts the odd one at the end, SAME_LOWER and an
 * explicit `output_shape` (auto_pad NOTSET) at the beginning.
 */
function transposePads(ctx: OnnxConversionContext, size: readonly number[], strides: readonly number[], dilations: readonly number[], inSpatial: readonly number[], outSpatial: readonly number[]): [number, number][] {
  const node = ctx.node;
  const rank = size.length;
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  if (!['NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER'].includes(autoPad)) ctx.unsupported(`auto_pad ${autoPad}`);
  const computed = intsAttr(node, 'output_shape') !== null || autoPad.startsWith('SAME');
  if (!computed) {
    const raw = autoPad === 'VALID' ? null : intsAttr(node, 'pads');
    return Array.from({ length: rank }, (_, i) => [raw?.[i] ?? 0, raw?.[i + rank] ?? 0]);
  }
  const outPad = intsAttr(node, 'output_padding') ?? Array(rank).fill(0);
  return size.map((k, i) => {
    const total = strides[i]! * (inSpatial[i]! - 1) + outPad[i]! + (k - 1) * dilations[i]! + 1 - outSpatial[i]!;
    if (total < 0) ctx.unsupported(`output_shape ${outSpatial.join('×')} beyond the full transposed convolution on spatial axis ${i}`);
    const half = Math.floor(total / 2);
    return autoPad === 'SAME_UPPER' ? [half, total - half] : [total - half, half];
  });
}

/** ConvTranspose: W [Cin, Cout/g, ...k] is the kernel of the convolution it transposes. */
registerOnnxOp('ConvTranspose', (ctx) => {
  const { node, x, W, group, size, strides, dilations } = windowedLinear(ctx);
  const inShape = ctx.shape(x).slice(2);
  const outShape = ctx.shape(node.outputs[0]!).slice(2);
  if (![...inShape, ...outShape].every((d) => typeof d === 'number')) ctx.unsupported('spatial axes of unknown size');
  const pads = transposePads(ctx, size, strides, dilations, inShape as number[], outShape as number[]);
  const [Cin, Cog] = W.dims as [number, number];
  // The transposed convolution maps Cout → Cin with kernel K[...k, co, ci] = W[ci, co, ...k]: as a Conv weight [Cin, Cout/g, ...k] that is exactly W.
  const kernel = ctx.keep(kernelChannelsLast(numbers(W), [Cin, Cog, ...W.dims.slice(2)], group)); // [...k, Cog·g, Cin]
  const biasInit = constantOrNull(ctx, 2);
  const bias = biasInit ? ctx.keep(tf.tensor1d(Float32Array.from(numbers(biasInit)))) : null;
  const geometry: WindowGeometry = { size, strides, dilations, padding: 'valid', pads };
  const id = ctx.newTensor();
  ctx.emit(new LinearNode(ctx.name, ctx.name, 'ConvTranspose', [ctx.tensor(x, 'channels-last')], id, new ConvTransposeOp(kernel, bias, geometry, outShape as number[]), 'conv'));
  ctx.bind(node.outputs[0]!, id, 'channels-last');
});

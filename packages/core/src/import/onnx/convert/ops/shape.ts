/** Shape operators: Flatten, Reshape, Squeeze, Unsqueeze, Transpose, Concat, Split, Slice, Gather, Pad, reductions, normalisations. */
import * as tf from '@tensorflow/tfjs';
import { LayerNormNode } from '../../../../nodes/layer-norm-node.js';
import { oneHotRows, scatterAlong } from '../../../../ops/scatter-along.js';
import { ConcatenateNode } from '../../../../nodes/merge-nodes.js';
import { PadCropNode, PermuteNode, ReshapeNode } from '../../../../nodes/shape-nodes.js';
import type { OnnxDim } from '../../model.js';
import { floatAttr, intAttr, intsAttr, stringAttr } from '../../normalize/attributes.js';
import { OnnxFunctionNode } from '../function-node.js';
import { registerOnnxOp, type OnnxConversionContext } from '../registry.js';
import { channelsLastAxis, numbers, toTensor } from '../tensors.js';

const sameDim = (a: OnnxDim | undefined, b: OnnxDim | undefined) => a === b;

/** A reshape that keeps the batch axis: the output shape (from shape inference) without it. */
function reshapeTo(ctx: OnnxConversionContext, x: string): void {
  const out = ctx.node.outputs[0]!;
  const [inShape, outShape] = [ctx.shape(x), ctx.shape(out)];
  if (!sameDim(inShape[0], outShape[0])) ctx.unsupported(`a reshape that changes the batch axis ([${inShape}] → [${outShape}])`);
  const target = outShape.slice(1).map((d) => (typeof d === 'number' ? d : -1));
  if (target.filter((d) => d === -1).length > 1) ctx.unsupported(`a target shape [${outShape}] with several unknown dimensions`);
  const id = ctx.newTensor();
  ctx.emit(new ReshapeNode(ctx.name, ctx.name, ctx.node.opType, [ctx.tensor(x)], id, target));
  ctx.bind(out, id, 'onnx');
}

registerOnnxOp('Flatten', (ctx) => {
  if (intAttr(ctx.node, 'axis', 1) !== 1) ctx.unsupported(`axis ${intAttr(ctx.node, 'axis', 1)} (only axis 1 keeps the batch axis)`);
  reshapeTo(ctx, ctx.node.inputs[0]!);
});
registerOnnxOp('Reshape', (ctx) => reshapeTo(ctx, ctx.node.inputs[0]!));
for (const op of ['Squeeze', 'Unsqueeze']) {
  registerOnnxOp(op, (ctx) => {
    if (ctx.node.inputs[1]) ctx.unsupported('axes that are not constant');
    if ((intsAttr(ctx.node, 'axes') ?? []).includes(0)) ctx.unsupported('axes including the batch axis 0');
    reshapeTo(ctx, ctx.node.inputs[0]!);
  });
}

registerOnnxOp('Transpose', (ctx) => {
  const x = ctx.node.inputs[0]!;
  const rank = ctx.shape(x).length;
  const perm = intsAttr(ctx.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm[0] !== 0) ctx.unsupported(`perm [${perm}] moves the batch axis`);
  const id = ctx.newTensor();
  ctx.emit(new PermuteNode(ctx.name, ctx.name, 'Transpose', [ctx.tensor(x)], id, perm.slice(1)));
  ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
});

registerOnnxOp('Concat', (ctx) => {
  const ins = ctx.node.inputs.filter(Boolean);
  if (ins.some((v) => ctx.constant(v))) ctx.unsupported('a constant operand');
  const rank = ctx.shape(ins[0]!).length;
  const axis = intAttr(ctx.node, 'axis', 0);
  if (axis === 0) ctx.unsupported('concatenation along the batch axis');
  // Channels-last when every operand already is (concatenating conv branches), else the model's layout.
  const layout = rank >= 3 && ins.every((v) => ctx.layout(v) === 'channels-last') ? 'channels-last' : 'onnx';
  const id = ctx.newTensor();
  ctx.emit(new ConcatenateNode(ctx.name, ctx.name, 'Concat', ins.map((v) => ctx.tensor(v, layout)), id, layout === 'onnx' ? axis : channelsLastAxis(axis, rank)));
  ctx.bind(ctx.node.outputs[0]!, id, layout);
});

/** begin/size of a slice along one axis of a value of known size there. */
function axisSize(ctx: OnnxConversionContext, x: string, axis: number): number {
  const d = ctx.shape(x)[axis];
  if (axis === 0) ctx.unsupported('slicing along the batch axis');
  if (typeof d !== 'number') ctx.unsupported(`axis ${axis} of unknown size`);
  return d as number;
}

registerOnnxOp('Split', (ctx) => {
  const x = ctx.node.inputs[0]!;
  if (ctx.node.inputs[1]) ctx.unsupported('split sizes that are not constant');
  const axis = intAttr(ctx.node, 'axis', 0);
  const total = axisSize(ctx, x, axis);
  const sizes = intsAttr(ctx.node, 'split') ?? Array(ctx.node.outputs.length).fill(total / ctx.node.outputs.length);
  const input = ctx.tensor(x);
  let begin = 0;
  ctx.node.outputs.forEach((out, k) => {
    const [start, size] = [begin, sizes[k]!];
    begin += size;
    const id = ctx.newTensor();
    ctx.emit(new OnnxFunctionNode(`${ctx.name}/${k}`, 'Split', [input], id, {
      kind: 'slice',
      nonNegative: 'preserves',
      forward: ([t]) => tf.slice(t!, t!.shape.map((_, i) => (i === axis ? start : 0)), t!.shape.map((_, i) => (i === axis ? size : -1))),
    }));
    ctx.bind(out, id, 'onnx');
  });
});

registerOnnxOp('Slice', (ctx) => {
  const x = ctx.node.inputs[0]!;
  if (ctx.node.inputs.slice(1).some(Boolean)) ctx.unsupported('starts/ends/axes/steps that are not constant');
  const rank = ctx.shape(x).length;
  const starts = intsAttr(ctx.node, 'starts') ?? [];
  const ends = intsAttr(ctx.node, 'ends') ?? [];
  const axes = intsAttr(ctx.node, 'axes') ?? starts.map((_, i) => i);
  const steps = intsAttr(ctx.node, 'steps') ?? starts.map(() => 1);
  const begin = Array(rank).fill(0);
  const end = Array(rank).fill(0);
  const stride = Array(rank).fill(1);
  const full = Array.from({ length: rank }, (_, i) => !axes.some((a) => (a < 0 ? a + rank : a) === i));
  axes.forEach((a0, k) => {
    const a = a0 < 0 ? a0 + rank : a0;
    const n = axisSize(ctx, x, a);
    const step = steps[k]!;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    begin[a] = step > 0 ? clamp(starts[k]!, 0, n) : clamp(starts[k]!, -1, n - 1);
    end[a] = step > 0 ? clamp(ends[k]!, 0, n) : clamp(ends[k]!, -1, n - 1);
    stride[a] = step;
  });
  // The positions kept along each sliced axis (for the gradient: scattered back per axis).
  const picked = axes.map((a0) => {
    const a = a0 < 0 ? a0 + rank : a0;
    const positions: number[] = [];
    for (let i = begin[a]; stride[a] > 0 ? i < end[a] : i > end[a]; i += stride[a]) positions.push(i);
    return [a, ctx.keep(oneHotRows(positions, axisSize(ctx, x, a)))] as const;
  });
  const id = ctx.newTensor();
  ctx.emit(new OnnxFunctionNode(ctx.name, 'Slice', [ctx.tensor(x)], id, {
    kind: 'slice',
    nonNegative: 'preserves',
    vjp: (_t, _y, g) => [picked.length === 0 ? tf.clone(g) : tf.tidy(() => picked.reduce((acc, [a, scatter]) => scatterAlong(acc, a, scatter), g))],
    forward: ([t]) => {
      const e = end.map((v, i) => (full[i] ? t!.shape[i]! : v));
      // tfjs' stridedSlice reads a negative end as counted from the back: end −1 (before the start) → mask.
      const endMask = e.reduce((m, v, i) => (v < 0 ? m | (1 << i) : m), 0);
      return tf.stridedSlice(t!, begin, e.map((v) => Math.max(v, 0)), stride, 0, endMask);
    },
  }));
  ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
});

registerOnnxOp('Gather', (ctx) => {
  const [data, indices] = ctx.node.inputs as [string, string];
  const axis = intAttr(ctx.node, 'axis', 0);
  const id = ctx.newTensor();
  const table = ctx.constant(data);
  if (table) {
    // An embedding: a constant table read at computed (integer) indices.
    if (axis !== 0) ctx.unsupported('a constant table gathered along an axis other than 0');
    const weights = ctx.keep(toTensor(table));
    ctx.emit(new OnnxFunctionNode(ctx.name, 'Gather', [ctx.tensor(indices)], id, { kind: 'embedding', forward: ([i]) => tf.tidy(() => tf.gather(weights, tf.cast(i!, 'int32'))), onnx: { operands: [weights, null] } }));
  } else {
    const idx = ctx.constant(indices) ?? ctx.unsupported('indices that are not constant for a computed table');
    if (axis === 0) ctx.unsupported('gathering along the batch axis');
    const n = axisSize(ctx, data, axis);
    const values = numbers(idx).map((v) => (v < 0 ? v + n : v));
    const index = ctx.keep(tf.tensor(Int32Array.from(values), [...idx.dims], 'int32'));
    const scatter = ctx.keep(oneHotRows(values, n));
    ctx.emit(new OnnxFunctionNode(ctx.name, 'Gather', [ctx.tensor(data)], id, {
      kind: 'slice',
      nonNegative: 'preserves',
      forward: ([t]) => tf.gather(t!, index, axis),
      vjp: ([t], _y, g) => [tf.tidy(() => scatterAlong(g.reshape([...t!.shape.slice(0, axis), values.length, ...t!.shape.slice(axis + 1)]), axis, scatter))],
      onnx: { operands: [null, index], attributes: { axis } },
    }));
  }
  ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
});

registerOnnxOp('Pad', (ctx) => {
  const x = ctx.node.inputs[0]!;
  if (ctx.node.inputs.slice(1).some(Boolean)) ctx.unsupported('pads or value that are not constant');
  const mode = stringAttr(ctx.node, 'mode', 'constant');
  const rank = ctx.shape(x).length;
  const raw = intsAttr(ctx.node, 'pads') ?? ctx.unsupported('no pads');
  const axes = intsAttr(ctx.node, 'axes') ?? Array.from({ length: rank }, (_, i) => i);
  const pads: [number, number][] = Array.from({ length: rank }, () => [0, 0]);
  axes.forEach((a, k) => (pads[a < 0 ? a + rank : a] = [raw[k]!, raw[k + axes.length]!]));
  const value = floatAttr(ctx.node, 'value', 0);
  if (pads[0]!.some(Boolean)) ctx.unsupported('padding the batch axis');
  const id = ctx.newTensor();
  if (mode === 'constant' && value === 0 && rank >= 3 && !pads[1]!.some(Boolean)) {
    // Zero padding of spatial axes: a rearrangement, relevance goes back to the unpadded region.
    ctx.emit(new PadCropNode(ctx.name, ctx.name, 'Pad', [ctx.tensor(x, 'channels-last')], id, pads.slice(2)));
    ctx.bind(ctx.node.outputs[0]!, id, 'channels-last');
    return;
  }
  if (mode !== 'constant' && mode !== 'reflect') ctx.unsupported(`mode '${mode}'`);
  if (pads.some(([a, b]) => a < 0 || b < 0)) ctx.unsupported('negative pads (cropping) outside spatial axes');
  ctx.emit(new OnnxFunctionNode(ctx.name, 'Pad', [ctx.tensor(x)], id, {
    kind: 'pad',
    forward: ([t]) => (mode === 'reflect' ? tf.mirrorPad(t!, pads, 'reflect') : tf.pad(t!, pads, value)),
  }));
  ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
});

const reductions: Record<string, (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor> = {
  ReduceMean: (x, a, k) => tf.mean(x, a, k),
  ReduceSum: (x, a, k) => tf.sum(x, a, k),
  ReduceMax: (x, a, k) => tf.max(x, a, k),
  ReduceMin: (x, a, k) => tf.min(x, a, k),
};
for (const [opType, reduce] of Object.entries(reductions)) {
  registerOnnxOp(opType, (ctx) => {
    const x = ctx.node.inputs[0]!;
    if (ctx.node.inputs[1]) ctx.unsupported('axes that are not constant');
    const rank = ctx.shape(x).length;
    const given = intsAttr(ctx.node, 'axes');
    const axes = given && given.length > 0 ? given.map((a) => (a < 0 ? a + rank : a)) : intAttr(ctx.node, 'noop_with_empty_axes', 0) ? [] : Array.from({ length: rank }, (_, i) => i);
    if (axes.includes(0)) ctx.unsupported('reducing over the batch axis');
    const keep = intAttr(ctx.node, 'keepdims', 1) === 1;
    const id = ctx.newTensor();
    ctx.emit(new OnnxFunctionNode(ctx.name, opType, [ctx.tensor(x)], id, { kind: 'reduce', forward: ([t]) => (axes.length ? reduce(t!, axes, keep) : tf.clone(t!)) }));
    ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
  });
}

/** Normalisation over `axes` with a constant scale and shift broadcast along the rest. */
function normalisation(ctx: OnnxConversionContext, axes: (rank: number) => number[], scaleShape: (rank: number, n: number) => number[]): void {
  const [x, scaleName, biasName] = ctx.node.inputs as [string, string, string | undefined];
  const rank = ctx.shape(x).length;
  const eps = floatAttr(ctx.node, 'epsilon', 1e-5);
  const scaleInit = ctx.constant(scaleName) ?? ctx.unsupported('a scale that is not a constant initializer');
  const biasInit = biasName ? ctx.constant(biasName) ?? ctx.unsupported('a bias that is not a constant initializer') : null;
  const scale = ctx.keep(tf.tensor(Float32Array.from(numbers(scaleInit)), scaleShape(rank, numbers(scaleInit).length)));
  const bias = biasInit ? ctx.keep(tf.tensor(Float32Array.from(numbers(biasInit)), scaleShape(rank, numbers(biasInit).length))) : null;
  const over = axes(rank);
  const id = ctx.newTensor();
  ctx.emit(new OnnxFunctionNode(ctx.name, ctx.node.opType, [ctx.tensor(x)], id, {
    kind: 'normalization',
    forward: ([t]) =>
      tf.tidy(() => {
        const { mean, variance } = tf.moments(t!, over, true);
        const y = tf.mul(tf.div(tf.sub(t!, mean), tf.sqrt(tf.add(variance, eps))), scale);
        return bias ? tf.add(y, bias) : y;
      }),
  }));
  ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
}

registerOnnxOp('LayerNormalization', (ctx) => {
  const rank0 = ctx.shape(ctx.node.inputs[0]!).length;
  const axis = intAttr(ctx.node, 'axis', -1);
  const start = axis < 0 ? axis + rank0 : axis;
  if (start === 0) ctx.unsupported('normalising over the batch axis');
  const [x, scaleName, biasName] = ctx.node.inputs as [string, string, string | undefined];
  const param = (name: string) => {
    const t = ctx.constant(name) ?? ctx.unsupported(`parameter '${name}' is not a constant initializer`);
    return ctx.keep(tf.tensor(Float32Array.from(numbers(t)), [...t.dims]));
  };
  const axes = Array.from({ length: rank0 - start }, (_, i) => start + i);
  const id = ctx.newTensor();
  ctx.emit(new LayerNormNode(ctx.name, ctx.name, 'LayerNormalization', [ctx.tensor(x)], id, axes, param(scaleName), biasName ? param(biasName) : null, floatAttr(ctx.node, 'epsilon', 1e-5)));
  ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
});
registerOnnxOp('InstanceNormalization', (ctx) =>
  normalisation(ctx, (r) => Array.from({ length: r - 2 }, (_, i) => i + 2), (r, n) => [n, ...Array(r - 2).fill(1)]),
);

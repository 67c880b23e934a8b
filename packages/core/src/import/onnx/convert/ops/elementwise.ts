/** Element-wise activations and arithmetic (Add/Sub/Mul/Div/Pow with constants and between branches). */
import * as tf from '@tensorflow/tfjs';
import { ActivationNode, activationFunction } from '../../../../nodes/activation-node.js';
import { AddNode } from '../../../../nodes/merge-nodes.js';
import { floatAttr, intAttr } from '../../normalize/attributes.js';
import { OnnxFunctionNode, type OnnxFunctionSpec } from '../function-node.js';
import { registerOnnxOp, type OnnxConversionContext } from '../registry.js';
import { dtypeFromCode } from '../../dtype.js';
import { isIntegerDtype, toChannelsLast, toTensor } from '../tensors.js';

/** Runs an element-wise node in whatever layout its input already has. */
function unary(ctx: OnnxConversionContext, make: (input: number, output: number) => OnnxFunctionNode | ActivationNode): void {
  const x = ctx.node.inputs[0]!;
  const layout = ctx.layout(x);
  const id = ctx.newTensor();
  ctx.emit(make(ctx.tensor(x, layout), id));
  ctx.bind(ctx.node.outputs[0]!, id, layout);
}

function activation(opType: string, keras: string, params: (ctx: OnnxConversionContext) => Record<string, number>): void {
  registerOnnxOp(opType, (ctx) => {
    const p = params(ctx);
    const fn = activationFunction(keras, p)!;
    unary(ctx, (i, o) => new ActivationNode(ctx.name, ctx.name, opType, [i], o, keras, fn, p.maxValue !== undefined, p));
  });
}

activation('Relu', 'relu', () => ({}));
activation('Elu', 'elu', (ctx) => ({ alpha: floatAttr(ctx.node, 'alpha', 1) }));
activation('LeakyRelu', 'leakyRelu', (ctx) => ({ alpha: floatAttr(ctx.node, 'alpha', 0.01) }));
activation('Sigmoid', 'sigmoid', () => ({}));
activation('Tanh', 'tanh', () => ({}));
activation('Softplus', 'softplus', () => ({}));
activation('Softsign', 'softsign', () => ({}));

function elementwise(opType: string, forward: (x: tf.Tensor, ctx: OnnxConversionContext) => tf.Tensor, nonNegative?: boolean): void {
  registerOnnxOp(opType, (ctx) => unary(ctx, (i, o) => new OnnxFunctionNode(ctx.name, opType, [i], o, { kind: 'elementwise', forward: ([x]) => forward(x!, ctx), nonNegative })));
}

registerOnnxOp('Clip', (ctx) => {
  const min = ctx.node.attributes.min as number | undefined;
  const max = ctx.node.attributes.max as number | undefined;
  if (ctx.node.inputs.length > 1 && ctx.node.inputs.slice(1).some(Boolean)) ctx.unsupported('min/max that are not constants');
  if (min === 0) {
    const p = max === undefined ? {} : { maxValue: max };
    const fn = activationFunction('relu', p)!;
    unary(ctx, (i, o) => new ActivationNode(ctx.name, ctx.name, 'Clip', [i], o, max === 6 ? 'relu6' : 'relu', fn, max !== undefined, p));
    return;
  }
  unary(ctx, (i, o) => new OnnxFunctionNode(ctx.name, 'Clip', [i], o, { kind: 'elementwise', forward: ([x]) => tf.clipByValue(x!, min ?? -Infinity, max ?? Infinity) }));
});
const SELU = [1.6732632423543772, 1.0507009873554805];
elementwise('Selu', (x, ctx) => {
  const [alpha, gamma] = [floatAttr(ctx.node, 'alpha', SELU[0]!), floatAttr(ctx.node, 'gamma', SELU[1]!)];
  return tf.tidy(() => tf.mul(gamma, tf.where(tf.greater(x, 0), x, tf.mul(alpha, tf.sub(tf.exp(x), 1)))));
});
elementwise('HardSigmoid', (x, ctx) => tf.tidy(() => tf.clipByValue(tf.add(tf.mul(x, floatAttr(ctx.node, 'alpha', 0.2)), floatAttr(ctx.node, 'beta', 0.5)), 0, 1)), true);
elementwise('HardSwish', (x) => tf.tidy(() => tf.mul(x, tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1))));
elementwise('Mish', (x) => tf.tidy(() => tf.mul(x, tf.tanh(tf.softplus(x)))));
elementwise('Erf', (x) => tf.erf(x));
elementwise('Gelu', (x) => tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))))));
elementwise('Neg', (x) => tf.neg(x));
elementwise('Abs', (x) => tf.abs(x), true);
elementwise('Exp', (x) => tf.exp(x), true);
elementwise('Log', (x) => tf.log(x));
elementwise('Sqrt', (x) => tf.sqrt(x), true);
elementwise('Reciprocal', (x) => tf.reciprocal(x));

/** Cast to float or integer (an attention mask of ids turned into floats): gradients pass between floats, none from integers. */
registerOnnxOp('Cast', (ctx) => {
  const to = ctx.node.attributes.to;
  const dtype = typeof to === 'number' && isIntegerDtype(dtypeFromCode(to)) ? 'int32' : 'float32';
  const onnx = { attributes: { to: dtype === 'int32' ? 6 : 1 } };
  unary(ctx, (i, o) => new OnnxFunctionNode(ctx.name, 'Cast', [i], o, { kind: 'cast', forward: ([x]) => tf.cast(x!, dtype), nonNegative: 'preserves', onnx }));
});

const softmaxAlong = (x: tf.Tensor, axis: number) =>
  tf.tidy(() => {
    const e = tf.exp(tf.sub(x, tf.max(x, axis, true)));
    return tf.div(e, tf.sum(e, axis, true));
  });

registerOnnxOp('Softmax', (ctx) => {
  const x = ctx.node.inputs[0]!;
  const rank = ctx.shape(x).length;
  const axis = intAttr(ctx.node, 'axis', -1);
  const last = axis === -1 || axis === rank - 1;
  const id = ctx.newTensor();
  ctx.emit(last
    ? new ActivationNode(ctx.name, ctx.name, 'Softmax', [ctx.tensor(x)], id, 'softmax', activationFunction('softmax', { axis: -1 })!, false, { axis: -1 })
    : new OnnxFunctionNode(ctx.name, 'Softmax', [ctx.tensor(x)], id, { kind: 'softmax', forward: ([t]) => softmaxAlong(t!, axis), nonNegative: true }));
  ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
});
registerOnnxOp('LogSoftmax', (ctx) => {
  const x = ctx.node.inputs[0]!;
  const axis = intAttr(ctx.node, 'axis', -1);
  const id = ctx.newTensor();
  ctx.emit(new OnnxFunctionNode(ctx.name, 'LogSoftmax', [ctx.tensor(x)], id, { kind: 'softmax', forward: ([t]) => tf.tidy(() => tf.log(softmaxAlong(t!, axis))) }));
  ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
});

const binaryOps: Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  Add: tf.add, Sub: tf.sub, Mul: tf.mul, Div: tf.div, Pow: tf.pow, Max: tf.maximum, Min: tf.minimum,
};

/**
 * A constant operand, shaped to meet a value stored in `layout`: raised to the value's rank and,
 * for channels-last, with its axes moved like the value's.
 */
function constantFor(ctx: OnnxConversionContext, name: string, rank: number, layout: 'onnx' | 'channels-last'): tf.Tensor {
  const t = toTensor(ctx.constant(name)!);
  if (t.size === 1 || layout === 'onnx' || rank < 3) return ctx.keep(t);
  return ctx.keep(tf.tidy(() => t.reshape([...Array(rank - t.rank).fill(1), ...t.shape]).transpose(toChannelsLast(rank))));
}

for (const [opType, op] of Object.entries(binaryOps)) {
  registerOnnxOp(opType, (ctx) => {
    const [a, b] = ctx.node.inputs as [string, string];
    const out = ctx.node.outputs[0]!;
    const [ca, cb] = [ctx.constant(a), ctx.constant(b)];
    if (ca && cb) ctx.unsupported('two constant operands (normalisation should have folded them)');
    const id = ctx.newTensor();
    if (ca || cb) {
      // With a constant: a shift or scale, LRP passes relevance through (like an unmerged BatchNorm).
      const value = ca ? b : a;
      const rank = ctx.shape(value).length;
      const layout = ctx.constant(ca ? a : b)!.dims.length > rank ? 'onnx' : ctx.layout(value);
      const k = constantFor(ctx, ca ? a : b, rank, layout);
      const spec: OnnxFunctionSpec = { kind: 'elementwise', forward: ([x]) => (ca ? op(k, x!) : op(x!, k)), onnx: { operands: ca ? [k, null] : [null, k] } };
      ctx.emit(new OnnxFunctionNode(ctx.name, opType, [ctx.tensor(value, layout)], id, spec));
      ctx.bind(out, id, layout);
      return;
    }
    const [sa, sb] = [ctx.shape(a), ctx.shape(b)];
    const same = sa.length === sb.length && sa.every((d, i) => d === sb[i]);
    const layout = same && ctx.layout(a) === ctx.layout(b) ? ctx.layout(a) : 'onnx';
    const inputs = [ctx.tensor(a, layout), ctx.tensor(b, layout)];
    if (opType === 'Add' && same) {
      // Two branches of the same shape: the sum rule (`norm`, relevance in proportion to the addends).
      ctx.emit(new AddNode(ctx.name, ctx.name, 'Add', inputs, id));
    } else {
      ctx.emit(new OnnxFunctionNode(ctx.name, opType, inputs, id, { kind: opType === 'Add' ? 'broadcast-add' : 'product', forward: ([x, y]) => op(x!, y!) }));
    }
    ctx.bind(out, id, layout);
  });
}

registerOnnxOp('PRelu', (ctx) => {
  const [x, slopeName] = ctx.node.inputs as [string, string];
  if (!ctx.constant(slopeName)) ctx.unsupported('a slope that is not a constant initializer');
  const rank = ctx.shape(x).length;
  const layout = ctx.layout(x);
  // ONNX PRelu slopes are usually [C, 1, 1] (per channel): raised to rank like any constant operand.
  const slope = constantFor(ctx, slopeName, rank, layout);
  const id = ctx.newTensor();
  ctx.emit(new OnnxFunctionNode(ctx.name, 'PRelu', [ctx.tensor(x, layout)], id, { kind: 'elementwise', forward: ([t]) => tf.tidy(() => tf.where(tf.greater(t!, 0), t!, tf.mul(t!, slope))) }));
  ctx.bind(ctx.node.outputs[0]!, id, layout);
});

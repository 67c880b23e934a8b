/** Converters for the Keras layers core supports. Plugins add more through `registerLayer`. */
import * as tf from '@tensorflow/tfjs';
import { ActivationNode, activationFunction, supportedActivations } from '../nodes/activation-node.js';
import { AffineNode } from '../nodes/affine-node.js';
import { LinearNode, type LinearFamily } from '../nodes/linear-node.js';
import { AddNode, ConcatenateNode } from '../nodes/merge-nodes.js';
import { GlobalPoolingNode, PoolingNode } from '../nodes/pooling-node.js';
import { PadCropNode, PermuteNode, ReshapeNode } from '../nodes/shape-nodes.js';
import type { PaddingMode, WindowGeometry } from '../ops/conv-geometry.js';
import { ConvOp, DenseOp, DepthwiseConvOp, type LinearOp } from './linear-op.js';
import type { GraphNode } from './node.js';
import { registerLayer, type ConversionContext } from './registry.js';

const asArray = (v: number | number[] | undefined | null, rank: number, fallback: number): number[] =>
  v === undefined || v === null ? Array(rank).fill(fallback) : Array.isArray(v) ? (v.length === 1 && rank > 1 ? Array(rank).fill(v[0]) : v) : Array(rank).fill(v);

function requireChannelsLast(ctx: ConversionContext): void {
  const format = ctx.config.dataFormat;
  if (format && format !== 'channelsLast') ctx.unsupported(`dataFormat ${format}; only channelsLast is supported`);
}

function geometry(ctx: ConversionContext, rank: number, sizeKey: string, stridesFallbackToSize = false): WindowGeometry {
  const c = ctx.config;
  const size = asArray(c[sizeKey], rank, 1);
  const padding = (c.padding ?? 'valid') as PaddingMode;
  if (!['valid', 'same', 'causal'].includes(padding)) ctx.unsupported(`padding '${padding}'`);
  return {
    size,
    strides: c.strides === undefined || c.strides === null ? (stridesFallbackToSize ? size : asArray(1, rank, 1)) : asArray(c.strides, rank, 1),
    dilations: asArray(c.dilationRate, rank, 1),
    padding,
  };
}

/** Element-wise activation node for a Keras activation name (or null for 'linear' when fused). */
function activationNode(ctx: ConversionContext, name: string, input: number, output: number, nodeName: string, params = {}): ActivationNode {
  const fn = activationFunction(name, params);
  if (!fn) ctx.unsupported(`activation '${name}'; supported activations: ${supportedActivations().join(', ')}`);
  const clipped = (params as { maxValue?: number | null }).maxValue !== undefined && (params as { maxValue?: number | null }).maxValue !== null;
  return new ActivationNode(nodeName, ctx.name, ctx.className, [input], output, name, fn, clipped, params);
}

/** A linear op, then its fused activation as a separate node unless the activation is linear. */
function linearLayer(ctx: ConversionContext, op: LinearOp, family: LinearFamily): GraphNode[] {
  const activation: string = ctx.config.activation ?? 'linear';
  if (activation === 'linear') return [new LinearNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, op, family)];
  const z = ctx.newTensor();
  return [
    new LinearNode(ctx.name, ctx.name, ctx.className, ctx.inputs, z, op, family),
    activationNode(ctx, activation, z, ctx.output, `${ctx.name}/${activation}`),
  ];
}

function params(ctx: ConversionContext): { kernels: tf.Tensor[]; bias: tf.Tensor | null } {
  const w = ctx.weights();
  const useBias = ctx.config.useBias !== false;
  return { kernels: useBias ? w.slice(0, -1) : w, bias: useBias ? w[w.length - 1]! : null };
}

registerLayer('Dense', (ctx) => {
  const { kernels, bias } = params(ctx);
  return linearLayer(ctx, new DenseOp(kernels[0]!, bias), 'dense');
});

for (const rank of [1, 2, 3]) {
  registerLayer(`Conv${rank}D`, (ctx) => {
    requireChannelsLast(ctx);
    const g = geometry(ctx, rank, 'kernelSize');
    // tfjs computes causal Conv1D with 'valid' output shapes, so such models do not run consistently.
    if (g.padding === 'causal') ctx.unsupported("causal padding (tfjs itself does not run it like Keras)");
    if (g.strides.some((s) => s > 1) && g.dilations.some((d) => d > 1)) ctx.unsupported('strides and dilation both above 1');
    const { kernels, bias } = params(ctx);
    return linearLayer(ctx, new ConvOp(kernels[0]!, bias, g), 'conv');
  });
}

registerLayer('DepthwiseConv2D', (ctx) => {
  requireChannelsLast(ctx);
  const { kernels, bias } = params(ctx);
  return linearLayer(ctx, new DepthwiseConvOp(kernels[0]!, bias, geometry(ctx, 2, 'kernelSize')), 'conv');
});

/** SeparableConv2D = depthwise (no bias) then a pointwise 1×1 convolution: two linear nodes. */
registerLayer('SeparableConv2D', (ctx) => {
  requireChannelsLast(ctx);
  const { kernels, bias } = params(ctx);
  const g = geometry(ctx, 2, 'kernelSize');
  const depthwise = new DepthwiseConvOp(kernels[0]!, null, g);
  const pointwise = new ConvOp(kernels[1]!, bias, { size: [1, 1], strides: [1, 1], dilations: [1, 1], padding: 'valid' });
  const mid = ctx.newTensor();
  const first = new LinearNode(`${ctx.name}/depthwise`, ctx.name, ctx.className, ctx.inputs, mid, depthwise, 'conv');
  return [first, ...linearLayer({ ...ctx, inputs: [mid] }, pointwise, 'conv')];
});

for (const rank of [1, 2, 3]) {
  for (const [prefix, kind] of [['Max', 'max'], ['Average', 'avg']] as const) {
    registerLayer(`${prefix}Pooling${rank}D`, (ctx) => {
      requireChannelsLast(ctx);
      const g = geometry(ctx, rank, 'poolSize', true);
      return [new PoolingNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, kind, g)];
    });
    registerLayer(`Global${prefix}Pooling${rank}D`, (ctx) => {
      requireChannelsLast(ctx);
      if (ctx.config.keepdims) ctx.unsupported('keepdims');
      return [new GlobalPoolingNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, kind)];
    });
  }
}

const staticShape = (ctx: ConversionContext): number[] => {
  const dims = ctx.outputShape.slice(1);
  if (dims.some((d) => d === null)) ctx.unsupported('an output shape with unknown dimensions');
  return dims as number[];
};

registerLayer('Flatten', (ctx) => [new ReshapeNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, staticShape(ctx))]);
registerLayer('Reshape', (ctx) => [new ReshapeNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, staticShape(ctx))]);
registerLayer('Permute', (ctx) => [new PermuteNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, ctx.config.dims)]);
for (const identity of ['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']) {
  registerLayer(identity, (ctx) => [new ReshapeNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, null)]);
}

/** Keras padding/cropping specs → [before, after] per spatial axis. */
function pairs(spec: unknown, rank: number): [number, number][] {
  if (typeof spec === 'number') return Array.from({ length: rank }, () => [spec, spec]);
  const list = spec as (number | number[])[];
  if (rank === 1 && list.length === 2 && typeof list[0] === 'number') return [[list[0] as number, list[1] as number]];
  return list.map((p) => (typeof p === 'number' ? [p, p] : [p[0]!, p[1]!]));
}

registerLayer('ZeroPadding1D', (ctx) => [new PadCropNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, pairs(ctx.config.padding, 1))]);
registerLayer('ZeroPadding2D', (ctx) => {
  requireChannelsLast(ctx);
  return [new PadCropNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, pairs(ctx.config.padding, 2))];
});
const negate = (p: [number, number][]): [number, number][] => p.map(([a, b]) => [-a, -b]);
registerLayer('Cropping1D', (ctx) => [new PadCropNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, negate(pairs(ctx.config.cropping, 1)))]);
registerLayer('Cropping2D', (ctx) => {
  requireChannelsLast(ctx);
  return [new PadCropNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, negate(pairs(ctx.config.cropping, 2)))];
});

registerLayer('Activation', (ctx) => [activationNode(ctx, ctx.config.activation, ctx.inputs[0]!, ctx.output, ctx.name)]);
registerLayer('ReLU', (ctx) => [activationNode(ctx, 'relu', ctx.inputs[0]!, ctx.output, ctx.name, { maxValue: ctx.config.maxValue })]);
registerLayer('LeakyReLU', (ctx) => [activationNode(ctx, 'leakyRelu', ctx.inputs[0]!, ctx.output, ctx.name, { alpha: ctx.config.alpha })]);
registerLayer('ELU', (ctx) => [activationNode(ctx, 'elu', ctx.inputs[0]!, ctx.output, ctx.name, { alpha: ctx.config.alpha })]);
registerLayer('Softmax', (ctx) => [activationNode(ctx, 'softmax', ctx.inputs[0]!, ctx.output, ctx.name, { axis: ctx.config.axis })]);

registerLayer('Add', (ctx) => [new AddNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output)]);
registerLayer('Concatenate', (ctx) => [new ConcatenateNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, ctx.config.axis ?? -1)]);

/** Inference-time BatchNormalization as y = x·scale + shift (merged into a linear layer by the canonizer). */
registerLayer('BatchNormalization', (ctx) => {
  const c = ctx.config;
  const w = ctx.weights();
  let i = 0;
  const gamma = c.scale !== false ? w[i++]! : null;
  const beta = c.center !== false ? w[i++]! : null;
  const [mean, variance] = [w[i++]!, w[i++]!];
  const rank = ctx.inputShapes[0]!.length;
  const axis = (c.axis ?? -1) < 0 ? rank + (c.axis ?? -1) : c.axis;
  // Broadcast per-channel vectors along the normalised axis.
  const shape = Array.from({ length: rank - 1 }, (_, k) => (k + 1 === axis ? -1 : 1));
  const [scale, shift] = tf.tidy(() => {
    const s = tf.div(gamma ?? tf.onesLike(variance), tf.sqrt(tf.add(variance, c.epsilon ?? 1e-3)));
    const b = tf.sub(beta ?? tf.zerosLike(mean), tf.mul(mean, s));
    return [s.reshape(shape), b.reshape(shape)];
  });
  return [new AffineNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, scale, shift, c.epsilon ?? 1e-3)];
});

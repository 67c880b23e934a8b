/**
 * Forward and vector–Jacobian product of the graph's node kinds as ONNX nodes. A node kind without
 * an entry here is not compiled (the explanation falls back to tfjs and says which node).
 */
import type { GraphNode } from '../../graph/node.js';
import { ActivationNode } from '../../nodes/activation-node.js';
import { AffineNode } from '../../nodes/affine-node.js';
import { LinearNode } from '../../nodes/linear-node.js';
import { AddNode, ConcatenateNode } from '../../nodes/merge-nodes.js';
import { GlobalPoolingNode, PoolingNode } from '../../nodes/pooling-node.js';
import { PadCropNode, PermuteNode, ReshapeNode } from '../../nodes/shape-nodes.js';
import { computePads, outputSize, type WindowGeometry } from '../../ops/conv-geometry.js';
import { activationForward, activationGradient } from './activation-steps.js';
import { ortLinearMap, type ParamInitializers } from './linear-maps.js';
import { concatForward, concatVjp, globalMaxRoute, padCrop } from './merge-steps.js';
import { ortNodeSteps } from './node-extensions.js';
import { nodeWhere, notCompilable } from './not-compilable.js';
import { dimsIn, type Value, type Values } from './values.js';
import { identityParams } from '../../graph/linear-op.js';
import { transformerForward, transformerVjp } from './transformer-steps.js';

/** What the forward pass of one node left for its backward step. */
export interface ForwardResult {
  readonly output: Value;
  /** Max pooling: the arg-max of each window (flat NCHW index), for routing. */
  readonly indices?: string;
}


const poolWindow = (g: WindowGeometry, spatial: readonly number[]) => {
  const pads = computePads({ ...g, dilations: g.size.map(() => 1) }, spatial);
  return { kernel_shape: [...g.size], strides: [...g.strides], pads: [...pads.map(([a]) => a), ...pads.map(([, b]) => b)] };
};

const poolOut = (g: WindowGeometry, x: readonly number[]) => [x[0]!, ...outputSize({ ...g, dilations: g.size.map(() => 1) }, x.slice(1, -1)), x[x.length - 1]!];

export function emitForward(node: GraphNode, ins: Value[], v: Values, params: ParamInitializers): ForwardResult {
  const transformer = transformerForward(node, ins, v);
  if (transformer) return transformer;
  const x = ins[0]!;
  const extension = ortNodeSteps(node);
  if (extension) return { output: extension.forward(node, ins, v) };
  if (node instanceof LinearNode) return { output: ortLinearMap(node.op, v, params, nodeWhere(node)).forward(x, identityParams, identityParams) };
  if (node instanceof ActivationNode) return { output: activationForward(node, x, v, nodeWhere(node)) };
  if (node instanceof PoolingNode) {
    if (node.geometry.padding === 'causal') notCompilable(`causal pooling in ${nodeWhere(node)}`);
    const attrs = poolWindow(node.geometry, x.shape.slice(1, -1));
    const shape = poolOut(node.geometry, x.shape);
    if (node.pooling === 'max') {
      // Indices only when a backward step asks (a forward-only graph's MaxPool then runs in ORT's blocked layout).
      const y = v.w.op('MaxPool', [v.at(x, 'cf')], attrs);
      let indices: string | undefined;
      return {
        output: v.make(shape, y, 'cf'),
        get indices() {
          return (indices ??= v.w.addOutput(y, 'MaxPool_indices'));
        },
      };
    }
    return { output: v.make(shape, v.w.op('AveragePool', [v.at(x, 'cf')], { ...attrs, count_include_pad: 0 }), 'cf') };
  }
  if (node instanceof GlobalPoolingNode) {
    const layout = v.home(x);
    const rank = x.shape.length;
    const axes = layout === 'cf' ? Array.from({ length: rank - 2 }, (_, i) => i + 2) : Array.from({ length: rank - 2 }, (_, i) => i + 1);
    const y = v.w.op(node.pooling === 'max' ? 'ReduceMax' : 'ReduceMean', [v.at(x, layout)], { axes, keepdims: 0 });
    return { output: v.make([x.shape[0]!, x.shape[rank - 1]!], y, layout) };
  }
  if (node instanceof AddNode) {
    const layout = v.home(x);
    return { output: v.ew('Sum', ins, layout) };
  }
  if (node instanceof ConcatenateNode) return { output: concatForward(node.axis, ins, v) };
  if (node instanceof ReshapeNode) {
    if (!node.targetShape) return { output: x };
    const size = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const known = node.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    return { output: v.reshape(x, [x.shape[0]!, ...node.targetShape.map((d) => (d === -1 ? size / known : d))]) };
  }
  if (node instanceof PermuteNode) {
    const shape = node.perm.map((a) => x.shape[a]!);
    return { output: v.make(shape, v.w.op('Transpose', [v.at(x, 'cl')], { perm: node.perm }), 'cl') };
  }
  if (node instanceof AffineNode) {
    const layout = v.home(x);
    const rank = x.shape.length;
    const scale = v.channelConstant('scale', Float32Array.from(node.scale.dataSync()), rank, layout);
    const shift = v.channelConstant('shift', Float32Array.from(node.shift.dataSync()), rank, layout);
    return { output: v.make(x.shape, v.w.op('Add', [v.w.op('Mul', [v.at(x, layout), scale]), shift]), layout) };
  }
  const padding = constantPadding(node);
  if (padding) return { output: padCrop(x, padding.pads, padding.value, v) };
  return notCompilable(`${nodeWhere(node)}: node kind '${node.kind}' has no ONNX form`);
}

/** Zero padding (PadCropNode) or a declared constant padding (ONNX max pooling's lowest-float pad). */
function constantPadding(node: GraphNode): { pads: readonly (readonly [number, number])[]; value: number } | undefined {
  if (node instanceof PadCropNode) return { pads: node.pads, value: 0 };
  return (node as { padding?: { pads: readonly (readonly [number, number])[]; value: number } }).padding;
}

/** The node's transposed Jacobian applied to `r` (one value per input), as `node.vjp` computes it. */
export function emitVjp(node: GraphNode, ins: Value[], out: ForwardResult, r: Value, v: Values, params: ParamInitializers): (Value | null)[] {
  const transformer = transformerVjp(node, ins, out, r, v);
  if (transformer) return transformer;
  const x = ins[0]!;
  const extension = ortNodeSteps(node);
  if (extension?.vjp) return extension.vjp(node, ins, out.output, r, v);
  if (node instanceof LinearNode) return [ortLinearMap(node.op, v, params, nodeWhere(node)).backward(r, identityParams, x.shape)];
  if (node instanceof ActivationNode) return [activationGradient(node, x, out.output, r, v, nodeWhere(node))];
  if (node instanceof PoolingNode) {
    const rc = v.at(r, 'cf');
    if (node.pooling === 'max') {
      // Windows that do not overlap: MaxUnpool puts each value at its window's first arg-max (ORT
      // runs it in a third of ScatterElements' time on VGG-16's pools).
      if (node.geometry.strides.every((st, i) => st >= node.geometry.size[i]!)) {
        const attrs = poolWindow(node.geometry, x.shape.slice(1, -1));
        return [v.make(x.shape, v.w.op('MaxUnpool', [rc, out.indices!, v.w.int64s(dimsIn(x.shape, 'cf'))], attrs), 'cf')];
      }
      // Each window's value to its first arg-max, summed where windows overlap (MaxPool's Indices index the flat NCHW input).
      const size = x.shape.reduce((a, b) => a * b, 1);
      const zeros = v.filled([size], 0, 'cl');
      const flat = (name: string) => v.w.op('Reshape', [name, v.w.int64s([-1])]);
      const routed = v.w.op('ScatterElements', [zeros.names.cl!, flat(out.indices!), flat(rc)], { axis: 0, reduction: 'add' });
      return [v.make(x.shape, v.w.op('Reshape', [routed, v.w.int64s(dimsIn(x.shape, 'cf'))]), 'cf')];
    }
    return [avgPoolTranspose(node.geometry, x.shape, r, v)];
  }
  if (node instanceof GlobalPoolingNode) {
    if (node.pooling === 'max') return [globalMaxRoute(x, r, v)];
    const layout = v.home(x);
    const rank = x.shape.length;
    const positions = x.shape.slice(1, -1).reduce((a, b) => a * b, 1);
    const channels = x.shape[rank - 1]!;
    const lifted = layout === 'cf' ? [x.shape[0]!, channels, ...Array(rank - 2).fill(1)] : [x.shape[0]!, ...Array(rank - 2).fill(1), channels];
    const scaled = v.w.op('Div', [v.w.op('Reshape', [v.at(r, 'cl'), v.w.int64s(lifted)]), v.w.scalar(positions)]);
    return [v.make(x.shape, v.w.op('Expand', [scaled, v.w.int64s(dimsIn(x.shape, layout))]), layout)];
  }
  if (node instanceof AddNode) return ins.map(() => r);
  if (node instanceof ConcatenateNode) return concatVjp(node.axis, ins, r, v);
  if (node instanceof ReshapeNode) return [node.targetShape ? v.reshape(r, x.shape) : r];
  if (node instanceof PermuteNode) {
    const inverse = node.perm.map((_, i) => node.perm.indexOf(i));
    return [v.make(x.shape, v.w.op('Transpose', [v.at(r, 'cl')], { perm: inverse }), 'cl')];
  }
  if (node instanceof AffineNode) {
    const layout = v.home(r);
    const scale = v.channelConstant('scale', Float32Array.from(node.scale.dataSync()), r.shape.length, layout);
    return [v.make(r.shape, v.w.op('Mul', [v.at(r, layout), scale]), layout)];
  }
  const padding = constantPadding(node);
  if (padding) return [padCrop(r, padding.pads.map(([a, b]) => [-a, -b] as const), 0, v)]; // the transpose: crop what was padded, pad what was cropped
  return notCompilable(`the gradient of ${nodeWhere(node)}`);
}

/**
 * Average pooling's transposed Jacobian: each value divided by its window's count of real
 * positions (padding excluded, as the forward averages), spread over the window by a depthwise
 * transposed convolution with a kernel of ones.
 */
function avgPoolTranspose(g: WindowGeometry, xShape: readonly number[], r: Value, v: Values): Value {
  const spatial = xShape.slice(1, -1);
  const channels = xShape[xShape.length - 1]!;
  const attrs = poolWindow(g, spatial);
  const outSpatial = r.shape.slice(1, -1);
  const rank = spatial.length;
  const counts = new Float32Array(outSpatial.reduce((a, b) => a * b, 1));
  counts.forEach((_, flat) => {
    let rest = flat;
    let count = 1;
    for (let i = rank - 1; i >= 0; i--) {
      const o = rest % outSpatial[i]!;
      rest = Math.floor(rest / outSpatial[i]!);
      const start = o * g.strides[i]! - attrs.pads[i]!;
      count *= Math.min(start + g.size[i]!, spatial[i]!) - Math.max(start, 0);
    }
    counts[flat] = 1 / count;
  });
  const inverse = v.w.floats('inverse_counts', [1, 1, ...outSpatial], counts);
  const ones = v.w.floats('ones_kernel', [channels, 1, ...g.size], new Float32Array(channels * g.size.reduce((a, b) => a * b, 1)).fill(1));
  const outputPadding = spatial.map((n, i) => n - (g.strides[i]! * (outSpatial[i]! - 1) + g.size[i]! - attrs.pads[i]! - attrs.pads[i + rank]!));
  const scaled = v.w.op('Mul', [v.at(r, 'cf'), inverse]);
  const y = v.w.op('ConvTranspose', [scaled, ones], { ...attrs, group: channels, output_padding: outputPadding });
  return v.make(xShape, y, 'cf');
}

/**
 * Depthwise and transposed convolutions as ONNX nodes (see linear-maps.ts for Dense and Conv):
 *  - DepthwiseConvOp (kernel [kh, kw, C, M]): a Conv with group = C and kernel [C·M, 1, kh, kw]
 *    (output channel c·M + m, as tfjs orders them); its transpose the ConvTranspose with the same
 *    kernel and groups, which sums each channel's M outputs back.
 *  - ConvTransposeOp (kernel [...k, Cout, Cin]): forward a ConvTranspose to the op's output size,
 *    backward the convolution itself; both read one initializer [Cin, Cout, ...k].
 */
import * as tf from '@tensorflow/tfjs';
import { DepthwiseConvOp, type LinearOp } from '../../graph/linear-op.js';
import { ConvTransposeOp } from '../../import/onnx/convert/conv-transpose-op.js';
import { computePads, outputSize, type WindowGeometry } from '../../ops/conv-geometry.js';
import type { OrtLinearMap, ParamInitializers } from './linear-maps.js';
import { notCompilable } from './not-compilable.js';
import type { Value, Values } from './values.js';

/** Conv/ConvTranspose attributes of a window geometry over an input of `spatial` size. */
function convAttrs(g: WindowGeometry, spatial: readonly number[]) {
  const pads = computePads(g, spatial);
  return { kernel_shape: [...g.size], strides: [...g.strides], dilations: [...g.dilations], pads: [...pads.map(([a]) => a), ...pads.map(([, b]) => b)] };
}

/**
 * What a ConvTranspose needs (output_padding) to reach `target` from `from` positions: the
 * transposed convolution's natural length falls short of the convolution's input by < stride.
 */
function outputPadding(g: WindowGeometry, attrs: { pads: number[] }, from: readonly number[], target: readonly number[]): number[] {
  const rank = target.length;
  const padding = target.map((n, i) => n - (g.strides[i]! * (from[i]! - 1) + (g.size[i]! - 1) * g.dilations[i]! + 1 - attrs.pads[i]! - attrs.pads[i + rank]!));
  if (padding.some((p, i) => p < 0 || p >= Math.max(g.strides[i]!, g.dilations[i]!))) notCompilable(`the transpose of convolution geometry ${JSON.stringify(g)}`);
  return padding;
}

function depthwiseMap(op: DepthwiseConvOp, v: Values, params: ParamInitializers): OrtLinearMap {
  const g = op.geometry;
  const [kh, kw, channels, multiplier] = op.kernel.shape as [number, number, number, number];
  const kernel = (mod: Parameters<OrtLinearMap['forward']>[1]) =>
    params.arranged(op, mod, 'depthwise_kernel', [channels * multiplier, 1, kh, kw], (k) => tf.transpose(k, [2, 3, 0, 1]).reshape([channels * multiplier, 1, kh, kw]));
  return {
    layout: 'cf',
    forward(x, mod, biasMod) {
      const spatial = x.shape.slice(1, -1);
      const b = params.bias(op, biasMod);
      const y = v.w.op('Conv', [v.at(x, 'cf'), kernel(mod), ...(b ? [b] : [])], { ...convAttrs(g, spatial), group: channels });
      return v.make([x.shape[0]!, ...outputSize(g, spatial), channels * multiplier], y, 'cf');
    },
    backward(s, mod, inputShape) {
      const spatial = inputShape.slice(1, -1);
      const attrs = convAttrs(g, spatial);
      const y = v.w.op('ConvTranspose', [v.at(s, 'cf'), kernel(mod)], { ...attrs, group: channels, output_padding: outputPadding(g, attrs, s.shape.slice(1, -1), spatial) });
      return v.make(inputShape, y, 'cf');
    },
  };
}

function convTransposeMap(op: ConvTransposeOp, v: Values, params: ParamInitializers): OrtLinearMap {
  const g = op.geometry;
  const k = op.kernel.shape;
  const cout = k[k.length - 2]!;
  return {
    layout: 'cf',
    forward(x, mod, biasMod) {
      const attrs = convAttrs(g, op.outSpatial);
      const b = params.bias(op, biasMod);
      const inputs = [v.at(x, 'cf'), params.kernel(op, mod), ...(b ? [b] : [])];
      const y = v.w.op('ConvTranspose', inputs, { ...attrs, output_padding: outputPadding(g, attrs, x.shape.slice(1, -1), op.outSpatial) });
      return v.make([x.shape[0]!, ...op.outSpatial, cout], y, 'cf');
    },
    backward(s: Value, mod, inputShape) {
      const y = v.w.op('Conv', [v.at(s, 'cf'), params.kernel(op, mod)], convAttrs(g, s.shape.slice(1, -1)));
      return v.make(inputShape, y, 'cf');
    },
  };
}

/** The ORT form of a depthwise or transposed convolution, else undefined. */
export function convVariantMap(op: LinearOp, v: Values, params: ParamInitializers): OrtLinearMap | undefined {
  if (op.constructor === DepthwiseConvOp) return depthwiseMap(op as DepthwiseConvOp, v, params);
  if (op.constructor === ConvTransposeOp) return convTransposeMap(op as ConvTransposeOp, v, params);
  return undefined;
}

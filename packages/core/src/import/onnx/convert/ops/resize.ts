/**
 * Resize (and Upsample, which normalisation turns into Resize), modes `nearest`, `linear` and
 * `cubic`, every coordinate transformation: each spatial axis is a fixed interpolation matrix (0/1
 * for nearest; each output's weights sum to 1 in every mode) applied along that axis, so the
 * gradient and LRP's routing are those of a linear map.
 */
import * as tf from '@tensorflow/tfjs';
import { floatAttr, intAttr, stringAttr } from '../../normalize/attributes.js';
import { OnnxFunctionNode } from '../function-node.js';
import { registerOnnxOp, type OnnxConversionContext } from '../registry.js';

/** Position in the input of output index x (ONNX's coordinate_transformation_mode). */
function sourceCoordinate(ctx: OnnxConversionContext, mode: string, x: number, scale: number, inSize: number, outSize: number): number {
  switch (mode) {
    case 'half_pixel':
      return (x + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel':
      return outSize > 1 ? (x + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return outSize === 1 ? 0 : (x * (inSize - 1)) / (outSize - 1);
    case 'asymmetric':
      return x / scale;
    case 'tf_half_pixel_for_nn':
      return (x + 0.5) / scale;
    default:
      return ctx.unsupported(`coordinate_transformation_mode '${mode}'`);
  }
}

function nearestIndex(ctx: OnnxConversionContext, mode: string, v: number): number {
  switch (mode) {
    case 'round_prefer_floor':
      return v - Math.floor(v) === 0.5 ? Math.floor(v) : Math.round(v);
    case 'round_prefer_ceil':
      return v - Math.floor(v) === 0.5 ? Math.ceil(v) : Math.round(v);
    case 'floor':
      return Math.floor(v);
    case 'ceil':
      return Math.ceil(v);
    default:
      return ctx.unsupported(`nearest_mode '${mode}'`);
  }
}

/**
 * Keys' cubic convolution weights (coefficient a) of the four neighbours floor(s)−1 … floor(s)+2 of
 * source position s, t = s − floor(s) — the formula of onnxruntime and the ONNX reference.
 */
function cubicWeights(a: number, t: number): [number, number, number, number] {
  const near = (d: number) => ((a + 2) * d - (a + 3)) * d * d + 1; // |d| ≤ 1
  const far = (d: number) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; // 1 < |d| < 2
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/** The [inSize, outSize] matrix M with y = x · M along one axis. */
function axisMatrix(ctx: OnnxConversionContext, inSize: number, outSize: number, scale: number): Float32Array {
  const mode = stringAttr(ctx.node, 'mode', 'nearest');
  const transform = stringAttr(ctx.node, 'coordinate_transformation_mode', 'half_pixel');
  const m = new Float32Array(inSize * outSize);
  const clamp = (i: number) => Math.min(Math.max(i, 0), inSize - 1);
  for (let x = 0; x < outSize; x++) {
    const src = sourceCoordinate(ctx, transform, x, scale, inSize, outSize);
    if (mode === 'nearest') {
      m[clamp(nearestIndex(ctx, stringAttr(ctx.node, 'nearest_mode', 'round_prefer_floor'), src)) * outSize + x] = 1;
    } else if (mode === 'linear') {
      const c = Math.min(Math.max(src, 0), inSize - 1);
      const lo = Math.floor(c);
      const w = c - lo;
      m[lo * outSize + x]! += 1 - w;
      if (w > 0) m[clamp(lo + 1) * outSize + x]! += w;
    } else if (mode === 'cubic') {
      // Unlike linear, the source position is not clamped: neighbours outside the input repeat the
      // edge value, or (exclude_outside = 1) get weight 0 and the others are renormalised.
      const base = Math.floor(src);
      const weights = cubicWeights(floatAttr(ctx.node, 'cubic_coeff_a', -0.75), src - base);
      const excludeOutside = intAttr(ctx.node, 'exclude_outside', 0) === 1;
      const inside = weights.map((w, k) => (excludeOutside && (base - 1 + k < 0 || base - 1 + k >= inSize) ? 0 : w));
      const total = excludeOutside ? inside.reduce((p, q) => p + q, 0) : 1;
      inside.forEach((w, k) => {
        if (w !== 0) m[clamp(base - 1 + k) * outSize + x]! += w / total;
      });
    } else {
      ctx.unsupported(`mode '${mode}'`);
    }
  }
  return m;
}

registerOnnxOp('Resize', (ctx) => {
  const x = ctx.node.inputs[0]!;
  if (ctx.node.inputs.slice(1).some(Boolean)) ctx.unsupported('scales or sizes that are not constant');
  if (ctx.node.attributes.axes !== undefined) ctx.unsupported("the 'axes' attribute");
  const inShape = ctx.shape(x);
  const outShape = ctx.shape(ctx.node.outputs[0]!);
  const scales = ctx.node.attributes.scales as readonly number[] | undefined;
  const rank = inShape.length;
  if (outShape[1] !== inShape[1] || (typeof outShape[0] === 'number' && outShape[0] !== inShape[0])) ctx.unsupported('resizing the batch or channel axis');
  const axes: { axis: number; matrix: tf.Tensor }[] = [];
  for (let a = 2; a < rank; a++) {
    const [n, o] = [inShape[a], outShape[a]];
    if (typeof n !== 'number' || typeof o !== 'number') ctx.unsupported('spatial axes of unknown size');
    if (n === o && (!scales || scales[a] === 1)) continue;
    const scale = scales && scales.length === rank ? scales[a]! : (o as number) / (n as number);
    // antialias (opset 18) widens the kernel only when downsampling; upsampling is unchanged.
    if (scale < 1 && intAttr(ctx.node, 'antialias', 0) === 1) ctx.unsupported('antialias = 1 when downsampling');
    axes.push({ axis: a, matrix: ctx.keep(tf.tensor2d(axisMatrix(ctx, n as number, o as number, scale), [n as number, o as number])) });
  }
  const id = ctx.newTensor();
  ctx.emit(new OnnxFunctionNode(ctx.name, 'Resize', [ctx.tensor(x)], id, {
    kind: 'resize',
    nonNegative: 'preserves',
    forward: ([t]) =>
      tf.tidy(() => {
        let y = t!;
        for (const { axis, matrix } of axes) {
          // Move the axis last, multiply by its matrix, move it back.
          const perm = [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), axis];
          const moved = tf.transpose(y, perm);
          const flat = tf.matMul(moved.reshape([-1, matrix.shape[0]!]), matrix);
          const back = flat.reshape([...moved.shape.slice(0, -1), matrix.shape[1]!]);
          y = tf.transpose(back, perm.map((_, i) => perm.indexOf(i)));
        }
        return y === t ? tf.clone(t!) : y;
      }),
  }));
  ctx.bind(ctx.node.outputs[0]!, id, 'onnx');
});

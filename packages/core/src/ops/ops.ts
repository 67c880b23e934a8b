/**
 * The few tensor operations the propagators use, in one place: linear maps and their transposes,
 * pooling and its routing, and the stabilised division. Everything here is plain forward tfjs
 * kernels (fast in every backend); nothing relies on autodiff.
 */
import * as tf from '@tensorflow/tfjs';
import { computePads, type WindowGeometry } from './conv-geometry.js';

type Pads = [number, number][];

const batchAndChannels = (pads: Pads): [number, number][] => [[0, 0], ...pads, [0, 0]];

/** Pads (positive entries) or crops (negative entries) the spatial axes of a channels-last tensor. */
export function padOrCrop(x: tf.Tensor, pads: Pads): tf.Tensor {
  return tf.tidy(() => {
    let y = x;
    if (pads.some(([a, b]) => a < 0 || b < 0)) {
      const begin = [0, ...pads.map(([a]) => Math.max(-a, 0)), 0];
      const size = x.shape.map((d, i) =>
        i === 0 || i === x.rank - 1 ? -1 : d - Math.max(-pads[i - 1]![0], 0) - Math.max(-pads[i - 1]![1], 0),
      );
      y = tf.slice(y, begin, size);
    }
    if (pads.some(([a, b]) => a > 0 || b > 0)) {
      y = tf.pad(y, batchAndChannels(pads.map(([a, b]) => [Math.max(a, 0), Math.max(b, 0)])));
    }
    return y === x ? tf.clone(x) : y;
  });
}

/** Views a rank-1-spatial tensor [B, L, C] as [B, 1, L, C] so 1-D work runs on the 2-D kernels. */
const as2d = (x: tf.Tensor): tf.Tensor4D => x.reshape([x.shape[0]!, 1, x.shape[1]!, x.shape[2]!]);
const lift = (g: WindowGeometry): WindowGeometry => ({
  size: [1, ...g.size],
  strides: [1, ...g.strides],
  dilations: [1, ...g.dilations],
  padding: g.padding,
  ...(g.pads ? { pads: [[0, 0] as const, ...g.pads] } : {}),
});

/** Correlation (Keras convolution) of x [B, ...spatial, Cin] with kernel [...k, Cin, Cout], explicit pads. */
function correlate(x: tf.Tensor, kernel: tf.Tensor, strides: readonly number[], dilations: readonly number[], pads: Pads): tf.Tensor {
  const rank = x.rank - 2;
  if (rank === 1) {
    return tf.tidy(() => {
      const k = kernel.reshape([1, ...kernel.shape]) as tf.Tensor4D;
      const y = correlate(as2d(x), k, [1, strides[0]!], [1, dilations[0]!], [[0, 0], pads[0]!]);
      return y.reshape([y.shape[0]!, y.shape[2]!, y.shape[3]!]);
    });
  }
  if (rank === 2) {
    const explicit = batchAndChannels(pads) as tf.backend_util.ExplicitPadding;
    return tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, strides as [number, number], explicit, 'NHWC', dilations as [number, number]);
  }
  if (rank === 3) {
    const padded = pads.some(([a, b]) => a !== 0 || b !== 0) ? padOrCrop(x, pads) : x;
    return tf.conv3d(padded as tf.Tensor5D, kernel as tf.Tensor5D, strides as [number, number, number], 'valid', 'NDHWC', dilations as [number, number, number]);
  }
  throw new Error(`convolution over ${rank} spatial axes is not supported`);
}

/** Keras convolution: x [B, ...spatial, Cin], kernel [...k, Cin, Cout], optional bias (fused where possible). */
export function conv(x: tf.Tensor, kernel: tf.Tensor, g: WindowGeometry, bias: tf.Tensor | null = null): tf.Tensor {
  const pads = computePads(g, x.shape.slice(1, -1) as number[]);
  if (bias && x.rank === 4) {
    const explicit = batchAndChannels(pads) as tf.backend_util.ExplicitPadding;
    return tf.fused.conv2d({
      x: x as tf.Tensor4D, filter: kernel as tf.Tensor4D, strides: g.strides as [number, number], pad: explicit,
      dilations: g.dilations as [number, number], bias,
    });
  }
  return tf.tidy(() => addBias(correlate(x, kernel, g.strides, g.dilations, pads), bias));
}

/**
 * Inserts stride−1 zeros between the elements of each spatial axis (the "dilation" of a transposed
 * conv). One axis at a time on rank-4 views: wasm's pad handles at most 6 dimensions.
 */
export function insertZeros(s: tf.Tensor, strides: readonly number[]): tf.Tensor {
  if (strides.every((v) => v === 1)) return s;
  return tf.tidy(() => {
    let y = s;
    strides.forEach((stride, i) => {
      if (stride === 1) return;
      const shape = y.shape;
      const axis = i + 1;
      const [outer, d, inner] = [shape.slice(0, axis).reduce((a, b) => a * b, 1), shape[axis]!, shape.slice(axis + 1).reduce((a, b) => a * b, 1)];
      const spread = tf.pad(y.reshape([outer, d, 1, inner]), [[0, 0], [0, 0], [0, stride - 1], [0, 0]]);
      const flat = spread.reshape([...shape.slice(0, axis), d * stride, ...shape.slice(axis + 1)]);
      y = tf.slice(flat, shape.map((_, k) => 0), shape.map((v, k) => (k === axis ? (d - 1) * stride + 1 : v)));
    });
    return y;
  });
}

/**
 * Pads that turn a transposed convolution into a stride-1 correlation of the zero-inserted
 * signal with the flipped kernel: left pad k_eff−1−p_before, right pad making the output length n.
 */
function transposePads(g: WindowGeometry, inSize: readonly number[], upSize: readonly number[]): Pads {
  const pads = computePads(g, inSize);
  return inSize.map((n, i) => {
    const k = (g.size[i]! - 1) * g.dilations[i]! + 1;
    const left = k - 1 - pads[i]![0];
    return [left, n + k - 1 - left - upSize[i]!];
  });
}

/** Reverses the spatial axes of a kernel [...k, A, B] and swaps its last two axes. */
export function flipKernel(kernel: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const rank = kernel.rank;
    const spatialAxes = Array.from({ length: rank - 2 }, (_, i) => i);
    const perm = [...spatialAxes, rank - 1, rank - 2];
    return tf.transpose(tf.reverse(kernel, spatialAxes), perm);
  });
}

/**
 * Transpose of `conv` (Wᵀs): for stride 1 a correlation with the flipped kernel, for larger
 * strides the same on the zero-inserted signal. Uses the fast forward kernel, never conv2dTranspose.
 * `flipped` is `flipKernel(kernel)`, passed in so callers can cache it.
 */
export function convTranspose(s: tf.Tensor, flipped: tf.Tensor, g: WindowGeometry, inSpatial: readonly number[]): tf.Tensor {
  return tf.tidy(() => {
    const up = insertZeros(s, g.strides);
    const pads = transposePads(g, inSpatial, up.shape.slice(1, -1) as number[]);
    const ones = g.strides.map(() => 1);
    if (pads.some(([a, b]) => a < 0 || b < 0)) {
      const cropped = padOrCrop(up, pads.map(([a, b]) => [Math.min(a, 0), Math.min(b, 0)]));
      return correlate(cropped, flipped, ones, g.dilations, pads.map(([a, b]) => [Math.max(a, 0), Math.max(b, 0)]));
    }
    return correlate(up, flipped, ones, g.dilations, pads);
  });
}

/** Depthwise convolution x [B, H, W, C], kernel [kh, kw, C, M] → [B, H', W', C·M]. */
export function depthwiseConv(x: tf.Tensor, kernel: tf.Tensor, g: WindowGeometry): tf.Tensor {
  const pads = batchAndChannels(computePads(g, x.shape.slice(1, -1) as number[])) as tf.backend_util.ExplicitPadding;
  return tf.depthwiseConv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, g.strides as [number, number], pads, 'NHWC', g.dilations as [number, number]);
}

/** Flipped depthwise kernel [kh, kw, C·M, 1] for `depthwiseConvTranspose`. */
export function flipDepthwiseKernel(kernel: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [kh, kw, c, m] = kernel.shape as number[];
    return tf.reverse(kernel, [0, 1]).reshape([kh!, kw!, c! * m!, 1]);
  });
}

/** Transpose of `depthwiseConv`: per-channel correlation with the flipped kernel, multiplier summed out. */
export function depthwiseConvTranspose(s: tf.Tensor, flipped: tf.Tensor, g: WindowGeometry, inShape: readonly number[]): tf.Tensor {
  return tf.tidy(() => {
    const inSpatial = inShape.slice(0, -1);
    const channels = inShape[inShape.length - 1]!;
    const up = insertZeros(s, g.strides);
    const pads = transposePads(g, inSpatial, up.shape.slice(1, -1) as number[]);
    const cropped = padOrCrop(up, pads.map(([a, b]) => [Math.min(a, 0), Math.min(b, 0)]));
    const explicit = batchAndChannels(pads.map(([a, b]) => [Math.max(a, 0), Math.max(b, 0)])) as tf.backend_util.ExplicitPadding;
    const y = tf.depthwiseConv2d(cropped as tf.Tensor4D, flipped as tf.Tensor4D, 1, explicit, 'NHWC', g.dilations as [number, number]);
    const multiplier = y.shape[3]! / channels;
    return multiplier === 1 ? y : y.reshape([...y.shape.slice(0, 3), channels, multiplier]).sum(-1);
  });
}

/** Dense map on the last axis: x [..., in] · W [in, out] (+ b). */
export function dense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    const flat = x.reshape([-1, kernel.shape[0]!]) as tf.Tensor2D;
    const y = bias ? tf.fused.matMul({ a: flat, b: kernel as tf.Tensor2D, bias }) : tf.matMul(flat, kernel as tf.Tensor2D);
    return y.reshape([...x.shape.slice(0, -1), kernel.shape[1]!]);
  });
}

/**
 * Transpose of `dense`: s [..., out] · Wᵀ, given `transposed` = Wᵀ [out, in]. Passing the kernel
 * already transposed (and cached) matters: backends pack the right-hand matrix per call unless it
 * is the same tensor as before (wasm: 3× slower with transposeB on a VGG-sized layer).
 */
export function denseTranspose(s: tf.Tensor, transposed: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const y = tf.matMul(s.reshape([-1, transposed.shape[0]!]) as tf.Tensor2D, transposed as tf.Tensor2D);
    return y.reshape([...s.shape.slice(0, -1), transposed.shape[1]!]);
  });
}

/** Adds a per-channel bias (last axis). */
export const addBias = (z: tf.Tensor, bias: tf.Tensor | null): tf.Tensor => (bias ? tf.add(z, bias) : z);

import { fusedInJs } from './elementwise.js';
import { maxPoolRouteJs } from './max-routing.js';
export { stabilizedRatio, hasMaskedRelevance, type OutputMask } from './elementwise.js';


// ---- pooling -------------------------------------------------------------------------------

type PoolKind = 'max' | 'avg';

function poolPadArg(g: WindowGeometry): 'valid' | 'same' {
  if (g.padding === 'causal') throw new Error('causal padding is not defined for pooling');
  return g.padding;
}

export function pool(kind: PoolKind, x: tf.Tensor, g: WindowGeometry): tf.Tensor {
  const rank = x.rank - 2;
  if (rank === 1) {
    return tf.tidy(() => {
      const y = pool(kind, as2d(x), lift(g));
      return y.reshape([y.shape[0]!, y.shape[2]!, y.shape[3]!]);
    });
  }
  const pad = poolPadArg(g);
  if (rank === 2) {
    const f = kind === 'max' ? tf.maxPool : tf.avgPool;
    return f(x as tf.Tensor4D, g.size as [number, number], g.strides as [number, number], pad);
  }
  if (rank === 3) {
    if (kind === 'max') return maxPool3d(x, g);
    return tf.avgPool3d(x as tf.Tensor5D, g.size as [number, number, number], g.strides as [number, number, number], pad);
  }
  throw new Error(`pooling over ${rank} spatial axes is not supported`);
}

/**
 * 3-D max pooling as 2-D max pooling per depth slice, then the maximum over depth windows.
 * (wasm's MaxPool3D starts each window at FLT_MIN, so windows of negative values come out wrong.)
 */
function maxPool3d(x: tf.Tensor, g: WindowGeometry): tf.Tensor {
  return tf.tidy(() => {
    const pads = computePads({ ...g, dilations: [1, 1, 1] }, x.shape.slice(1, -1) as number[]);
    const p = pads.some(([a, b]) => a > 0 || b > 0) ? tf.pad(x, batchAndChannels(pads), -Infinity) : x;
    const [batch, depth, height, width, channels] = p.shape as number[];
    const [kd, kh, kw] = g.size as number[];
    const [sd, sh, sw] = g.strides as number[];
    const planes = tf.maxPool(p.reshape([batch! * depth!, height!, width!, channels!]) as tf.Tensor4D, [kh!, kw!], [sh!, sw!], 'valid');
    const q = planes.reshape([batch!, depth!, ...planes.shape.slice(1)]);
    const outDepth = Math.floor((depth! - kd!) / sd!) + 1;
    let y: tf.Tensor | null = null;
    for (let j = 0; j < kd!; j++) {
      const slice = tf.stridedSlice(q, [0, j, 0, 0, 0], [batch!, j + (outDepth - 1) * sd! + 1, ...q.shape.slice(2)], [1, sd!, 1, 1, 1]);
      y = y ? tf.maximum(y, slice) : slice;
    }
    return y!;
  });
}

/**
 * Average pooling's transposed Jacobian applied to dy (spreads each value evenly over its window).
 * 'same' pooling averages border windows over their real elements only; the backends'
 * AvgPoolGrad kernels divide by the full window, so dy is rescaled by size / count first.
 */
export function avgPoolTranspose(dy: tf.Tensor, x: tf.Tensor, g: WindowGeometry): tf.Tensor {
  const rank = x.rank - 2;
  if (rank === 1) return tf.tidy(() => avgPoolTranspose(as2d(dy), as2d(x), lift(g)).reshape(x.shape));
  return tf.tidy(() => {
    const counts = windowCounts(g, x.shape.slice(1, -1) as number[], dy.shape.slice(1, -1) as number[]);
    const scaled = counts ? tf.mul(dy, counts) : dy;
    const attrs = { filterSize: g.size, strides: g.strides, pad: poolPadArg(g), dimRoundingMode: undefined };
    const name = rank === 3 ? 'AvgPool3DGrad' : 'AvgPoolGrad';
    return tf.engine().runKernel(name, { dy: scaled, input: x } as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  });
}

/** size / (real elements) per output window, shaped [1, ...out, 1]; null when every window is full. */
function windowCounts(g: WindowGeometry, inSize: number[], outSize: number[]): tf.Tensor | null {
  const pads = computePads({ ...g, dilations: g.size.map(() => 1) }, inSize);
  const perAxis = outSize.map((o, i) =>
    Array.from({ length: o }, (_, k) => {
      const start = k * g.strides[i]! - pads[i]![0];
      return Math.min(start + g.size[i]!, inSize[i]!) - Math.max(start, 0);
    }),
  );
  if (perAxis.every((counts, i) => counts.every((c) => c === g.size[i]))) return null;
  let factor = tf.ones([1]);
  perAxis.forEach((counts, i) => {
    const shape = [1, ...outSize.map((o, k) => (k === i ? o : 1)), 1];
    factor = tf.mul(factor, tf.tensor(counts.map((c) => g.size[i]! / c), shape));
  });
  return factor;
}

/** All offsets of a window, in row-major order. */
function windowOffsets(size: readonly number[]): number[][] {
  return size.reduce<number[][]>((acc, n) => acc.flatMap((o) => Array.from({ length: n }, (_, i) => [...o, i])), [[]]);
}

/**
 * Max pooling's transposed Jacobian applied to dy: each window sends its value to the first
 * position (row-major) holding the window's maximum, as PyTorch and TensorFlow's CPU kernels do.
 * A JS loop where data is CPU-resident; elsewhere slices and comparisons, not the backends'
 * MaxPoolGrad kernels, whose tie-breaking differs (ties are common: windows of ReLU zeros).
 */
export function maxPoolRoute(dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor, g: WindowGeometry): tf.Tensor {
  if (fusedInJs()) return maxPoolRouteJs(dy, x, y, g);
  return tf.tidy(() => {
    const inSpatial = x.shape.slice(1, -1) as number[];
    const outSpatial = y.shape.slice(1, -1) as number[];
    const pads = computePads({ ...g, dilations: g.size.map(() => 1) }, inSpatial);
    const padded = pads.some(([a, b]) => a > 0 || b > 0)
      ? tf.pad(x, batchAndChannels(pads), -Infinity)
      : x;
    let taken: tf.Tensor = tf.zerosLike(y).cast('bool');
    let total: tf.Tensor | null = null;
    for (const offset of windowOffsets(g.size)) {
      const begin = [0, ...offset, 0];
      const end = [x.shape[0]!, ...offset.map((o, i) => o + (outSpatial[i]! - 1) * g.strides[i]! + 1), x.shape[x.rank - 1]!];
      const candidate = tf.stridedSlice(padded, begin, end, [1, ...g.strides, 1]);
      const hit = tf.logicalAnd(tf.equal(candidate, y), tf.logicalNot(taken));
      taken = tf.logicalOr(taken, hit);
      const routed = insertZeros(tf.mul(dy, tf.cast(hit, dy.dtype)), g.strides);
      // Place the routed values at this offset inside the (padded) input, then drop the padding.
      const placed = tf.pad(routed, batchAndChannels(offset.map((o, i) => [o, padded.shape[i + 1]! - o - routed.shape[i + 1]!])));
      total = total ? tf.add(total, placed) : placed;
    }
    return padOrCrop(total!, pads.map(([a, b]) => [-a, -b]));
  });
}

/**
 * The linear maps of Dense and Conv nodes as ONNX nodes: the forward z = forward(x', W', b') and its
 * transpose W'ᵀs under parameter modifiers — Gemm with transB for Dense (reading the forward's own
 * initializer), a Conv with the flipped kernel for stride-1 convolutions and ConvTranspose for the others.
 */
import * as tf from '@tensorflow/tfjs';
import { ConvOp, DenseOp, type LinearOp, type ParamModifier } from '../../graph/linear-op.js';
import { computePads, outputSize } from '../../ops/conv-geometry.js';
import { convVariantMap } from './conv-variant-maps.js';
import { notCompilable } from './not-compilable.js';
import { floatValues } from './tensor-values.js';
import type { Layout, Value, Values } from './values.js';

export interface OrtLinearMap {
  /** Where the map's arithmetic runs best: channels-first for convolutions. */
  readonly layout: Layout;
  forward(x: Value, params: ParamModifier, bias: ParamModifier | null): Value;
  backward(s: Value, params: ParamModifier, inputShape: readonly number[]): Value;
  /** backward(s, W') for several modifiers of one s in one operation, or null where the map has no such form. */
  backwardMany?(s: Value, params: readonly ParamModifier[], inputShape: readonly number[]): Value[] | null;
}

const keyOf = (mod: ParamModifier | null) => mod?.key ?? 'none';

/**
 * The values of `make()` (computed from the model's `param`): read once and the tensor released at
 * once, so encoding holds one modified kernel at a time. The array is the backend's read-out (no
 * further copy); the writer copies it into the encoded model and drops it.
 */
function valuesOf(param: tf.Tensor, make: () => tf.Tensor): Float32Array {
  const t = tf.tidy(make);
  try {
    return t.dataSync() as Float32Array;
  } finally {
    if (t !== param) t.dispose();
  }
}

/** [...k, Cin, Cout] (Keras) → the ONNX Conv layout [Cout, Cin, ...k]; Dense kernels [in, out] stay. */
function onnxLayout(op: LinearOp, k: tf.Tensor): tf.Tensor {
  if (op instanceof DenseOp) return k;
  const rank = k.rank;
  return tf.transpose(k, [rank - 1, rank - 2, ...Array.from({ length: rank - 2 }, (_, i) => i)]);
}

/** [...k, Cin, Cout] flipped spatially → [Cin, Cout, ...k]: the kernel of a stride-1 convolution's transpose. */
function flippedOnnxLayout(k: tf.Tensor): tf.Tensor {
  const rank = k.rank;
  const spatial = Array.from({ length: rank - 2 }, (_, i) => i);
  return tf.transpose(tf.reverse(k, spatial), [rank - 2, rank - 1, ...spatial]);
}

/** Kernel and bias initializers per (op, modifier), made only when the graph is encoded. */
export class ParamInitializers {
  private readonly names = new Map<LinearOp, Map<string, string>>();

  constructor(private readonly v: Values) {}

  private cached(op: LinearOp, key: string, make: () => string): string {
    let perOp = this.names.get(op);
    if (!perOp) this.names.set(op, (perOp = new Map()));
    let name = perOp.get(key);
    if (!name) perOp.set(key, (name = make()));
    return name;
  }

  /**
   * The kernel under `mod` in ONNX layout (Dense [in, out], Conv [Cout, Cin, ...k]), computed by
   * tfjs when the graph is saved and written as it is. Left to ORT to fold (Relu/Add/Transpose nodes
   * on the model's kernel), every intermediate stayed in the process's heap: 0.26 GB of VGG-16's
   * peak RSS. A Dense kernel taken as it is names the model's tensor, which `save` may share.
   */
  kernel(op: LinearOp, mod: ParamModifier): string {
    const k = op.kernel;
    const dims = op instanceof DenseOp ? [...k.shape] : [k.shape[k.rank - 1]!, k.shape[k.rank - 2]!, ...k.shape.slice(0, -2)];
    if (mod.key === 'identity' && op instanceof DenseOp) return this.cached(op, 'kernel:identity', () => this.v.w.deferredFloats('kernel', dims, () => floatValues(k), k));
    return this.cached(op, `kernel:${mod.key}`, () => this.v.w.deferredFloats('kernel', dims, () => valuesOf(k, () => onnxLayout(op, mod.apply(k)))));
  }

  /**
   * A convolution kernel under `mod` flipped spatially with its channel axes swapped, [Cin, Cout, ...k]:
   * a stride-1 convolution's transpose is the convolution with this kernel (test/ort-flipped-conv.test.ts).
   */
  flippedKernel(op: ConvOp, mod: ParamModifier): string {
    return this.stackedFlippedKernel(op, [mod]);
  }

  /** flippedKernel of each modifier, stacked along the first (output) axis: [n·Cin, Cout, ...k]. */
  stackedFlippedKernel(op: ConvOp, mods: readonly ParamModifier[]): string {
    const k = op.kernel;
    const rank = k.rank;
    const dims = [mods.length * k.shape[rank - 2]!, k.shape[rank - 1]!, ...k.shape.slice(0, -2)];
    return this.cached(op, `flipped:${mods.map((m) => m.key).join('+')}`, () =>
      this.v.w.deferredFloats('flipped', dims, () => valuesOf(k, () => (mods.length === 1 ? flippedOnnxLayout(mods[0]!.apply(k)) : tf.concat(mods.map((m) => flippedOnnxLayout(m.apply(k))), 0)))),
    );
  }

  /** The kernel under `mod`, rearranged by `arrange` into an initializer of `dims` (cached per op, modifier and `form`; depthwise kernels). */
  arranged(op: LinearOp, mod: ParamModifier, form: string, dims: readonly number[], arrange: (k: tf.Tensor) => tf.Tensor): string {
    const k = op.kernel;
    return this.cached(op, `${form}:${mod.key}`, () => this.v.w.deferredFloats(form, dims, () => valuesOf(k, () => arrange(mod.apply(k)))));
  }

  bias(op: LinearOp, mod: ParamModifier | null): string | null {
    if (!mod || !op.bias) return null;
    const b = op.bias;
    return this.cached(op, `bias:${keyOf(mod)}`, () => this.v.w.floats('bias', [b.size], Float32Array.from(valuesOf(b, () => mod.apply(b)))));
  }
}

function denseMap(op: DenseOp, v: Values, params: ParamInitializers): OrtLinearMap {
  const [inDim, outDim] = op.kernel.shape as [number, number];
  const flat = (x: Value, last: number) => (x.shape.length === 2 ? v.at(x, 'cl') : v.reshape(x, [-1, last]).names.cl!);
  const unflat = (name: string, like: readonly number[], last: number): Value => {
    const shape = [...like.slice(0, -1), last];
    return like.length === 2 ? v.make(shape, name, 'cl') : v.reshape(v.make([-1, last], name, 'cl'), shape);
  };
  return {
    layout: 'cl',
    forward(x, mod, biasMod) {
      const b = params.bias(op, biasMod);
      const w = params.kernel(op, mod);
      const z = b ? v.w.op('Gemm', [flat(x, inDim), w, b]) : v.w.op('MatMul', [flat(x, inDim), w]);
      return unflat(z, x.shape, outDim);
    },
    backward(s, mod, inputShape) {
      const y = v.w.op('Gemm', [flat(s, outDim), params.kernel(op, mod)], { transB: 1 });
      return unflat(y, [...inputShape.slice(0, -1), outDim], inDim);
    },
  };
}

function convMap(op: ConvOp, v: Values, params: ParamInitializers): OrtLinearMap {
  const g = op.geometry;
  const k = op.kernel.shape;
  const cout = k[k.length - 1]!;
  const window = (spatial: readonly number[]) => {
    const pads = computePads(g, spatial);
    return { kernel_shape: [...g.size], strides: [...g.strides], dilations: [...g.dilations], pads: [...pads.map(([a]) => a), ...pads.map(([, b]) => b)] };
  };
  return {
    layout: 'cf',
    forward(x, mod, biasMod) {
      const spatial = x.shape.slice(1, -1);
      const b = params.bias(op, biasMod);
      const inputs = [v.at(x, 'cf'), params.kernel(op, mod), ...(b ? [b] : [])];
      const shape = [x.shape[0]!, ...outputSize(g, spatial), cout];
      return v.make(shape, v.w.op('Conv', inputs, window(spatial)), 'cf');
    },
    backward(s, mod, inputShape) {
      const spatial = inputShape.slice(1, -1);
      const attrs = window(spatial);
      // The transposed convolution's natural length, and what makes up the input's (< stride).
      const outputPadding = spatial.map((n, i) => n - (g.strides[i]! * (s.shape[i + 1]! - 1) + (g.size[i]! - 1) * g.dilations[i]! + 1 - attrs.pads[i]! - attrs.pads[i + spatial.length]!));
      if (outputPadding.some((p, i) => p < 0 || p >= Math.max(g.strides[i]!, g.dilations[i]!))) notCompilable(`the transpose of convolution geometry ${JSON.stringify(g)}`);
      // Stride 1: the transpose is a convolution with the flipped kernel and mirrored padding, which
      // ORT runs far faster than ConvTranspose (same dilation; the padding K−1−p per side).
      const extent = g.size.map((n, i) => (n - 1) * g.dilations[i]! + 1);
      const mirrored = attrs.pads.map((p, i) => extent[i % spatial.length]! - 1 - p);
      const y = g.strides.every((n) => n === 1) && mirrored.every((p) => p >= 0)
        ? v.w.op('Conv', [v.at(s, 'cf'), params.flippedKernel(op, mod)], { kernel_shape: attrs.kernel_shape, strides: attrs.strides, dilations: attrs.dilations, pads: mirrored })
        : v.w.op('ConvTranspose', [v.at(s, 'cf'), params.kernel(op, mod)], { ...attrs, output_padding: outputPadding });
      return v.make(inputShape, y, 'cf');
    },
    // Stride 1: one Conv with the flipped kernels stacked, split by channel — z^B's three
    // transposes on a 3-channel input were three convolutions padded to ORT's channel block each.
    backwardMany(s, mods, inputShape) {
      const spatial = inputShape.slice(1, -1);
      const attrs = window(spatial);
      const extent = g.size.map((n, i) => (n - 1) * g.dilations[i]! + 1);
      const mirrored = attrs.pads.map((p, i) => extent[i % spatial.length]! - 1 - p);
      if (!g.strides.every((n) => n === 1) || mirrored.some((p) => p < 0)) return null;
      const stacked = v.w.op('Conv', [v.at(s, 'cf'), params.stackedFlippedKernel(op, mods)], { kernel_shape: attrs.kernel_shape, strides: attrs.strides, dilations: attrs.dilations, pads: mirrored });
      const cin = inputShape[inputShape.length - 1]!;
      const parts = v.w.ops('Split', [stacked, v.w.int64s(mods.map(() => cin))], { axis: 1 }, mods.length);
      return parts.map((name) => v.make(inputShape, name, 'cf'));
    },
  };
}

/** The ORT form of a node's linear op, or `notCompilable` for ops without one. */
export function ortLinearMap(op: LinearOp, v: Values, params: ParamInitializers, where: string): OrtLinearMap {
  if (op.constructor === DenseOp) return denseMap(op as DenseOp, v, params);
  if (op.constructor === ConvOp) return convMap(op as ConvOp, v, params);
  const variant = convVariantMap(op, v, params);
  if (variant) return variant;
  return notCompilable(`the linear op ${op.constructor.name} of ${where}`);
}

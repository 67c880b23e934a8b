/**
 * Concatenation, padding/cropping and global max pooling's routing as ONNX nodes, with the same
 * semantics as nodes/merge-nodes.ts, nodes/shape-nodes.ts (ops.padOrCrop) and nodes/pooling-node.ts.
 */
import { dimsIn, type Layout, type Value, type Values } from './values.js';

/** The axis of a value stored in `layout` that is the engine's axis `axis` (non-negative). */
function axisIn(axis: number, rank: number, layout: Layout): number {
  return dimsIn(Array.from({ length: rank }, (_, i) => i), layout).indexOf(axis);
}

const engineAxis = (axis: number, rank: number) => (axis < 0 ? rank + axis : axis);

/** Concatenation along the engine axis `axis`, in the first input's layout. */
export function concatForward(axis: number, ins: readonly Value[], v: Values): Value {
  const layout = v.home(ins[0]!);
  const rank = ins[0]!.shape.length;
  const a = engineAxis(axis, rank);
  const shape = ins[0]!.shape.map((d, i) => (i === a ? ins.reduce((sum, x) => sum + x.shape[a]!, 0) : d));
  return v.make(shape, v.w.op('Concat', ins.map((x) => v.at(x, layout)), { axis: axisIn(a, rank, layout) }), layout);
}

/** Concatenation's transpose: `r` split back along the axis into the inputs' lengths. */
export function concatVjp(axis: number, ins: readonly Value[], r: Value, v: Values): Value[] {
  const layout = v.home(r);
  const rank = r.shape.length;
  const a = engineAxis(axis, rank);
  const parts = v.w.ops('Split', [v.at(r, layout), v.w.int64s(ins.map((x) => x.shape[a]!))], { axis: axisIn(a, rank, layout) }, ins.length);
  return parts.map((name, i) => v.make(ins[i]!.shape, name, layout));
}

/**
 * Pads (positive) and crops (negative) the spatial axes, [before, after] per axis, as
 * ops.padOrCrop: crop first, then pad with `value`.
 */
export function padCrop(x: Value, pads: readonly (readonly [number, number])[], value: number, v: Values): Value {
  const layout = v.home(x);
  const rank = x.shape.length;
  const all = dimsIn<readonly [number, number]>([[0, 0], ...pads, [0, 0]], layout);
  const stored = dimsIn(x.shape, layout);
  let y = v.at(x, layout);
  if (all.some(([a, b]) => a < 0 || b < 0)) {
    const starts = all.map(([a]) => Math.max(-a, 0));
    const ends = all.map(([, b], i) => stored[i]! - Math.max(-b, 0));
    y = v.w.op('Slice', [y, v.w.int64s(starts), v.w.int64s(ends), v.w.int64s(stored.map((_, i) => i))]);
  }
  if (all.some(([a, b]) => a > 0 || b > 0)) {
    y = v.w.op('Pad', [y, v.w.int64s([...all.map(([a]) => Math.max(a, 0)), ...all.map(([, b]) => Math.max(b, 0))]), v.w.scalar(value)]);
  }
  const shape = x.shape.map((n, i) => (i === 0 || i === rank - 1 ? n : n + pads[i - 1]![0] + pads[i - 1]![1]));
  return y === v.at(x, layout) ? x : v.make(shape, y, layout);
}

/**
 * Global max pooling's transposed Jacobian: each channel's value to its first arg-max over the
 * positions (row-major), as GlobalPoolingNode.vjp (tf.argMax picks the first; so does ONNX ArgMax).
 */
export function globalMaxRoute(x: Value, r: Value, v: Values): Value {
  const layout = v.home(x);
  const rank = x.shape.length;
  const [batch, channels] = [x.shape[0]!, x.shape[rank - 1]!];
  const positions = x.shape.slice(1, -1).reduce((a, b) => a * b, 1);
  // cl: [B, N, C] with positions on axis 1; cf: [B, C, N] with positions on axis 2.
  const flatDims = layout === 'cf' ? [batch, channels, positions] : [batch, positions, channels];
  const axis = layout === 'cf' ? 2 : 1;
  const flat = v.w.op('Reshape', [v.at(x, layout), v.w.int64s(flatDims)]);
  const winner = v.w.op('ArgMax', [flat], { axis, keepdims: 0, select_last_index: 0 }); // [B, C]
  const onehot = v.w.op('OneHot', [winner, v.w.int64s([positions], []), v.w.floats('onehot_values', [2], Float32Array.of(0, 1))], { axis });
  const lifted = v.w.op('Reshape', [v.at(r, 'cl'), v.w.int64s(layout === 'cf' ? [batch, channels, 1] : [batch, 1, channels])]);
  const routed = v.w.op('Mul', [onehot, lifted]);
  return v.make(x.shape, v.w.op('Reshape', [routed, v.w.int64s(dimsIn(x.shape, layout))]), layout);
}

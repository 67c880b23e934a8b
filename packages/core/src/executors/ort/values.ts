/**
 * Values of a compiled explanation and their layouts. The engine's tensors are channels-last
 * ('cl'); ONNX convolutions and pools want channels first ('cf'). A value is transposed once per
 * layout it is needed in, so a chain of convolutions and their rules stays channels-first.
 */
import type { OnnxWriter } from './onnx-writer.js';

export type Layout = 'cl' | 'cf';

/** A tensor of the compiled graph: its shape in the engine's layout and its name per layout it exists in. */
export interface Value {
  readonly shape: readonly number[];
  readonly names: Partial<Record<Layout, string>>;
}

/** Axis permutation from the engine's layout to channels-first, and back. */
const toCf = (rank: number) => [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
const toCl = (rank: number) => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];

/** The shape of a value as stored in `layout`. */
export function dimsIn<T>(shape: readonly T[], layout: Layout): T[] {
  return layout === 'cf' && shape.length >= 3 ? toCf(shape.length).map((a) => shape[a]!) : [...shape];
}

export class Values {
  constructor(readonly w: OnnxWriter) {}

  /** A value stored under `name` in `layout` (both layouts are one below rank 3). */
  make(shape: readonly number[], name: string, layout: Layout): Value {
    return { shape: [...shape], names: shape.length < 3 ? { cl: name, cf: name } : { [layout]: name } };
  }

  /** The value's name in `layout`, transposing (once) if needed. */
  at(v: Value, layout: Layout): string {
    const have = v.names[layout];
    if (have) return have;
    const rank = v.shape.length;
    const from = layout === 'cf' ? v.names.cl! : v.names.cf!;
    const name = this.w.op('Transpose', [from], { perm: layout === 'cf' ? toCf(rank) : toCl(rank) });
    (v.names as Record<Layout, string>)[layout] = name;
    return name;
  }

  /** The layout a value already has (channels-first preferred: it feeds convolutions). */
  home(v: Value): Layout {
    return v.names.cf ? 'cf' : 'cl';
  }

  /** An element-wise op on values of one shape (numbers become scalars), in `layout`. */
  ew(op: string, args: readonly (Value | number)[], layout: Layout, shape?: readonly number[]): Value {
    const first = args.find((a): a is Value => typeof a !== 'number');
    const names = args.map((a) => (typeof a === 'number' ? this.w.scalar(a) : this.at(a, layout)));
    return this.make(shape ?? first!.shape, this.w.op(op, names), layout);
  }

  /** A per-channel constant (engine layout: last axis) shaped to broadcast against a value of `rank` in `layout`. */
  channelConstant(hint: string, values: Float32Array, rank: number, layout: Layout): string {
    const dims = layout === 'cf' && rank >= 3 ? [values.length, ...Array(rank - 2).fill(1)] : [values.length];
    return this.w.floats(hint, dims, values);
  }

  /** A condition as 0/1 floats (arithmetic on it runs faster in ORT than Where). */
  indicator(op: 'Greater' | 'Less' | 'GreaterOrEqual', x: Value, layout: Layout): Value {
    return this.make(x.shape, this.w.op('Cast', [this.ew(op, [x, 0], layout).names[layout]!], { to: 1 }), layout);
  }

  /** stab(d) = d + ε·sign(d) with sign(0) = +1 (zennit's stabiliser): d + (2ε·1[d ≥ 0] − ε), exactly d ± ε. */
  stabilized(d: Value, epsilon: number, layout: Layout): Value {
    const signedEpsilon = this.ew('Sub', [this.ew('Mul', [this.indicator('GreaterOrEqual', d, layout), 2 * epsilon], layout), epsilon], layout);
    return this.ew('Add', [d, signedEpsilon], layout);
  }

  /** 1[mask(z)] · r: relevance on the outputs a masked term group takes part in. */
  masked(r: Value, z: Value, mask: 'positive' | 'negative', layout: Layout): Value {
    return this.ew('Mul', [r, this.indicator(mask === 'positive' ? 'Greater' : 'Less', z, layout)], layout);
  }

  /** s = 1[mask(z)] · r / stab(d) (see ops/elementwise.ts `stabilizedRatio`). */
  stabilizedRatio(r: Value, d: Value, epsilon: number, layout: Layout, mask?: 'positive' | 'negative', z?: Value): Value {
    const kept = mask ? this.masked(r, z!, mask, layout) : r;
    return this.ew('Div', [kept, this.stabilized(d, epsilon, layout)], layout);
  }

  /** Reshape in the engine layout. */
  reshape(v: Value, shape: readonly number[]): Value {
    return this.make(shape, this.w.op('Reshape', [this.at(v, 'cl'), this.w.int64s(shape)]), 'cl');
  }

  /** Constant of a shape filled with one value (no initializer of that size). */
  filled(shape: readonly number[], value: number, layout: Layout): Value {
    const name = this.w.op('ConstantOfShape', [this.w.int64s(dimsIn(shape, layout))], { value: { tensor: { dataType: 1, dims: [1], floatData: [value] } } });
    return this.make(shape, name, layout);
  }
}

/**
 * Picks positions along axes: an ONNX Gather of a computed value at constant indices, or a Slice
 * with constant bounds (one pick per sliced axis). Its transpose is written out (scatter by a 0/1
 * matrix product), so relevance and gradients pass it on every backend — tfjs has no gradient of
 * StridedSlice, and the WebAssembly backend none of Gather.
 */
import * as tf from '@tensorflow/tfjs';
import { GraphNode, oneHotRows, scatterAlong } from '@xai/core';

/** Positions `indices` (shape `dims`, [] for one position: the axis goes away) of engine axis `axis` of a size-`size` axis. */
export interface Pick {
  readonly axis: number;
  readonly indices: readonly number[];
  readonly dims: readonly number[];
  readonly size: number;
}

export class SelectNode extends GraphNode {
  readonly kind = 'slice';
  private readonly index: tf.Tensor[];
  /** Per pick: the 0/1 matrix [positions, size] that scatters back. */
  private readonly scatter: tf.Tensor2D[];

  constructor(name: string, layerName: string, layerClass: string, inputs: readonly number[], output: number, readonly picks: readonly Pick[]) {
    super(name, layerName, layerClass, inputs, output);
    this.index = picks.map((p) => tf.tensor(Int32Array.from(p.indices), [...p.dims], 'int32'));
    this.scatter = picks.map((p) => oneHotRows(p.indices, p.size));
  }

  forward([x]: tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.picks.reduce((t, p, k) => tf.gather(t, this.index[k]!, p.axis), x!));
  }

  override vjp([x]: tf.Tensor[], _output: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
    return [
      tf.tidy(() => {
        // The shapes before each pick, then the picks undone from the last.
        const shapes = [x!.shape];
        this.picks.forEach((p) => {
          const s = shapes[shapes.length - 1]!;
          shapes.push([...s.slice(0, p.axis), ...p.dims, ...s.slice(p.axis + 1)]);
        });
        let g = r;
        for (let k = this.picks.length - 1; k >= 0; k--) {
          const p = this.picks[k]!;
          const before = shapes[k]!;
          g = scatterAlong(tf.reshape(g, [...before.slice(0, p.axis), p.indices.length, ...before.slice(p.axis + 1)]), p.axis, this.scatter[k]!);
        }
        return g;
      }),
    ];
  }

  override nonNegativeOutput(inputs: readonly boolean[]): boolean {
    return inputs[0] === true;
  }

  override dispose(): void {
    tf.dispose([...this.index, ...this.scatter]);
  }
}

/** The positions ONNX Slice takes along an axis of size n (starts/ends clamped as the operator defines). */
export function slicePositions(start: number, end: number, step: number, n: number): number[] {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const out: number[] = [];
  if (step > 0) for (let i = clamp(start, 0, n); i < clamp(end, 0, n); i += step) out.push(i);
  else for (let i = clamp(start, 0, n - 1); i > clamp(end, -1, n - 1); i += step) out.push(i);
  return out;
}

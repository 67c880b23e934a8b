import * as tf from '@tensorflow/tfjs';
import { int64Values } from '../int64.js';
import type { OnnxTensor } from '../model.js';

/** An initializer's values as numbers (int64 checked, bool as 0/1). */
export function numbers(t: OnnxTensor): number[] {
  if (t.dtype === 'string') throw new Error(`initializer '${t.name}' holds strings`);
  if (t.data instanceof BigInt64Array) return int64Values(t.data);
  if (t.data instanceof BigUint64Array) return Array.from(t.data, Number);
  return Array.from(t.data as ArrayLike<number>);
}

export const isIntegerDtype = (dtype: string | null): boolean => dtype !== null && /^u?int|^bool$/.test(dtype);

/** An initializer as a tfjs tensor: float32, or int32 for integer types. */
export function toTensor(t: OnnxTensor): tf.Tensor {
  const values = numbers(t);
  return isIntegerDtype(t.dtype) ? tf.tensor(Int32Array.from(values), [...t.dims], 'int32') : tf.tensor(Float32Array.from(values), [...t.dims], 'float32');
}

/** Axis permutation from the ONNX layout to channels-last ([0, 2, …, r−1, 1]) and back. */
export const toChannelsLast = (rank: number): number[] => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
export const toChannelsFirst = (rank: number): number[] => [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];

/** An ONNX-layout axis of a rank-`rank` value, as an axis of its channels-last copy. */
export const channelsLastAxis = (axis: number, rank: number): number => (axis === 0 ? 0 : axis === 1 ? rank - 1 : axis - 1);

/**
 * Values known while folding: small tensors as plain arrays. An element is a number, or a string
 * naming a symbolic dimension (`'batch'`, `'batch*16'`) that shape arithmetic carries along.
 */
import { numberToInt64, int64ToNumber } from '../int64.js';
import type { OnnxDtype, OnnxTensor, OnnxTensorData } from '../model.js';

export type FoldElement = number | string;

export interface FoldValue {
  readonly dtype: OnnxDtype;
  readonly dims: readonly number[];
  readonly values: readonly FoldElement[];
}

export function isConcrete(value: FoldValue): boolean {
  return value.values.every((v) => typeof v === 'number');
}

export function numbers(value: FoldValue): number[] {
  return value.values as number[];
}

export function fromTensor(tensor: OnnxTensor): FoldValue {
  const { dtype, dims, data } = tensor;
  let values: FoldElement[];
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) values = Array.from(data, int64ToNumber);
  else if (Array.isArray(data)) values = [...data]; // strings: only carried, never computed with
  else values = Array.from(data as ArrayLike<number>);
  return { dtype, dims, values };
}

/** A concrete FoldValue → initializer tensor (int64 saturating at its range). */
export function toTensor(value: FoldValue, name: string): OnnxTensor {
  const v = value.values as number[];
  let data: OnnxTensorData;
  switch (value.dtype) {
    case 'float32': case 'float16': case 'bfloat16': data = Float32Array.from(v); break;
    case 'float64': data = Float64Array.from(v); break;
    case 'int8': data = Int8Array.from(v); break;
    case 'uint8': data = Uint8Array.from(v); break;
    case 'bool': data = Uint8Array.from(v, (x) => (x ? 1 : 0)); break;
    case 'int16': data = Int16Array.from(v); break;
    case 'uint16': data = Uint16Array.from(v); break;
    case 'int32': data = Int32Array.from(v); break;
    case 'uint32': data = Uint32Array.from(v); break;
    case 'int64': data = BigInt64Array.from(v, numberToInt64); break;
    case 'uint64': data = BigUint64Array.from(v, (x) => BigInt.asUintN(64, numberToInt64(x))); break;
    case 'string': data = (value.values as unknown[]).map(String); break;
  }
  // float16/bfloat16 data is held decoded in a Float32Array, as readOnnx holds it
  return { name, dtype: value.dtype, dims: [...value.dims], data };
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

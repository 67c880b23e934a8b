/** ONNX element types: TensorProto.DataType codes, names and byte sizes. */
import type { OnnxDtype } from './model.js';

/** TensorProto.DataType code → name (complex and float8/4-bit types are not supported). */
const DTYPE_BY_CODE: Readonly<Record<number, OnnxDtype>> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
};

const CODE_BY_DTYPE = Object.fromEntries(
  Object.entries(DTYPE_BY_CODE).map(([code, name]) => [name, Number(code)]),
) as Record<OnnxDtype, number>;

/** Bytes per element in raw_data (0 for strings, which have no raw form). */
export const DTYPE_BYTES: Readonly<Record<OnnxDtype, number>> = {
  float32: 4, uint8: 1, int8: 1, uint16: 2, int16: 2, int32: 4, int64: 8, string: 0, bool: 1,
  float16: 2, float64: 8, uint32: 4, uint64: 8, bfloat16: 2,
};

/** Name of a DataType code, or `null` when it is unknown or unsupported. */
export function dtypeFromCode(code: number): OnnxDtype | null {
  return DTYPE_BY_CODE[code] ?? null;
}

export function dtypeCode(dtype: OnnxDtype): number {
  return CODE_BY_DTYPE[dtype];
}

export function isIntegerDtype(dtype: OnnxDtype): boolean {
  return ['uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'uint32', 'uint64', 'bool'].includes(dtype);
}

/** IEEE half-precision bits → number. */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** bfloat16 bits → number (the upper half of a float32). */
export function bfloat16ToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (bits & 0xffff) << 16, true);
  return view.getFloat32(0, true);
}

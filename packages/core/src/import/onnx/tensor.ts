/** TensorProto → OnnxTensor: typed fields or little-endian raw_data (inline or external). */
import type { onnx } from 'onnx-proto';
import { bfloat16ToNumber, DTYPE_BYTES, dtypeFromCode, float16ToNumber } from './dtype.js';
import { OnnxDtypeError, OnnxFormatError, OnnxShapeTooLargeError } from './errors.js';
import { externalDataRef, type ExternalDataReader } from './external-data.js';
import { int64ToNumber, longToBigInt, type LongLike } from './int64.js';
import type { OnnxDtype, OnnxTensor, OnnxTensorData } from './model.js';

export interface TensorContext {
  readonly file: string;
  /** Largest number of elements one tensor may declare. */
  readonly maxElements: number;
  readonly external: ExternalDataReader;
}

const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('the ONNX reader views little-endian raw_data directly and needs a little-endian platform');
}

export function checkElementCount(dims: readonly (number | string)[], ctx: Pick<TensorContext, 'file' | 'maxElements'>, field: string): number {
  let count = 1;
  for (const d of dims) {
    if (typeof d === 'number') {
      if (!Number.isFinite(d) || d < 0) throw new OnnxFormatError(ctx.file, field, `invalid dimension ${d} in shape [${dims.join(', ')}]`);
      count *= d;
    }
  }
  if (count > ctx.maxElements) throw new OnnxShapeTooLargeError(ctx.file, field, dims, ctx.maxElements);
  return count;
}

export function decodeTensor(proto: onnx.ITensorProto, ctx: TensorContext, field: string): OnnxTensor {
  const name = proto.name ?? '';
  const dtype = dtypeFromCode(proto.dataType ?? 0);
  if (dtype === null) {
    throw new OnnxDtypeError(ctx.file, field, `unknown or unsupported data_type ${proto.dataType ?? 0} of tensor '${name}'`);
  }
  const dims = (proto.dims ?? []).map((d) => int64ToNumber(d as number | LongLike));
  const count = checkElementCount(dims, ctx, field);
  let data: OnnxTensorData;
  if (proto.dataLocation === EXTERNAL) {
    const bytes = ctx.external.read(externalDataRef(proto.externalData ?? [], ctx.file, field), field);
    data = fromRaw(bytes, dtype, count, ctx.file, field);
  } else if (proto.rawData && proto.rawData.length > 0) {
    data = fromRaw(proto.rawData, dtype, count, ctx.file, field);
  } else {
    data = fromTypedFields(proto, dtype, count, ctx.file, field);
  }
  return { name, dtype, dims, data };
}

function fromRaw(bytes: Uint8Array, dtype: OnnxDtype, count: number, file: string, field: string): OnnxTensorData {
  const size = DTYPE_BYTES[dtype];
  if (size === 0) throw new OnnxFormatError(file, field, 'string tensors cannot be stored as raw_data');
  if (bytes.length !== count * size) {
    throw new OnnxFormatError(file, field, `raw data holds ${bytes.length} bytes, the shape needs ${count * size} (${count} × ${dtype})`);
  }
  const aligned = new Uint8Array(bytes).buffer; // copy: raw_data is rarely aligned inside the file buffer
  switch (dtype) {
    case 'float32': return new Float32Array(aligned);
    case 'float64': return new Float64Array(aligned);
    case 'int8': return new Int8Array(aligned);
    case 'uint8': case 'bool': return new Uint8Array(aligned);
    case 'int16': return new Int16Array(aligned);
    case 'uint16': return new Uint16Array(aligned);
    case 'int32': return new Int32Array(aligned);
    case 'uint32': return new Uint32Array(aligned);
    case 'int64': return new BigInt64Array(aligned);
    case 'uint64': return new BigUint64Array(aligned);
    case 'float16': return Float32Array.from(new Uint16Array(aligned), float16ToNumber);
    case 'bfloat16': return Float32Array.from(new Uint16Array(aligned), bfloat16ToNumber);
    case 'string': throw new OnnxFormatError(file, field, 'unreachable');
  }
}

function fromTypedFields(proto: onnx.ITensorProto, dtype: OnnxDtype, count: number, file: string, field: string): OnnxTensorData {
  const check = <T extends { length: number }>(values: T, source: string): T => {
    if (values.length !== count) {
      throw new OnnxFormatError(file, field, `${source} holds ${values.length} values, the shape needs ${count}`);
    }
    return values;
  };
  const int32 = (): number[] => check(proto.int32Data ?? [], 'int32_data');
  switch (dtype) {
    case 'float32': return Float32Array.from(check(proto.floatData ?? [], 'float_data'));
    case 'float64': return Float64Array.from(check(proto.doubleData ?? [], 'double_data'));
    case 'int8': return Int8Array.from(int32());
    case 'uint8': return Uint8Array.from(int32());
    case 'bool': return Uint8Array.from(int32(), (v) => (v ? 1 : 0));
    case 'int16': return Int16Array.from(int32());
    case 'uint16': return Uint16Array.from(int32());
    case 'int32': return Int32Array.from(int32());
    case 'float16': return Float32Array.from(int32(), float16ToNumber);
    case 'bfloat16': return Float32Array.from(int32(), bfloat16ToNumber);
    case 'int64':
      return BigInt64Array.from(check(proto.int64Data ?? [], 'int64_data'), (v) => longToBigInt(v as number | LongLike));
    case 'uint32':
      return Uint32Array.from(check(proto.uint64Data ?? [], 'uint64_data'), (v) => Number(longToBigInt(v as number | LongLike)));
    case 'uint64':
      return BigUint64Array.from(check(proto.uint64Data ?? [], 'uint64_data'), (v) => BigInt.asUintN(64, longToBigInt(v as number | LongLike)));
    case 'string':
      return check(proto.stringData ?? [], 'string_data').map((b) => new TextDecoder().decode(b));
  }
}

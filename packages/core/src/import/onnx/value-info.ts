/** ValueInfoProto → OnnxValueInfo: element type and shape, symbolic dims kept by name. */
import type { onnx } from 'onnx-proto';
import { dtypeFromCode } from './dtype.js';
import { OnnxDtypeError } from './errors.js';
import { int64ToNumber, type LongLike } from './int64.js';
import type { OnnxDim, OnnxValueInfo } from './model.js';

export function decodeValueInfo(proto: onnx.IValueInfoProto, file: string, field: string): OnnxValueInfo {
  const name = proto.name ?? '';
  const tensorType = proto.type?.tensorType;
  if (!tensorType) return { name, dtype: null, shape: null }; // sequences, maps, optionals: not tensors
  const code = tensorType.elemType ?? 0;
  const dtype = code === 0 ? null : dtypeFromCode(code);
  if (code !== 0 && dtype === null) {
    throw new OnnxDtypeError(file, field, `value '${name}' has unknown or unsupported elem_type ${code}`);
  }
  const shape = tensorType.shape
    ? (tensorType.shape.dim ?? []).map((d): OnnxDim => {
        if (d.dimParam) return d.dimParam;
        if (d.dimValue !== null && d.dimValue !== undefined && d.hasOwnProperty('dimValue')) return int64ToNumber(d.dimValue as number | LongLike);
        return '?';
      })
    : null;
  return { name, dtype, shape };
}

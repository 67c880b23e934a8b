/**
 * Test-side ONNX model builder: writes small ModelProtos with protobufjs (through onnx-proto), so
 * tests make the models they read. Attributes: integers → INT, other numbers → FLOAT, integer arrays
 * → INTS; wrap with `floats([...])`/`float(x)` to force FLOAT(S).
 */
import { dtypeCode } from '../../src/import/onnx/dtype.js';
import type { OnnxDtype } from '../../src/import/onnx/model.js';
import { onnx, type OnnxProto } from '../../src/import/onnx/proto.js';

export type Dim = number | string;

export interface TensorOptions {
  /** Store as raw_data (little-endian) instead of the typed field (default true for numbers). */
  readonly raw?: boolean;
  /** Store in an external file instead: the caller writes `bytes` of the result to `location`. */
  readonly external?: { location: string; offset?: number; length?: number };
}

/** float32 → IEEE half bits (round to nearest even). */
export function toFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const mant = bits & 0x7fffff;
  if (exp >= 0x1f) return sign | 0x7c00 | (Number.isNaN(value) ? 0x200 : 0);
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (mant | 0x800000) >> (1 - exp);
    return sign | ((m + 0x1000) >> 13);
  }
  return sign | (exp << 10) | ((mant + 0x1000) >> 13);
}

/** float32 → bfloat16 bits (truncation: exact for the values tests use). */
export function toBfloat16Bits(value: number): number {
  return new Uint32Array(Float32Array.of(value).buffer)[0] >>> 16;
}

/** Little-endian bytes of the values in `dtype`. */
export function rawBytes(dtype: OnnxDtype, values: ArrayLike<number | bigint>): Uint8Array {
  const n = values.length;
  const nums = Array.from(values, Number);
  switch (dtype) {
    case 'float32': return new Uint8Array(Float32Array.from(nums).buffer);
    case 'float64': return new Uint8Array(Float64Array.from(nums).buffer);
    case 'int8': return new Uint8Array(Int8Array.from(nums).buffer);
    case 'uint8': case 'bool': return Uint8Array.from(nums);
    case 'int16': return new Uint8Array(Int16Array.from(nums).buffer);
    case 'uint16': return new Uint8Array(Uint16Array.from(nums).buffer);
    case 'int32': return new Uint8Array(Int32Array.from(nums).buffer);
    case 'uint32': return new Uint8Array(Uint32Array.from(nums).buffer);
    case 'int64': return new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(v))).buffer);
    case 'uint64': return new Uint8Array(BigUint64Array.from(Array.from(values, (v) => BigInt(v))).buffer);
    case 'float16': return new Uint8Array(Uint16Array.from(nums, toFloat16Bits).buffer);
    case 'bfloat16': return new Uint8Array(Uint16Array.from(nums, toBfloat16Bits).buffer);
    default: throw new Error(`no raw form for ${dtype} (${n} values)`);
  }
}

export function tensor(name: string, dtype: OnnxDtype, dims: readonly number[], values: ArrayLike<number | bigint> | readonly string[], options: TensorOptions = {}): OnnxProto.ITensorProto {
  const base: OnnxProto.ITensorProto = { name, dataType: dtypeCode(dtype), dims: [...dims] };
  if (dtype === 'string') return { ...base, stringData: (values as string[]).map((s) => new TextEncoder().encode(s)) };
  const nums = values as ArrayLike<number | bigint>;
  if (options.external) {
    const { location, offset, length } = options.external;
    const entries = [{ key: 'location', value: location }];
    if (offset !== undefined) entries.push({ key: 'offset', value: String(offset) });
    if (length !== undefined) entries.push({ key: 'length', value: String(length) });
    return { ...base, dataLocation: 1, externalData: entries };
  }
  if (options.raw ?? true) return { ...base, rawData: rawBytes(dtype, nums) };
  const list = Array.from(nums, Number);
  switch (dtype) {
    case 'float32': return { ...base, floatData: list };
    case 'float64': return { ...base, doubleData: list };
    case 'int64': return { ...base, int64Data: list };
    case 'uint32': case 'uint64': return { ...base, uint64Data: list };
    case 'float16': return { ...base, int32Data: list.map(toFloat16Bits) };
    case 'bfloat16': return { ...base, int32Data: list.map(toBfloat16Bits) };
    default: return { ...base, int32Data: list };
  }
}

const FLOAT_TAG = Symbol('float');
type Floats = number[] & { [FLOAT_TAG]: true };
type FloatValue = { [FLOAT_TAG]: number };
export const floats = (values: readonly number[]): Floats => Object.assign([...values], { [FLOAT_TAG]: true as const });
export const float = (value: number): FloatValue => ({ [FLOAT_TAG]: value });

export type AttrInput = number | string | readonly number[] | readonly string[] | FloatValue | OnnxProto.ITensorProto | OnnxProto.IGraphProto;

function attribute(name: string, value: AttrInput): OnnxProto.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return Number.isInteger(value) ? { name, type: A.INT, i: value } : { name, type: A.FLOAT, f: value };
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) {
    if (FLOAT_TAG in value || value.some((v) => typeof v === 'number' && !Number.isInteger(v))) return { name, type: A.FLOATS, floats: [...(value as number[])] };
    if (value.every((v) => typeof v === 'string')) return { name, type: A.STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) };
    return { name, type: A.INTS, ints: [...(value as number[])] };
  }
  if (FLOAT_TAG in (value as object)) return { name, type: A.FLOAT, f: (value as FloatValue)[FLOAT_TAG] };
  if ('node' in (value as object)) return { name, type: A.GRAPH, g: value as OnnxProto.IGraphProto };
  return { name, type: A.TENSOR, t: value as OnnxProto.ITensorProto };
}

let counter = 0;

export function node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Record<string, AttrInput> = {}, name?: string): OnnxProto.INodeProto {
  return {
    opType, name: name ?? `${opType}_${counter++}`, input: [...inputs], output: [...outputs],
    attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
  };
}

export function valueInfo(name: string, dtype: OnnxDtype, shape: readonly Dim[] | null): OnnxProto.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: dtypeCode(dtype),
        shape: shape ? { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } : undefined,
      },
    },
  };
}

export interface ModelSpec {
  readonly opset?: number;
  readonly inputs: readonly OnnxProto.IValueInfoProto[];
  readonly outputs: readonly OnnxProto.IValueInfoProto[];
  readonly nodes: readonly OnnxProto.INodeProto[];
  readonly initializers?: readonly OnnxProto.ITensorProto[];
  readonly metadata?: Readonly<Record<string, string>>;
  readonly irVersion?: number;
  /** Extra opset imports, e.g. { 'com.microsoft': 1 }. */
  readonly domains?: Readonly<Record<string, number>>;
}

export function graphProto(spec: Omit<ModelSpec, 'opset' | 'metadata' | 'irVersion' | 'domains'>, name = 'g'): OnnxProto.IGraphProto {
  return { name, input: [...spec.inputs], output: [...spec.outputs], node: [...spec.nodes], initializer: [...(spec.initializers ?? [])] };
}

export function buildModel(spec: ModelSpec): Uint8Array {
  const opset = spec.opset ?? 13;
  const proto = onnx.ModelProto.create({
    irVersion: spec.irVersion ?? (opset >= 21 ? 10 : opset >= 19 ? 9 : 8),
    producerName: 'xai-test',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: opset }, ...Object.entries(spec.domains ?? {}).map(([domain, version]) => ({ domain, version }))],
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: graphProto(spec),
  });
  return onnx.ModelProto.encode(proto).finish();
}

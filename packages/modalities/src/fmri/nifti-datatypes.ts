/**
 * The NIfTI datatypes (nifti1.h `DT_*` codes) and how their bytes become numbers. Every standard
 * code is known; all but DT_BINARY (1 bit per voxel, which neither nibabel nor nifti1_io read)
 * can be decoded. Decoding handles either byte order and takes typed-array views when the file's
 * byte order is the machine's and the chunk is aligned.
 */

export type DatatypeKind = 'bit' | 'int' | 'uint' | 'float' | 'complex' | 'rgb';

export interface NiftiDatatype {
  readonly code: number;
  /** numpy-style name: 'int16', 'float32', 'complex64', 'rgb24' … */
  readonly name: string;
  /** Bits per voxel, as `bitpix` must say. */
  readonly bits: number;
  readonly kind: DatatypeKind;
  /** Values per voxel after decoding: 3 for RGB24, 4 for RGBA32, 1 otherwise (complex is reduced). */
  readonly components: number;
}

const T = (code: number, name: string, bits: number, kind: DatatypeKind, components = 1): NiftiDatatype => ({ code, name, bits, kind, components });

export const NIFTI_DATATYPES: readonly NiftiDatatype[] = [
  T(1, 'binary', 1, 'bit'),
  T(2, 'uint8', 8, 'uint'),
  T(4, 'int16', 16, 'int'),
  T(8, 'int32', 32, 'int'),
  T(16, 'float32', 32, 'float'),
  T(32, 'complex64', 64, 'complex'),
  T(64, 'float64', 64, 'float'),
  T(128, 'rgb24', 24, 'rgb', 3),
  T(256, 'int8', 8, 'int'),
  T(512, 'uint16', 16, 'uint'),
  T(768, 'uint32', 32, 'uint'),
  T(1024, 'int64', 64, 'int'),
  T(1280, 'uint64', 64, 'uint'),
  T(1536, 'float128', 128, 'float'),
  T(1792, 'complex128', 128, 'complex'),
  T(2048, 'complex256', 256, 'complex'),
  T(2304, 'rgba32', 32, 'rgb', 4),
];

export const datatypeByCode = (code: number): NiftiDatatype | undefined => NIFTI_DATATYPES.find((d) => d.code === code);

/** How a complex voxel becomes one real value. */
export type ComplexPart = 'magnitude' | 'real' | 'imaginary' | 'phase';

/** Writes the decoded values of `count` voxels starting at `bytes[offset]` into `out` (count × components). */
export type VoxelDecoder = (bytes: Uint8Array, offset: number, count: number, out: Float64Array) => void;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type ViewCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayLike<number>;

/** Typed-array fast path (same byte order, aligned), DataView otherwise. */
function numeric(size: number, ctor: ViewCtor | null, read: (v: DataView, at: number, le: boolean) => number, littleEndian: boolean): VoxelDecoder {
  const native = ctor !== null && littleEndian === HOST_LITTLE_ENDIAN;
  return (bytes, offset, count, out) => {
    const at = bytes.byteOffset + offset;
    if (native && at % size === 0) {
      const view = new ctor!(bytes.buffer, at, count);
      for (let n = 0; n < count; n++) out[n] = view[n]!;
      return;
    }
    const dv = new DataView(bytes.buffer, at, count * size);
    for (let n = 0; n < count; n++) out[n] = read(dv, n * size, littleEndian);
  };
}

/** IEEE 754 binary128 → nearest double (the top 52 of its 112 fraction bits). */
function readFloat128(v: DataView, at: number, le: boolean): number {
  const hi = v.getBigUint64(le ? at + 8 : at, le);
  const lo = v.getBigUint64(le ? at : at + 8, le);
  const sign = hi >> 63n ? -1 : 1;
  const exp = Number((hi >> 48n) & 0x7fffn);
  const frac = Number(hi & 0xffffffffffffn) / 2 ** 48 + Number(lo) / 2 ** 112;
  if (exp === 0x7fff) return frac === 0 ? sign * Infinity : NaN;
  if (exp === 0) return sign * frac * 2 ** -16382;
  return sign * (1 + frac) * 2 ** (exp - 16383);
}

const readers = {
  uint8: (v: DataView, at: number) => v.getUint8(at),
  int8: (v: DataView, at: number) => v.getInt8(at),
  int16: (v: DataView, at: number, le: boolean) => v.getInt16(at, le),
  uint16: (v: DataView, at: number, le: boolean) => v.getUint16(at, le),
  int32: (v: DataView, at: number, le: boolean) => v.getInt32(at, le),
  uint32: (v: DataView, at: number, le: boolean) => v.getUint32(at, le),
  int64: (v: DataView, at: number, le: boolean) => Number(v.getBigInt64(at, le)),
  uint64: (v: DataView, at: number, le: boolean) => Number(v.getBigUint64(at, le)),
  float32: (v: DataView, at: number, le: boolean) => v.getFloat32(at, le),
  float64: (v: DataView, at: number, le: boolean) => v.getFloat64(at, le),
  float128: readFloat128,
};

function complex(partSize: number, read: (v: DataView, at: number, le: boolean) => number, le: boolean, part: ComplexPart): VoxelDecoder {
  return (bytes, offset, count, out) => {
    const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 2 * partSize);
    for (let n = 0; n < count; n++) {
      const re = read(dv, 2 * n * partSize, le);
      const im = read(dv, (2 * n + 1) * partSize, le);
      out[n] = part === 'real' ? re : part === 'imaginary' ? im : part === 'phase' ? Math.atan2(im, re) : Math.hypot(re, im);
    }
  };
}

function rgb(components: number): VoxelDecoder {
  return (bytes, offset, count, out) => {
    const n = count * components;
    for (let c = 0; c < n; c++) out[c] = bytes[offset + c]!;
  };
}

/** The decoder of one datatype in one byte order; null for DT_BINARY. */
export function voxelDecoder(dt: NiftiDatatype, littleEndian: boolean, part: ComplexPart = 'magnitude'): VoxelDecoder | null {
  const le = littleEndian;
  switch (dt.name) {
    case 'uint8': return numeric(1, Uint8Array, readers.uint8, le);
    case 'int8': return numeric(1, Int8Array, readers.int8, le);
    case 'int16': return numeric(2, Int16Array, readers.int16, le);
    case 'uint16': return numeric(2, Uint16Array, readers.uint16, le);
    case 'int32': return numeric(4, Int32Array, readers.int32, le);
    case 'uint32': return numeric(4, Uint32Array, readers.uint32, le);
    case 'int64': return numeric(8, null, readers.int64, le);
    case 'uint64': return numeric(8, null, readers.uint64, le);
    case 'float32': return numeric(4, Float32Array, readers.float32, le);
    case 'float64': return numeric(8, Float64Array, readers.float64, le);
    case 'float128': return numeric(16, null, readers.float128, le);
    case 'complex64': return complex(4, readers.float32, le, part);
    case 'complex128': return complex(8, readers.float64, le, part);
    case 'complex256': return complex(16, readers.float128, le, part);
    case 'rgb24': return rgb(3);
    case 'rgba32': return rgb(4);
    default: return null;
  }
}

/**
 * Test helper: hand-built NIfTI-1/2 files, field by field at the offsets of nifti1.h / nifti2.h,
 * independent of the reader and writer under test (so good and deliberately broken files can be made).
 */
import { gzipSync } from 'node:zlib';

export interface CraftOptions {
  readonly version?: 1 | 2;
  readonly littleEndian?: boolean;
  /** dim[1..]; dim[0] = length unless `dim0` is given. */
  readonly dims: readonly number[];
  readonly dim0?: number;
  readonly datatype?: number;
  readonly bitpix?: number;
  /** pixdim[0..7]; default [1, 1, 1, …]. */
  readonly pixdim?: readonly number[];
  readonly voxOffset?: number;
  readonly sclSlope?: number;
  readonly sclInter?: number;
  readonly qformCode?: number;
  readonly sformCode?: number;
  readonly quatern?: readonly [number, number, number];
  readonly qoffset?: readonly [number, number, number];
  readonly srow?: readonly (readonly number[])[];
  readonly xyztUnits?: number;
  /** Raw bytes at 344 (v1, 4 bytes) or 4 (v2, 8 bytes). */
  readonly magic?: readonly number[];
  /** Voxel bytes as stored (already in the file's byte order). */
  readonly data?: Uint8Array;
  /** Extension flag byte 0 and raw extension bytes placed after it. */
  readonly extension?: Uint8Array;
  readonly gzip?: boolean;
}

const MAGIC1 = [0x6e, 0x2b, 0x31, 0];
const MAGIC2 = [0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a];

export function craftNifti(o: CraftOptions): Uint8Array {
  const v2 = o.version === 2;
  const le = o.littleEndian ?? true;
  const headerSize = v2 ? 540 : 348;
  const extBytes = o.extension ? 4 + o.extension.length : 4;
  const voxOffset = o.voxOffset ?? headerSize + extBytes;
  const data = o.data ?? new Uint8Array(0);
  const bytes = new Uint8Array(Math.max(voxOffset, headerSize + extBytes) + data.length);
  const dv = new DataView(bytes.buffer);
  const dims = [o.dim0 ?? o.dims.length, ...o.dims];
  while (dims.length < 8) dims.push(1);
  const pixdim = [...(o.pixdim ?? [])];
  while (pixdim.length < 8) pixdim.push(1);
  const srow = o.srow ?? [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]];
  const [qb, qc, qd] = o.quatern ?? [0, 0, 0];
  const [qx, qy, qz] = o.qoffset ?? [0, 0, 0];
  if (!v2) {
    dv.setInt32(0, 348, le);
    dims.forEach((d, k) => dv.setInt16(40 + 2 * k, d, le));
    dv.setInt16(70, o.datatype ?? 4, le);
    dv.setInt16(72, o.bitpix ?? 16, le);
    pixdim.forEach((p, k) => dv.setFloat32(76 + 4 * k, p, le));
    dv.setFloat32(108, voxOffset, le);
    dv.setFloat32(112, o.sclSlope ?? 1, le);
    dv.setFloat32(116, o.sclInter ?? 0, le);
    bytes[123] = o.xyztUnits ?? 10;
    dv.setInt16(252, o.qformCode ?? 0, le);
    dv.setInt16(254, o.sformCode ?? 0, le);
    [qb, qc, qd, qx, qy, qz].forEach((v, k) => dv.setFloat32(256 + 4 * k, v, le));
    srow.forEach((row, r) => row.forEach((v, c) => dv.setFloat32(280 + 16 * r + 4 * c, v, le)));
    bytes.set(o.magic ?? MAGIC1, 344);
  } else {
    dv.setInt32(0, 540, le);
    bytes.set(o.magic ?? MAGIC2, 4);
    dv.setInt16(12, o.datatype ?? 4, le);
    dv.setInt16(14, o.bitpix ?? 16, le);
    dims.forEach((d, k) => dv.setBigInt64(16 + 8 * k, BigInt(d), le));
    pixdim.forEach((p, k) => dv.setFloat64(104 + 8 * k, p, le));
    dv.setBigInt64(168, BigInt(voxOffset), le);
    dv.setFloat64(176, o.sclSlope ?? 1, le);
    dv.setFloat64(184, o.sclInter ?? 0, le);
    dv.setInt32(344, o.qformCode ?? 0, le);
    dv.setInt32(348, o.sformCode ?? 0, le);
    [qb, qc, qd, qx, qy, qz].forEach((v, k) => dv.setFloat64(352 + 8 * k, v, le));
    srow.forEach((row, r) => row.forEach((v, c) => dv.setFloat64(400 + 32 * r + 8 * c, v, le)));
    dv.setInt32(500, o.xyztUnits ?? 10, le);
  }
  if (o.extension) {
    bytes[headerSize] = 1;
    bytes.set(o.extension, headerSize + 4);
  }
  bytes.set(data, Math.max(voxOffset, 0));
  return o.gzip ? new Uint8Array(gzipSync(bytes)) : bytes;
}

/** IEEE binary128 bytes of a double (exact: the double's 52 fraction bits, zero-padded). */
function float128(value: number, le: boolean): Uint8Array {
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, value);
  const bits = d.getBigUint64(0);
  const sign = bits >> 63n;
  const exp = (bits >> 52n) & 0x7ffn;
  const frac = bits & 0xfffffffffffffn;
  const exp15 = exp === 0n && frac === 0n ? 0n : exp + 16383n - 1023n;
  const hi = (sign << 63n) | (exp15 << 48n) | (frac >> 4n);
  const lo = (frac & 0xfn) << 60n;
  const out = new Uint8Array(16);
  const o = new DataView(out.buffer);
  o.setBigUint64(le ? 8 : 0, hi, le);
  o.setBigUint64(le ? 0 : 8, lo, le);
  return out;
}

/** Stored bytes of `values` for a datatype code (complex: pairs re, im; RGB: byte triples/quads). */
export function encodeValues(code: number, values: readonly number[], le = true): Uint8Array {
  const size: Record<number, number> = { 2: 1, 4: 2, 8: 4, 16: 4, 32: 4, 64: 8, 128: 1, 256: 1, 512: 2, 768: 4, 1024: 8, 1280: 8, 1536: 16, 1792: 8, 2048: 16, 2304: 1 };
  const s = size[code]!;
  const out = new Uint8Array(values.length * s);
  const dv = new DataView(out.buffer);
  values.forEach((v, n) => {
    const at = n * s;
    switch (code) {
      case 2: case 128: case 2304: dv.setUint8(at, v); break;
      case 256: dv.setInt8(at, v); break;
      case 4: dv.setInt16(at, v, le); break;
      case 512: dv.setUint16(at, v, le); break;
      case 8: dv.setInt32(at, v, le); break;
      case 768: dv.setUint32(at, v, le); break;
      case 1024: dv.setBigInt64(at, BigInt(v), le); break;
      case 1280: dv.setBigUint64(at, BigInt(v), le); break;
      case 16: case 32: dv.setFloat32(at, v, le); break;
      case 64: case 1792: dv.setFloat64(at, v, le); break;
      case 1536: case 2048: out.set(float128(v, le), at); break;
    }
  });
  return out;
}

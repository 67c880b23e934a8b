/**
 * NIfTI-1 and NIfTI-2 headers. `nifti-reader-js` parses the fixed fields (it is handed exactly the
 * 348/540 header bytes, never the extensions, whose loop it does not bound); this module fills what
 * it lacks or gets wrong and checks every field a reader relies on:
 *
 * - NIfTI-2 int64 fields (dim, vox_offset, slice_start/end) are read again with `getBigInt64`
 *   (the package combines big-endian words in the wrong order); srow_x/y/z are read here for both
 *   versions (the package keeps them only when it decides the sform wins);
 * - the affine follows nibabel: sform if sform_code > 0, else qform if qform_code > 0, else voxel
 *   sizes with x flipped and the origin at the centre (the package prefers the qform whenever
 *   qform_code > sform_code, and computes √(1 − b² − c² − d²) without guarding rounding);
 * - scl_slope 0 or non-finite means "no scaling" (nifti1.h); with a valid slope, a non-finite
 *   scl_inter is refused, as nibabel does;
 *   RGB data are never scaled;
 * - bounds: dim[0] in 1..7, every used dim ≥ 1, bitpix matching datatype, an integral vox_offset
 *   past the header, finite pixdim/affine fields, and a voxel count below `maxVoxels` — before any
 *   voxel buffer is allocated. Errors are `InvalidNiftiError`s naming file and field.
 */
import { NIFTI1, NIFTI2 } from 'nifti-reader-js';
import { baseAffine, qformAffine, type Matrix4, type QformParams } from './affine.js';
import { InvalidNiftiError } from './errors.js';
import { datatypeByCode, NIFTI_DATATYPES, type NiftiDatatype } from './nifti-datatypes.js';

export type SpatialUnit = 'unknown' | 'm' | 'mm' | 'um';
export type TemporalUnit = 'unknown' | 's' | 'ms' | 'us' | 'Hz' | 'ppm' | 'rad/s';

const SPATIAL_UNITS: Record<number, SpatialUnit> = { 0: 'unknown', 1: 'm', 2: 'mm', 3: 'um' };
const TEMPORAL_UNITS: Record<number, TemporalUnit> = { 0: 'unknown', 8: 's', 16: 'ms', 24: 'us', 32: 'Hz', 40: 'ppm', 48: 'rad/s' };
export const SPATIAL_UNIT_CODES: Record<SpatialUnit, number> = { unknown: 0, m: 1, mm: 2, um: 3 };
export const TEMPORAL_UNIT_CODES: Record<TemporalUnit, number> = { unknown: 0, s: 8, ms: 16, us: 24, Hz: 32, ppm: 40, 'rad/s': 48 };

/** nifti1.h NIFTI_XFORM_* names of qform_code / sform_code. */
export const XFORM_NAMES: Record<number, string> = { 0: 'unknown', 1: 'scanner', 2: 'aligned', 3: 'talairach', 4: 'mni', 5: 'template' };

export interface NiftiExtension {
  readonly code: number;
  /** esize: bytes including its 8-byte (esize, ecode) header. */
  readonly size: number;
  /** Byte offset in the (decompressed) file. */
  readonly offset: number;
}

export interface NiftiHeader {
  readonly version: 1 | 2;
  readonly littleEndian: boolean;
  /** 348 or 540. */
  readonly headerSize: number;
  /** The raw dim[0..7] array. */
  readonly dim: readonly number[];
  /** dim[1..dim[0]]: i, j, k, t, … */
  readonly shape: readonly number[];
  readonly voxelCount: number;
  readonly datatype: NiftiDatatype;
  readonly bitpix: number;
  /** The raw pixdim[0..7] array. */
  readonly pixdim: readonly number[];
  readonly voxOffset: number;
  /** Bytes of voxel data the header declares (voxelCount · bitpix / 8). */
  readonly dataBytes: number;
  readonly sclSlope: number;
  readonly sclInter: number;
  /** The scaling applied on read, null when none (slope 0/1 and intercept 0, or RGB data). */
  readonly scaling: { readonly slope: number; readonly inter: number } | null;
  readonly calMin: number;
  readonly calMax: number;
  readonly spatialUnit: SpatialUnit;
  readonly temporalUnit: TemporalUnit;
  readonly xyztUnits: number;
  readonly toffset: number;
  readonly sliceCode: number;
  readonly sliceStart: number;
  readonly sliceEnd: number;
  readonly sliceDuration: number;
  readonly dimInfo: number;
  readonly intentCode: number;
  readonly intentName: string;
  readonly intentP: readonly [number, number, number];
  readonly description: string;
  readonly auxFile: string;
  readonly qformCode: number;
  readonly sformCode: number;
  /** Quaternion, offsets, voxel sizes and qfac as stored. */
  readonly qformParams: QformParams;
  /** srow_x, srow_y, srow_z as stored. */
  readonly srow: readonly (readonly number[])[];
  /** The qform affine (null when qform_code is 0). */
  readonly qform: Matrix4 | null;
  /** The sform affine (null when sform_code is 0). */
  readonly sform: Matrix4 | null;
  /** nibabel's best affine: sform, else qform, else the fallback. */
  readonly affine: Matrix4;
  readonly affineSource: 'sform' | 'qform' | 'fallback';
  /** nifti1 extension flag (byte 0 after the header). */
  readonly hasExtensions: boolean;
  readonly extensions: readonly NiftiExtension[];
}

export interface HeaderLimits {
  /** Largest voxel count accepted (default 2^29: 2 GiB as float32). */
  readonly maxVoxels?: number;
}

export const DEFAULT_MAX_VOXELS = 2 ** 29;

/** Which header the first four bytes announce: version, byte order and header size; null if neither. */
export function sniffHeader(bytes: Uint8Array): { version: 1 | 2; littleEndian: boolean; headerSize: number } | null {
  if (bytes.length < 4) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 4);
  for (const littleEndian of [true, false]) {
    const size = dv.getInt32(0, littleEndian);
    if (size === 348) return { version: 1, littleEndian, headerSize: 348 };
    if (size === 540) return { version: 2, littleEndian, headerSize: 540 };
  }
  return null;
}

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/**
 * Parses and checks the header at the start of `bytes` (at least the 348/540 header bytes; the
 * extension flag is read when present). Extensions are parsed separately (`parseExtensions`).
 */
export function parseNiftiHeader(bytes: Uint8Array, file: string, limits: HeaderLimits = {}): NiftiHeader {
  const fail = (field: string, detail: string): never => {
    throw new InvalidNiftiError(file, field, detail);
  };
  const sniff = sniffHeader(bytes);
  if (!sniff) {
    if (bytes.length < 4) fail('sizeof_hdr', `file too short for a NIfTI header (${bytes.length} bytes)`);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, 4);
    fail('sizeof_hdr', `not a NIfTI file: sizeof_hdr is ${dv.getInt32(0, true)} (little-endian) / ${dv.getInt32(0, false)} (big-endian), expected 348 (NIfTI-1) or 540 (NIfTI-2)`);
  }
  const { version, littleEndian: le, headerSize } = sniff!;
  if (bytes.length < headerSize) fail('header', `truncated: a NIfTI-${version} header has ${headerSize} bytes, the file holds ${bytes.length}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);

  // Magic: 'n+1\0' (NIfTI-1 single file) or 'n+2\0\r\n\032\n' (NIfTI-2); 'ni1'/'ni2' are .hdr/.img pairs.
  const magicAt = version === 1 ? 344 : 4;
  const magic = Array.from(bytes.subarray(magicAt, magicAt + (version === 1 ? 4 : 8)));
  const text = String.fromCharCode(...magic.slice(0, 3));
  if (text === `ni${version}`) fail('magic', `'ni${version}' marks the header of a .hdr/.img pair; only single-file .nii/.nii.gz are read (convert with nibabel or fslchfiletype)`);
  if (text !== `n+${version}` || magic[3] !== 0) {
    const shown = JSON.stringify(String.fromCharCode(...magic));
    fail('magic', version === 1
      ? `expected 'n+1\\0' at byte 344, found ${shown}${magic.every((b) => b === 0) ? ' (an Analyze 7.5 header?)' : ''}`
      : `expected 'n+2\\0' at byte 4, found ${shown}`);
  }
  if (version === 2 && (magic[4] !== 0x0d || magic[5] !== 0x0a || magic[6] !== 0x1a || magic[7] !== 0x0a)) {
    fail('magic', "NIfTI-2 magic is followed by '\\r\\n\\032\\n' (a text-mode transfer changes it); the bytes were altered");
  }

  const lib = version === 1 ? new NIFTI1() : new NIFTI2();
  try {
    lib.readHeader(toArrayBuffer(bytes.subarray(0, headerSize)));
  } catch (err) {
    fail('header', (err as Error).message);
  }
  const int64 = (at: number, field: string) => {
    const v = dv.getBigInt64(at, le);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) fail(field, `value ${v} out of range`);
    return Number(v);
  };

  const dim = version === 1 ? [...lib.dims] : Array.from({ length: 8 }, (_, k) => int64(16 + 8 * k, `dim[${k}]`));
  const ndim = dim[0]!;
  if (!(ndim >= 1 && ndim <= 7)) fail('dim[0]', `number of dimensions must be 1..7, got ${ndim}`);
  const shape = dim.slice(1, ndim + 1);
  shape.forEach((d, k) => {
    if (!(d >= 1)) fail(`dim[${k + 1}]`, `must be ≥ 1, got ${d}`);
  });
  const maxVoxels = limits.maxVoxels ?? DEFAULT_MAX_VOXELS;
  const voxelCount = shape.reduce((a, b) => a * b, 1);
  if (!(voxelCount <= maxVoxels)) {
    fail(`dim[1..${ndim}]`, `[${shape.join(', ')}] declares ${voxelCount.toExponential(3)} voxels, more than the limit of ${maxVoxels} (option maxVoxels)`);
  }

  const datatype = datatypeByCode(lib.datatypeCode);
  if (!datatype) fail('datatype', `unknown datatype code ${lib.datatypeCode}; NIfTI defines ${NIFTI_DATATYPES.map((d) => `${d.code} (${d.name})`).join(', ')}`);
  if (datatype!.kind === 'bit') fail('datatype', 'DT_BINARY (1 bit per voxel) is not supported (nibabel and nifti1_io do not read it either)');
  if (lib.numBitsPerVoxel !== datatype!.bits) fail('bitpix', `is ${lib.numBitsPerVoxel} but datatype ${datatype!.name} (code ${datatype!.code}) has ${datatype!.bits} bits per voxel`);

  const pixdim = [...lib.pixDims];
  const voxOffset = version === 1 ? lib.vox_offset : int64(168, 'vox_offset');
  if (!Number.isInteger(voxOffset) || voxOffset < headerSize) fail('vox_offset', `must be an integer ≥ ${headerSize} (the header size) in a single-file NIfTI, got ${voxOffset}`);
  const dataBytes = (voxelCount * datatype!.bits) / 8;

  const f32 = (at: number) => dv.getFloat32(at, le);
  const f64 = (at: number) => dv.getFloat64(at, le);
  const srow = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => (version === 1 ? f32(280 + 16 * r + 4 * c) : f64(400 + 32 * r + 8 * c))));
  const qformCode = lib.qform_code;
  const sformCode = lib.sform_code;
  const spatialN = Math.min(ndim, 3);
  for (let k = 1; k <= spatialN; k++) if (!Number.isFinite(pixdim[k]!)) fail(`pixdim[${k}]`, `must be finite, got ${pixdim[k]}`);

  const qformParams: QformParams = {
    quaternB: lib.quatern_b, quaternC: lib.quatern_c, quaternD: lib.quatern_d,
    qoffset: [lib.qoffset_x, lib.qoffset_y, lib.qoffset_z],
    voxelSize: [pixdim[1] ?? 1, ndim >= 2 ? pixdim[2]! : 1, ndim >= 3 ? pixdim[3]! : 1],
    qfac: pixdim[0]! < 0 ? -1 : 1,
  };
  let qform: Matrix4 | null = null;
  if (qformCode > 0) {
    const fields: [string, number][] = [['quatern_b', lib.quatern_b], ['quatern_c', lib.quatern_c], ['quatern_d', lib.quatern_d], ['qoffset_x', lib.qoffset_x], ['qoffset_y', lib.qoffset_y], ['qoffset_z', lib.qoffset_z]];
    for (const [name, v] of fields) if (!Number.isFinite(v)) fail(name, `must be finite when qform_code is ${qformCode}, got ${v}`);
    for (let k = 1; k <= spatialN; k++) if (pixdim[k]! < 0) fail(`pixdim[${k}]`, `must be ≥ 0 when the qform is used, got ${pixdim[k]}`);
    qform = qformAffine(qformParams);
    if (!qform) fail('quatern_b/c/d', `b² + c² + d² = ${(lib.quatern_b ** 2 + lib.quatern_c ** 2 + lib.quatern_d ** 2).toPrecision(8)} exceeds 1: not a unit quaternion`);
  }
  let sform: Matrix4 | null = null;
  if (sformCode > 0) {
    srow.forEach((row, r) => row.forEach((v) => {
      if (!Number.isFinite(v)) fail(`srow_${'xyz'[r]}`, `must be finite when sform_code is ${sformCode}, got [${row.join(', ')}]`);
    }));
    sform = [...srow.map((r) => [...r]), [0, 0, 0, 1]];
  }
  const affineSource = sform ? 'sform' : qform ? 'qform' : 'fallback';
  const affine = sform ?? qform ?? baseAffine(shape, [1, 2, 3].map((k) => (k <= ndim ? pixdim[k]! : 1)));

  const sclSlope = lib.scl_slope;
  const sclInter = lib.scl_inter;
  // nibabel (Nifti1Header.get_slope_inter): a zero or non-finite slope means no scaling, whatever
  // the intercept; a valid slope with a non-finite intercept is refused.
  const scaled = Number.isFinite(sclSlope) && sclSlope !== 0;
  if (scaled && !Number.isFinite(sclInter)) fail('scl_inter', `must be finite when scl_slope is ${sclSlope}, got ${sclInter} (nibabel refuses it too)`);
  const slope = scaled ? sclSlope : 1;
  const inter = scaled ? sclInter : 0;
  const scaling = datatype!.kind === 'rgb' || (slope === 1 && inter === 0) ? null : { slope, inter };

  // The 4 bytes after the header are the extension flag only when vox_offset leaves room for them.
  const hasExtensions = voxOffset >= headerSize + 4 && bytes.length > headerSize && bytes[headerSize] !== 0;
  return {
    version, littleEndian: le, headerSize, dim, shape, voxelCount, datatype: datatype!, bitpix: lib.numBitsPerVoxel, pixdim,
    voxOffset, dataBytes, sclSlope, sclInter, scaling,
    calMin: lib.cal_min, calMax: lib.cal_max,
    spatialUnit: SPATIAL_UNITS[lib.xyzt_units & 0x07] ?? 'unknown',
    temporalUnit: TEMPORAL_UNITS[lib.xyzt_units & 0x38] ?? 'unknown',
    xyztUnits: lib.xyzt_units,
    toffset: lib.toffset,
    sliceCode: lib.slice_code,
    sliceStart: version === 1 ? lib.slice_start : int64(224, 'slice_start'),
    sliceEnd: version === 1 ? lib.slice_end : int64(232, 'slice_end'),
    sliceDuration: lib.slice_duration,
    dimInfo: lib.dim_info,
    intentCode: lib.intent_code,
    intentName: lib.intent_name,
    intentP: [lib.intent_p1, lib.intent_p2, lib.intent_p3],
    description: lib.description,
    auxFile: lib.aux_file,
    qformCode, sformCode, qformParams, srow, qform, sform, affine, affineSource,
    hasExtensions,
    extensions: [],
  };
}

/**
 * The extensions between the header and vox_offset (`bytes` holds the file from its start up to at
 * least `limit` bytes). Each must have esize ≥ 16, a multiple of 16, and end by vox_offset.
 */
export function parseExtensions(bytes: Uint8Array, header: NiftiHeader, file: string, limit = header.voxOffset): NiftiExtension[] {
  if (!header.hasExtensions) return [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: NiftiExtension[] = [];
  let at = header.headerSize + 4;
  const end = Math.min(limit, header.voxOffset, bytes.length);
  while (at + 8 <= end) {
    const size = dv.getInt32(at, header.littleEndian);
    const code = dv.getInt32(at + 4, header.littleEndian);
    if (size === 0) break;
    if (size < 16 || size % 16 !== 0) throw new InvalidNiftiError(file, `extension ${out.length} esize`, `must be a positive multiple of 16 (at byte ${at}), got ${size}`);
    if (at + size > header.voxOffset) throw new InvalidNiftiError(file, `extension ${out.length} esize`, `${size} bytes at byte ${at} run past vox_offset ${header.voxOffset}`);
    out.push({ code, size, offset: at });
    at += size;
  }
  return out;
}

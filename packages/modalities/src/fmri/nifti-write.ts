/**
 * A NIfTI-1 writer for relevance volumes: float32 (int16/uint8 for compact data), little-endian, single file ('n+1', vox_offset
 * 352, no extensions), optionally gzip-compressed (.nii.gz). The voxel grid's geometry comes from
 * the input's header (qform and sform with their codes, pixdim, units, toffset, slice timing), so
 * FSLeyes, nilearn or MRIcroGL overlay the relevance on the subject's anatomy exactly where the
 * input lies — or from an explicit affine (written as sform and, via nifti1_io's polar
 * decomposition, as qform, both with code 2 'aligned').
 */
import { gzipSync } from 'node:zlib';
import { InvalidArgumentError } from '@xai/core';
import { affineToQform, type Matrix4, type QformParams } from './affine.js';
import { SPATIAL_UNIT_CODES, TEMPORAL_UNIT_CODES, type NiftiHeader, type SpatialUnit, type TemporalUnit } from './nifti-header.js';

export interface WriteNiftiOptions {
  /** Voxel values in `axes` order (row-major, last axis fastest). */
  readonly data: ArrayLike<number>;
  /** NIfTI dims (i, j, k[, t …]), 1..7 of them. */
  readonly shape: readonly number[];
  /** Axis order of `data` as NIfTI axis numbers (default [0, 1, 2, …], nibabel's indexing); see ReadNiftiOptions.axes. */
  readonly axes?: readonly number[];
  /** Header whose geometry (qform, sform, codes, pixdim, units, toffset, slice fields) is copied. */
  readonly like?: NiftiHeader;
  /** Voxel-to-world affine when there is no `like` header (written as sform and qform, code 2). */
  readonly affine?: Matrix4;
  /** pixdim[4] (time step) when `like` has none; default 1. */
  readonly timeStep?: number;
  readonly spatialUnit?: SpatialUnit;
  readonly temporalUnit?: TemporalUnit;
  /** descrip (at most 79 characters are kept). */
  readonly description?: string;
  /** intent_name (at most 15 characters). */
  readonly intentName?: string;
  /** nifti1.h intent code (default 0, none). */
  readonly intentCode?: number;
  /** cal_min/cal_max display range (default: ±max|value|, symmetric for signed relevance). */
  readonly calRange?: readonly [number, number];
  /** gzip the result (.nii.gz). */
  readonly gzip?: boolean;
  /**
   * Stored type: 'float32' (default, values as they are), 'int16' (scl_slope = max|v|/32767, for
   * compact demo data) or 'uint8' (values rounded and clamped to 0..255, no scaling).
   */
  readonly datatype?: 'float32' | 'int16' | 'uint8';
}

const STORED = { float32: { code: 16, bits: 32 }, int16: { code: 4, bits: 16 }, uint8: { code: 2, bits: 8 } } as const;

const HEADER = 348;
const VOX_OFFSET = 352;

function writeString(bytes: Uint8Array, at: number, length: number, text: string): void {
  const ascii = [...text].map((ch) => (ch.charCodeAt(0) < 128 ? ch.charCodeAt(0) : 63)).slice(0, length - 1);
  bytes.set(ascii, at);
}

/** Copies `data` (in `axes` order) into `out` in file order (i fastest). */
function toDiskOrder(data: ArrayLike<number>, shape: readonly number[], axes: readonly number[], out: Float32Array): void {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let q = axes.length - 1; q >= 0; q--) {
    strides[axes[q]!] = s;
    s *= shape[axes[q]!]!;
  }
  const coord = shape.map(() => 0);
  const n0 = shape[0]!;
  const s0 = strides[0]!;
  let pos = 0;
  for (let e = 0; e < out.length; e += n0) {
    for (let i = 0, p = pos; i < n0; i++, p += s0) out[e + i] = data[p]!;
    for (let a = 1; a < shape.length; a++) {
      coord[a] = coord[a]! + 1;
      pos += strides[a]!;
      if (coord[a]! < shape[a]!) break;
      pos -= shape[a]! * strides[a]!;
      coord[a] = 0;
    }
  }
}

/** Encodes a float32 NIfTI-1 file (gzip-compressed when `gzip`). */
export function writeNifti(options: WriteNiftiOptions): Uint8Array {
  const { shape, like } = options;
  if (shape.length < 1 || shape.length > 7 || shape.some((d) => !Number.isInteger(d) || d < 1 || d > 32767)) {
    throw new InvalidArgumentError(`NIfTI-1 shape must have 1..7 dims in 1..32767, got [${shape.join(', ')}]`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (options.data.length !== count) throw new InvalidArgumentError(`NIfTI data has ${options.data.length} values, shape [${shape.join(', ')}] needs ${count}`);
  const axes = options.axes ?? shape.map((_, k) => k);
  if (axes.length !== shape.length || [...axes].sort((a, b) => a - b).some((a, k) => a !== k)) {
    throw new InvalidArgumentError(`axis order [${axes.join(', ')}] is not a permutation of 0..${shape.length - 1}`);
  }

  const stored = options.datatype ?? 'float32';
  if (!(stored in STORED)) throw new InvalidArgumentError(`datatype must be float32, int16 or uint8, got '${stored}'`);
  const { code, bits } = STORED[stored];
  const bytes = new Uint8Array(VOX_OFFSET + (count * bits) / 8);
  const dv = new DataView(bytes.buffer);
  const i16 = (at: number, v: number) => dv.setInt16(at, v, true);
  const f32 = (at: number, v: number) => dv.setFloat32(at, v, true);

  dv.setInt32(0, HEADER, true);
  bytes[38] = 'r'.charCodeAt(0);
  bytes[39] = like?.dimInfo ?? 0;
  i16(40, shape.length);
  for (let k = 0; k < 7; k++) i16(42 + 2 * k, shape[k] ?? 1);
  i16(68, options.intentCode ?? 0);
  i16(70, code);
  i16(72, bits);

  // Geometry: from the input's header, or from an explicit affine.
  let qform: QformParams | null = null;
  let qformCode = 0;
  let sformCode = 0;
  let srow: readonly (readonly number[])[] = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
  let voxel: readonly number[] = [1, 1, 1];
  if (like) {
    qform = like.qformParams;
    qformCode = like.qformCode;
    sformCode = like.sformCode;
    srow = like.srow;
    voxel = [1, 2, 3].map((k) => like.pixdim[k] ?? 1);
  } else if (options.affine) {
    qform = affineToQform(options.affine);
    qformCode = 2;
    sformCode = 2;
    srow = options.affine.slice(0, 3);
    voxel = qform.voxelSize;
  }
  const timeStep = like && like.shape.length >= 4 ? like.pixdim[4]! : options.timeStep ?? 1;
  const pixdim = [qform?.qfac ?? 1, voxel[0]!, voxel[1]!, voxel[2]!, timeStep, 1, 1, 1];
  for (let k = 0; k < 8; k++) f32(76 + 4 * k, k === 0 || k <= shape.length ? pixdim[k]! : 1);
  f32(108, VOX_OFFSET);
  let maxAbs = 0;
  for (let p = 0; p < count; p++) {
    const v = Math.abs(options.data[p]!);
    if (v > maxAbs && Number.isFinite(v)) maxAbs = v;
  }
  const slope = stored === 'int16' && maxAbs > 0 ? maxAbs / 32767 : 1;
  f32(112, slope); // float32 and uint8 values are stored as they are
  f32(116, 0);
  if (like) {
    i16(74, Math.min(32767, like.sliceStart));
    i16(120, Math.min(32767, like.sliceEnd));
    bytes[122] = like.sliceCode;
    f32(132, like.sliceDuration);
    f32(136, like.toffset);
  }
  const spatial = options.spatialUnit ?? like?.spatialUnit ?? 'mm';
  const temporal = options.temporalUnit ?? like?.temporalUnit ?? (shape.length >= 4 ? 's' : 'unknown');
  bytes[123] = SPATIAL_UNIT_CODES[spatial] | TEMPORAL_UNIT_CODES[temporal];

  const [calMin, calMax] = options.calRange ?? [-maxAbs, maxAbs];
  f32(124, calMax);
  f32(128, calMin);
  writeString(bytes, 148, 80, options.description ?? '');
  i16(252, qformCode);
  i16(254, sformCode);
  if (qform) {
    f32(256, qform.quaternB);
    f32(260, qform.quaternC);
    f32(264, qform.quaternD);
    qform.qoffset.forEach((v, k) => f32(268 + 4 * k, v));
  }
  srow.forEach((row, r) => row.forEach((v, c) => f32(280 + 16 * r + 4 * c, v)));
  writeString(bytes, 328, 16, options.intentName ?? '');
  bytes.set([0x6e, 0x2b, 0x31, 0], 344); // 'n+1\0'
  // bytes 348..351: extension flag 0 (no extensions)

  const voxels = new Float32Array(count);
  toDiskOrder(options.data, shape, axes, voxels);
  const storedSlope = dv.getFloat32(112, true);
  if (stored === 'float32') for (let p = 0; p < count; p++) dv.setFloat32(VOX_OFFSET + 4 * p, voxels[p]!, true);
  else if (stored === 'int16') for (let p = 0; p < count; p++) dv.setInt16(VOX_OFFSET + 2 * p, Math.max(-32767, Math.min(32767, Math.round(voxels[p]! / storedSlope))) || 0, true);
  else for (let p = 0; p < count; p++) bytes[VOX_OFFSET + p] = Math.max(0, Math.min(255, Math.round(voxels[p]!))) || 0;
  return options.gzip ? new Uint8Array(gzipSync(bytes, { level: 6 })) : bytes;
}

/**
 * Resampling of NIfTI volumes onto another voxel grid through world space: for each target voxel
 * t, world = A_target · t and the source position is A_source⁻¹ · world. Trilinear interpolation
 * for data, nearest neighbour for masks and label volumes. Positions outside the source volume
 * (beyond its first and last voxel centres) get a fill value — the convention of
 * `scipy.ndimage.affine_transform(mode='constant')`, which nibabel's `resample_from_to` uses.
 */
import { InvalidArgumentError } from '@xai/core';
import { invertAffine, multiplyAffine, voxelSizes, type Matrix4 } from './affine.js';

export type Interpolation = 'trilinear' | 'nearest';

/** A voxel grid: its dims (i, j, k) and its voxel-to-world affine. */
export interface VoxelGrid {
  readonly dims: readonly [number, number, number];
  readonly affine: Matrix4;
}

export interface ResampleOptions {
  readonly interpolation: Interpolation;
  /** Value of target voxels whose position lies outside the source volume (default 0). */
  readonly fill?: number;
  /** Volumes stored back to back in `data`, each dense on the source grid (default 1). */
  readonly volumes?: number;
}

/** Positions this close outside the first/last voxel centre (in voxels) still count as inside. */
const EDGE = 1e-6;

/**
 * Resamples `volumes` dense volumes (nibabel order: i slowest, k fastest; volume after volume)
 * from `source` onto `target`; the result has the same order on the target grid.
 */
export function resampleVolumes(data: ArrayLike<number>, source: VoxelGrid, target: VoxelGrid, options: ResampleOptions): Float32Array {
  const volumes = options.volumes ?? 1;
  const fill = options.fill ?? 0;
  const [si, sj, sk] = source.dims;
  const [ti, tj, tk] = target.dims;
  const perSource = si * sj * sk;
  const perTarget = ti * tj * tk;
  if (data.length !== perSource * volumes) {
    throw new InvalidArgumentError(`resampling: ${data.length} values for ${volumes} volume(s) of ${si}×${sj}×${sk}`);
  }
  const inverse = invertAffine(source.affine);
  if (!inverse) throw new InvalidArgumentError('resampling: the source affine is singular');
  // source index (continuous) of target voxel (i, j, k) = M · (i, j, k, 1)
  const M = multiplyAffine(inverse, target.affine);
  const out = new Float32Array(perTarget * volumes);
  const nearest = options.interpolation === 'nearest';
  const inside = (x: number, n: number) => x >= -EDGE && x <= n - 1 + EDGE;
  for (let i = 0, p = 0; i < ti; i++) {
    for (let j = 0; j < tj; j++) {
      for (let k = 0; k < tk; k++, p++) {
        const x = M[0]![0]! * i + M[0]![1]! * j + M[0]![2]! * k + M[0]![3]!;
        const y = M[1]![0]! * i + M[1]![1]! * j + M[1]![2]! * k + M[1]![3]!;
        const z = M[2]![0]! * i + M[2]![1]! * j + M[2]![2]! * k + M[2]![3]!;
        if (!inside(x, si) || !inside(y, sj) || !inside(z, sk)) {
          for (let v = 0; v < volumes; v++) out[v * perTarget + p] = fill;
          continue;
        }
        if (nearest) {
          const q = clampRound(x, si) * sj * sk + clampRound(y, sj) * sk + clampRound(z, sk);
          for (let v = 0; v < volumes; v++) out[v * perTarget + p] = data[v * perSource + q]!;
          continue;
        }
        const [x0, x1, fx] = corners(x, si);
        const [y0, y1, fy] = corners(y, sj);
        const [z0, z1, fz] = corners(z, sk);
        // the 8 neighbours' offsets and weights (no allocation per voxel: runs take millions of them)
        const a00 = x0 * sj * sk + y0 * sk, a01 = x0 * sj * sk + y1 * sk, a10 = x1 * sj * sk + y0 * sk, a11 = x1 * sj * sk + y1 * sk;
        const w00 = (1 - fx) * (1 - fy), w01 = (1 - fx) * fy, w10 = fx * (1 - fy), w11 = fx * fy;
        const gz = 1 - fz;
        for (let v = 0, b = 0; v < volumes; v++, b += perSource) {
          let acc = w00 * (gz * data[b + a00 + z0]! + fz * data[b + a00 + z1]!);
          if (w01 !== 0) acc += w01 * (gz * data[b + a01 + z0]! + fz * data[b + a01 + z1]!);
          if (w10 !== 0) acc += w10 * (gz * data[b + a10 + z0]! + fz * data[b + a10 + z1]!);
          if (w11 !== 0) acc += w11 * (gz * data[b + a11 + z0]! + fz * data[b + a11 + z1]!);
          out[v * perTarget + p] = acc;
        }
      }
    }
  }
  return out;
}

const clampRound = (x: number, n: number) => Math.min(n - 1, Math.max(0, Math.round(x)));

/** The two neighbouring indices of a position inside [0, n − 1] and the weight of the upper one. */
function corners(x: number, n: number): [number, number, number] {
  const c = Math.min(n - 1, Math.max(0, x));
  const lo = Math.min(n - 1, Math.floor(c));
  const hi = Math.min(n - 1, lo + 1);
  return [lo, hi, hi === lo ? 0 : c - lo];
}

/** Whether two grids are the same (dims equal, affines within `tolerance` mm). */
export function sameVoxelGrid(a: VoxelGrid, b: VoxelGrid, tolerance = 1e-4): boolean {
  return a.dims.every((d, k) => d === b.dims[k]) && a.affine.every((row, r) => row.every((v, c) => Math.abs(v - b.affine[r]![c]!) <= tolerance));
}

/**
 * The grid of `dims` voxels covering the field of view of `source` (its voxel edges), axis by
 * axis: what a volume is resampled onto when the model states no affine of its own.
 */
export function fieldOfViewGrid(source: VoxelGrid, dims: readonly [number, number, number]): VoxelGrid {
  // target index t sits at source index (t + ½)·s − ½, s = n_source / n_target
  const scale = dims.map((n, a) => source.dims[a]! / n);
  const S: Matrix4 = [[scale[0]!, 0, 0, (scale[0]! - 1) / 2], [0, scale[1]!, 0, (scale[1]! - 1) / 2], [0, 0, scale[2]!, (scale[2]! - 1) / 2], [0, 0, 0, 1]];
  return { dims, affine: multiplyAffine(source.affine, S) };
}

/** "64×64×30 at 3 mm" or "64×64×30 at 3×3×3.5 mm". */
export function describeGrid(grid: VoxelGrid, unit = 'mm'): string {
  const sizes = voxelSizes(grid.affine).map((s) => String(Math.round(s * 1000) / 1000));
  const size = sizes.every((s) => s === sizes[0]) ? sizes[0] : sizes.join('×');
  return `${grid.dims.join('×')} at ${size}${unit === 'unknown' ? '' : ` ${unit}`}`;
}

/**
 * `fmri-view.json` (`xai-fmri-view`): what the dashboard needs for its three linked slice viewers —
 * the relevance volume (summed over time for runs) and the underlay (the anatomical volume sampled
 * onto the relevance grid, else the input or its mean over time), both turned to RAS+ voxel order
 * (x towards the subject's right, y anterior, z superior) so a viewer needs no orientation logic.
 * The affine maps these RAS voxel indices to the input's world coordinates.
 */
import { quantise, rounded } from '../view-data.js';
import type { FmriView } from '../view-schemas.js';

export type { FmriView };
import { applyAffine, axisCodes, axisOrientation, invertAffine, multiplyAffine, voxelSizes, type Matrix4 } from './affine.js';
import { voxelAt, type VolumeGrid } from './volume-views.js';

/** Larger volumes get no view JSON (the PNG views and the NIfTI stay): 128³ voxels. */
export const MAX_VIEW_VOXELS = 128 ** 3;


/** Maps RAS voxel indices to the source grid's indices, and the RAS affine. */
function rasFrame(grid: VolumeGrid) {
  const { world, sign } = axisOrientation(grid.affine);
  const dims = [0, 0, 0] as [number, number, number];
  for (let v = 0; v < 3; v++) dims[world[v]!] = grid.dims[v]!;
  // source index v = sign>0 ? out[world[v]] : n_v − 1 − out[world[v]]
  const toSource: Matrix4 = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]];
  for (let v = 0; v < 3; v++) {
    toSource[v]![world[v]!] = sign[v]!;
    toSource[v]![3] = sign[v]! > 0 ? 0 : grid.dims[v]! - 1;
  }
  return { dims, toSource, affine: multiplyAffine(grid.affine, toSource) };
}

/** Intensities quantised to 0…255 over a robust window of the non-zero voxels. */
function windowed(values: Float64Array): number[] {
  const nonZero = [...values].filter((v) => Number.isFinite(v) && v !== 0).sort((a, b) => a - b);
  if (nonZero.length === 0) return Array.from(values, () => 0);
  const at = (p: number) => nonZero[Math.min(nonZero.length - 1, Math.round((p / 100) * (nonZero.length - 1)))]!;
  const lo = Math.min(0, at(2));
  const hi = at(99.5) > lo ? at(99.5) : lo + 1;
  return Array.from(values, (v) => (Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255))) : 0));
}

export function fmriView(
  relevance: VolumeGrid,
  underlay: VolumeGrid,
  meta: { file: string; underlayFile: string; nifti: string; spatialUnit: string; volumesSummed: number; method: string; target: number; targetName?: string; resampled?: string },
  /** Each volume's relevance on the grid of `relevance` (runs explained volume by volume); left out beyond MAX_VIEW_VOXELS values in all. */
  volumes: readonly VolumeGrid[] = [],
): FmriView | null {
  const frame = rasFrame(relevance);
  const [nx, ny, nz] = frame.dims;
  if (nx * ny * nz > MAX_VIEW_VOXELS) return null;
  const perVolume = volumes.length > 0 && nx * ny * nz * volumes.length <= MAX_VIEW_VOXELS ? volumes.map(() => new Float64Array(nx * ny * nz)) : [];
  // underlay voxel of each relevance voxel (nearest, through world space; outside: 0)
  const sameGrid = underlay === relevance || (underlay.dims.every((d, k) => d === relevance.dims[k]) && underlay.affine.every((row, r) => row.every((v, c) => Math.abs(v - relevance.affine[r]![c]!) < 1e-6)));
  const inv = sameGrid ? null : invertAffine(underlay.affine);
  const toUnderlay = inv ? multiplyAffine(inv, relevance.affine) : null;
  const rel = new Float64Array(nx * ny * nz);
  const under = new Float64Array(nx * ny * nz);
  let peak = 0;
  for (let x = 0, p = 0; x < nx; x++) for (let y = 0; y < ny; y++) for (let z = 0; z < nz; z++, p++) {
    const [i, j, k] = applyAffine(frame.toSource, [x, y, z]).map(Math.round) as [number, number, number];
    rel[p] = voxelAt(relevance, i, j, k);
    perVolume.forEach((values, t) => (values[p] = voxelAt(volumes[t]!, i, j, k)));
    if (Math.abs(rel[p]!) > Math.abs(rel[peak]!)) peak = p;
    if (!toUnderlay) under[p] = sameGrid ? voxelAt(underlay, i, j, k) : 0;
    else {
      const [a, b, c] = applyAffine(toUnderlay, [i, j, k]).map(Math.round) as [number, number, number];
      const inside = a >= 0 && b >= 0 && c >= 0 && a < underlay.dims[0] && b < underlay.dims[1] && c < underlay.dims[2];
      under[p] = inside ? voxelAt(underlay, a, b, c) : 0;
    }
  }
  const sizes = voxelSizes(frame.affine);
  return {
    format: 'xai-fmri-view',
    version: 1,
    file: meta.file,
    method: meta.method,
    target: meta.target,
    ...(meta.targetName !== undefined ? { targetName: meta.targetName } : {}),
    dims: [nx, ny, nz],
    voxelSize: [rounded(sizes[0]), rounded(sizes[1]), rounded(sizes[2])],
    spatialUnit: meta.spatialUnit,
    affine: frame.affine.map((row) => row.map((v) => rounded(v, 6))),
    sourceOrientation: axisCodes(relevance.affine),
    relevance: quantise(rel),
    underlay: windowed(under),
    underlayFile: meta.underlayFile,
    peak: [Math.floor(peak / (ny * nz)), Math.floor(peak / nz) % ny, peak % nz],
    nifti: meta.nifti,
    volumesSummed: meta.volumesSummed,
    ...(meta.resampled !== undefined ? { resampled: meta.resampled } : {}),
    ...(perVolume.length > 0 ? { volumeRelevance: perVolume.map((values) => quantise(values)) } : {}),
  };
}

/**
 * Slices of a RAS-ordered volume (x → right, y → anterior, z → superior; index (x·ny + y)·nz + z)
 * for the three orthogonal viewers, drawn in neurological convention (the subject's right on the
 * right of the screen, anterior and superior up).
 */
export type Plane = 'axial' | 'coronal' | 'sagittal';
export type Voxel = [number, number, number];

export interface PlaneAxes {
  /** Volume axis across the screen (left → right) and up the screen (bottom → top). */
  across: 0 | 1 | 2;
  up: 0 | 1 | 2;
  /** The axis the slice is fixed on. */
  through: 0 | 1 | 2;
  /** Letters at the left/right and bottom/top edges. */
  labels: [string, string, string, string];
}

export const PLANES: Record<Plane, PlaneAxes> = {
  axial: { across: 0, up: 1, through: 2, labels: ['L', 'R', 'P', 'A'] },
  coronal: { across: 0, up: 2, through: 1, labels: ['L', 'R', 'I', 'S'] },
  sagittal: { across: 1, up: 2, through: 0, labels: ['P', 'A', 'I', 'S'] },
};

export const voxelIndex = (dims: readonly number[], v: readonly number[]) => (v[0]! * dims[1]! + v[1]!) * dims[2]! + v[2]!;

/** Clamps a voxel into the volume. */
export const clampVoxel = (dims: readonly number[], v: readonly number[]): Voxel =>
  [0, 1, 2].map((a) => Math.max(0, Math.min(dims[a]! - 1, Math.round(v[a]!)))) as Voxel;

/** The voxel under slice pixel (col, row) of a plane through `at` (row 0 at the top). */
export function voxelOfPixel(plane: Plane, dims: readonly number[], at: Voxel, col: number, row: number): Voxel {
  const { across, up } = PLANES[plane];
  const v: Voxel = [...at];
  v[across] = col;
  v[up] = dims[up]! - 1 - row;
  return clampVoxel(dims, v);
}

/** World coordinates (affine · [x, y, z, 1]). */
export function worldOf(affine: number[][], v: readonly number[]): Voxel {
  return [0, 1, 2].map((r) => affine[r]![0]! * v[0]! + affine[r]![1]! * v[1]! + affine[r]![2]! * v[2]! + affine[r]![3]!) as Voxel;
}

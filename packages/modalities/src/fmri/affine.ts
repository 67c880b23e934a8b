/**
 * Voxel-to-world affines of NIfTI: the qform (quaternion + offsets + pixdim, nifti1.h "method 2"),
 * the sform (srow_x/y/z, "method 3"), which of them nibabel picks, and the reverse (matrix →
 * quaternion, nifti1_io.c `nifti_mat44_to_quatern`) for writers. Matrices are 4×4, row-major
 * arrays of rows; world coordinates are RAS+ millimetres as NIfTI defines them.
 */

export type Matrix4 = number[][];

export const identity4 = (): Matrix4 => [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];

/** float32 epsilon: nibabel's quaternion threshold is −3·eps for NIfTI-1. */
const FLOAT32_EPS = 2 ** -23;

/** The quaternion's a = √(1 − b² − c² − d²), null when b² + c² + d² exceeds 1 by more than float32 rounding. */
export function quaternionA(b: number, c: number, d: number): number | null {
  const w2 = 1 - (b * b + c * c + d * d);
  if (w2 < 0) return w2 < -3 * FLOAT32_EPS ? null : 0;
  return Math.sqrt(w2);
}

/** Rotation matrix of the quaternion (a, b, c, d), normalised first (nibabel `quat2mat`). */
export function quaternionRotation(a: number, b: number, c: number, d: number): number[][] {
  const n = a * a + b * b + c * c + d * d;
  if (n < Number.EPSILON) return [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const s = 2 / n;
  const [X, Y, Z] = [b * s, c * s, d * s];
  const [wX, wY, wZ] = [a * X, a * Y, a * Z];
  const [xX, xY, xZ] = [b * X, b * Y, b * Z];
  const [yY, yZ, zZ] = [c * Y, c * Z, d * Z];
  return [
    [1 - (yY + zZ), xY - wZ, xZ + wY],
    [xY + wZ, 1 - (xX + zZ), yZ - wX],
    [xZ - wY, yZ + wX, 1 - (xX + yY)],
  ];
}

export interface QformParams {
  readonly quaternB: number;
  readonly quaternC: number;
  readonly quaternD: number;
  readonly qoffset: readonly [number, number, number];
  /** pixdim[1..3] */
  readonly voxelSize: readonly [number, number, number];
  /** pixdim[0]: −1 flips the third axis; 0 counts as 1. */
  readonly qfac: number;
}

/** The qform affine R · diag(dx, dy, qfac·dz) + offset; null when the quaternion is invalid. */
export function qformAffine(q: QformParams): Matrix4 | null {
  const a = quaternionA(q.quaternB, q.quaternC, q.quaternD);
  if (a === null) return null;
  const R = quaternionRotation(a, q.quaternB, q.quaternC, q.quaternD);
  const zoom = [q.voxelSize[0], q.voxelSize[1], q.voxelSize[2] * (q.qfac < 0 ? -1 : 1)];
  const m = identity4();
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) m[r]![c] = R[r]![c]! * zoom[c]!;
    m[r]![3] = q.qoffset[r]!;
  }
  return m;
}

/** nibabel's fallback when neither form is set: voxel sizes with x flipped, origin at the centre. */
export function baseAffine(shape: readonly number[], voxelSize: readonly number[]): Matrix4 {
  const m = identity4();
  for (let a = 0; a < 3; a++) {
    const n = shape[a] ?? 1;
    const zoom = (voxelSize[a] ?? 1) * (a === 0 ? -1 : 1);
    m[a]![a] = zoom;
    m[a]![3] = (-(n - 1) / 2) * zoom;
  }
  return m;
}

export const det3 = (m: readonly (readonly number[])[]): number =>
  m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
  m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
  m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);

function inverse3(m: readonly (readonly number[])[]): number[][] {
  const d = det3(m);
  const [a, b, c] = m[0]! as number[];
  const [e, f, g] = m[1]! as number[];
  const [h, i, k] = m[2]! as number[];
  return [
    [(f! * k! - g! * i!) / d, (c! * i! - b! * k!) / d, (b! * g! - c! * f!) / d],
    [(g! * h! - e! * k!) / d, (a! * k! - c! * h!) / d, (c! * e! - a! * g!) / d],
    [(e! * i! - f! * h!) / d, (b! * h! - a! * i!) / d, (a! * f! - b! * e!) / d],
  ];
}

/** Inverse of an affine (last row 0 0 0 1); null when its 3×3 part is singular. */
export function invertAffine(m: Matrix4): Matrix4 | null {
  const d = det3(m);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-12) return null;
  const R = inverse3(m);
  const t = [0, 1, 2].map((r) => -(R[r]![0]! * m[0]![3]! + R[r]![1]! * m[1]![3]! + R[r]![2]! * m[2]![3]!));
  return [[...R[0]!, t[0]!], [...R[1]!, t[1]!], [...R[2]!, t[2]!], [0, 0, 0, 1]];
}

/** m · [x, y, z, 1] (first three components). */
export function applyAffine(m: Matrix4, p: readonly number[]): [number, number, number] {
  const out = [0, 0, 0] as [number, number, number];
  for (let r = 0; r < 3; r++) out[r] = m[r]![0]! * p[0]! + m[r]![1]! * p[1]! + m[r]![2]! * p[2]! + m[r]![3]!;
  return out;
}

export const multiplyAffine = (a: Matrix4, b: Matrix4): Matrix4 =>
  a.map((row) => b[0]!.map((_, c) => row.reduce((s, v, k) => s + v * b[k]![c]!, 0)));

/** Length of each voxel axis in world units (column norms). */
export const voxelSizes = (m: Matrix4): [number, number, number] =>
  [0, 1, 2].map((c) => Math.hypot(m[0]![c]!, m[1]![c]!, m[2]![c]!)) as [number, number, number];

/**
 * For each voxel axis, the world axis it runs along most (0 = x, 1 = y, 2 = z) and its direction
 * (+1 toward R, A, S). Conflicts are resolved greedily by the largest |cosine|, so an oblique
 * affine gets the closest permutation (as FSLeyes and nibabel's `io_orientation` do).
 */
export function axisOrientation(m: Matrix4): { world: [number, number, number]; sign: [number, number, number] } {
  const sizes = voxelSizes(m);
  const pairs: { v: number; w: number; cos: number }[] = [];
  for (let v = 0; v < 3; v++) for (let w = 0; w < 3; w++) pairs.push({ v, w, cos: sizes[v]! > 0 ? m[w]![v]! / sizes[v]! : 0 });
  pairs.sort((p, q) => Math.abs(q.cos) - Math.abs(p.cos));
  const world = [-1, -1, -1] as [number, number, number];
  const sign = [1, 1, 1] as [number, number, number];
  const taken = new Set<number>();
  for (const p of pairs) {
    if (world[p.v] !== -1 || taken.has(p.w)) continue;
    world[p.v] = p.w;
    sign[p.v] = p.cos < 0 ? -1 : 1;
    taken.add(p.w);
  }
  return { world, sign };
}

/** Orientation codes such as 'LAS' (where each voxel axis points). */
export function axisCodes(m: Matrix4): string {
  const { world, sign } = axisOrientation(m);
  const letters = [['L', 'R'], ['P', 'A'], ['I', 'S']];
  return world.map((w, v) => letters[w]![sign[v]! > 0 ? 1 : 0]).join('');
}

/** Closest orthogonal matrix (polar decomposition by Newton's iteration X ← (X + X⁻ᵀ)/2). */
function polar(m: number[][]): number[][] {
  let X = m.map((r) => [...r]);
  for (let k = 0; k < 100; k++) {
    const Y = inverse3(X);
    const Z = X.map((row, r) => row.map((v, c) => 0.5 * (v + Y[c]![r]!)));
    const dif = Z.reduce((s, row, r) => s + row.reduce((t, v, c) => t + Math.abs(v - X[r]![c]!), 0), 0);
    X = Z;
    if (dif < 3e-12) break;
  }
  return X;
}

/** The qform parameters that represent `m` as closely as a rotation + voxel sizes can (nifti1_io.c). */
export function affineToQform(m: Matrix4): QformParams {
  const cols = [0, 1, 2].map((c) => [m[0]![c]!, m[1]![c]!, m[2]![c]!]);
  const sizes = cols.map((col) => Math.hypot(...col));
  const R = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  cols.forEach((col, c) => {
    const unit = sizes[c] === 0 ? [c === 0 ? 1 : 0, c === 1 ? 1 : 0, c === 2 ? 1 : 0] : col.map((v) => v / sizes[c]!);
    for (let r = 0; r < 3; r++) R[r]![c] = unit[r]!;
  });
  const P = det3(R) !== 0 ? polar(R) : R;
  let qfac = 1;
  if (det3(P) < 0) {
    qfac = -1;
    for (let r = 0; r < 3; r++) P[r]![2] = -P[r]![2]!;
  }
  const [[r11, r12, r13], [r21, r22, r23], [r31, r32, r33]] = P as [[number, number, number], [number, number, number], [number, number, number]];
  let a = r11 + r22 + r33 + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) [b, c, d] = [-b, -c, -d];
  }
  return {
    quaternB: b, quaternC: c, quaternD: d,
    qoffset: [m[0]![3]!, m[1]![3]!, m[2]![3]!],
    voxelSize: [sizes[0]! || 1, sizes[1]! || 1, sizes[2]! || 1],
    qfac,
  };
}

/**
 * Synthetic fMRI data with a known answer, for the demo models and the ground-truth tests.
 *
 * A volume is a 32×32×16 map at 3 mm (i, j, k in nibabel order; affine LAS, origin at the centre):
 * inside an ellipsoidal brain mask a smooth background (a few broad Gaussian bumps and a linear
 * drift) plus white noise; half of the volumes, of either class, carry a distractor blob at a
 * random place; volumes of class 1 ('activation') carry the planted activation: a truncated
 * Gaussian blob near a fixed anatomical site (world ≈ (−20, 10, 10) mm, jittered by ±1.5 voxels).
 * The ground-truth mask is exactly where the activation was added. Everything is seeded.
 */
import { mulberry32 } from '@xai/core';
import type { Matrix4 } from './affine.js';

export const SYNTHETIC_SHAPE = [32, 32, 16] as const;
export const SYNTHETIC_CLASSES = ['control', 'activation'] as const;
/** 3 mm voxels, x flipped (LAS storage, as FSL writes), world origin at the volume centre. */
export const SYNTHETIC_AFFINE: Matrix4 = [[-3, 0, 0, 46.5], [0, 3, 0, -46.5], [0, 0, 3, -22.5], [0, 0, 0, 1]];
/** Voxel (i, j, k) of the activation site (world ≈ (−20, 10, 10) mm). */
export const ACTIVATION_SITE = [22, 19, 11] as const;
const BLOB_SIGMA = 1.6;
/** The blob is cut off where it falls to 10 % of its peak. */
const BLOB_RADIUS = BLOB_SIGMA * Math.sqrt(2 * Math.log(10));
const NOISE = 0.25;

export interface SyntheticVolume {
  /** Values in nibabel order (i slowest, k fastest), shape SYNTHETIC_SHAPE. */
  readonly values: Float32Array;
  /** 1 where the activation was added (all zero for class 0). */
  readonly mask: Uint8Array;
  readonly label: 0 | 1;
  readonly activationCenter: readonly [number, number, number] | null;
  readonly distractorCenter: readonly [number, number, number] | null;
}

const [NI, NJ, NK] = SYNTHETIC_SHAPE;
const index = (i: number, j: number, k: number) => (i * NJ + j) * NK + k;

/** Brain mask: an ellipsoid filling most of the field of view. */
export function brainMask(): Uint8Array {
  const mask = new Uint8Array(NI * NJ * NK);
  for (let i = 0; i < NI; i++) for (let j = 0; j < NJ; j++) for (let k = 0; k < NK; k++) {
    const r = ((i - 15.5) / 13.5) ** 2 + ((j - 15.5) / 14.5) ** 2 + ((k - 7.5) / 7) ** 2;
    mask[index(i, j, k)] = r <= 1 ? 1 : 0;
  }
  return mask;
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Adds a truncated Gaussian blob; returns the voxels it touched as a mask. */
function addBlob(values: Float32Array, center: readonly number[], amplitude: number, brain: Uint8Array): Uint8Array {
  const mask = new Uint8Array(values.length);
  for (let i = 0; i < NI; i++) for (let j = 0; j < NJ; j++) for (let k = 0; k < NK; k++) {
    const d2 = (i - center[0]!) ** 2 + (j - center[1]!) ** 2 + (k - center[2]!) ** 2;
    const p = index(i, j, k);
    if (d2 > BLOB_RADIUS ** 2 || !brain[p]) continue;
    values[p] += amplitude * Math.exp(-d2 / (2 * BLOB_SIGMA ** 2));
    mask[p] = 1;
  }
  return mask;
}

/** The smooth background and noise of one volume (no blobs). */
function background(rand: () => number, brain: Uint8Array, noise = NOISE): Float32Array {
  const values = new Float32Array(NI * NJ * NK);
  const bumps = Array.from({ length: 4 }, () => ({
    c: [rand() * NI, rand() * NJ, rand() * NK],
    s: 5 + rand() * 5,
    a: (rand() - 0.5) * 0.6,
  }));
  const drift = [rand() - 0.5, rand() - 0.5, rand() - 0.5].map((v) => v * 0.02);
  for (let i = 0; i < NI; i++) for (let j = 0; j < NJ; j++) for (let k = 0; k < NK; k++) {
    const p = index(i, j, k);
    if (!brain[p]) {
      values[p] = 0.03 * gaussian(rand);
      continue;
    }
    let v = drift[0]! * (i - 15.5) + drift[1]! * (j - 15.5) + drift[2]! * (k - 7.5);
    for (const b of bumps) v += b.a * Math.exp(-((i - b.c[0]!) ** 2 + (j - b.c[1]!) ** 2 + (k - b.c[2]!) ** 2) / (2 * b.s * b.s));
    values[p] = v + noise * gaussian(rand);
  }
  return values;
}

/** A distractor site: inside the brain and well away from the activation site. */
function distractorSite(rand: () => number, brain: Uint8Array): [number, number, number] {
  for (;;) {
    const c: [number, number, number] = [3 + rand() * (NI - 6), 3 + rand() * (NJ - 6), 2 + rand() * (NK - 4)];
    const far = Math.hypot(c[0] - ACTIVATION_SITE[0], c[1] - ACTIVATION_SITE[1], c[2] - ACTIVATION_SITE[2]) > 3 * BLOB_RADIUS;
    if (far && brain[index(Math.round(c[0]), Math.round(c[1]), Math.round(c[2]))]) return c;
  }
}

/** One synthetic volume of class `label`, fully determined by `seed`. */
export function syntheticVolume(seed: number, label: 0 | 1): SyntheticVolume {
  const rand = mulberry32(seed);
  const brain = brainMask();
  const values = background(rand, brain);
  let distractorCenter: [number, number, number] | null = null;
  if (rand() < 0.5) {
    distractorCenter = distractorSite(rand, brain);
    addBlob(values, distractorCenter, 1 + rand() * 0.5, brain);
  }
  let activationCenter: [number, number, number] | null = null;
  let mask: Uint8Array = new Uint8Array(values.length);
  if (label === 1) {
    activationCenter = [0, 1, 2].map((a) => ACTIVATION_SITE[a]! + (rand() - 0.5) * (a === 2 ? 2 : 3)) as [number, number, number];
    mask = addBlob(values, activationCenter, 1 + rand() * 0.5, brain);
  }
  return { values, mask, label, activationCenter, distractorCenter };
}

/** `count` volumes alternating between the classes (seeds seed, seed+1, …). */
export function syntheticDataset(count: number, seed: number): SyntheticVolume[] {
  return Array.from({ length: count }, (_, n) => syntheticVolume(seed * 100_003 + n, (n % 2) as 0 | 1));
}

export interface SyntheticSeries {
  /** Values in nibabel order (i, j, k, t), t fastest. */
  readonly values: Float32Array;
  readonly shape: readonly [number, number, number, number];
  /** The activation's amplitude factor per volume (0 = rest). */
  readonly design: readonly number[];
  /** Where the activation was added. */
  readonly mask: Uint8Array;
}

/**
 * A 4-D run: one background, fresh noise per volume, and the activation switched on by a block
 * design (default 3 volumes rest, 3 active, twice).
 */
export function syntheticSeries(seed: number, design: readonly number[] = [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1]): SyntheticSeries {
  const rand = mulberry32(seed);
  const brain = brainMask();
  const base = background(rand, brain, 0);
  const center = [...ACTIVATION_SITE];
  const blob = new Float32Array(base.length);
  const mask = addBlob(blob, center, 1.25, brain);
  const T = design.length;
  const values = new Float32Array(base.length * T);
  for (let p = 0; p < base.length; p++) {
    for (let t = 0; t < T; t++) {
      const noise = brain[p] ? NOISE * gaussian(rand) : 0;
      values[p * T + t] = base[p]! + noise + design[t]! * blob[p]!;
    }
  }
  return { values, shape: [NI, NJ, NK, T], design: [...design], mask };
}

/**
 * A T1-like anatomical volume of the same head at 1.5 mm (64×64×32, uint8 range): scalp, grey
 * matter with folds, white matter, ventricles. Values in nibabel order.
 */
export function syntheticAnatomy(seed = 7): { values: Float32Array; shape: [number, number, number]; affine: Matrix4 } {
  const rand = mulberry32(seed);
  const [ni, nj, nk] = [64, 64, 32];
  const values = new Float32Array(ni * nj * nk);
  const phases = Array.from({ length: 3 }, () => rand() * 2 * Math.PI);
  for (let i = 0; i < ni; i++) for (let j = 0; j < nj; j++) for (let k = 0; k < nk; k++) {
    // The same ellipsoid as the functional brain mask, in functional voxel units.
    const [x, y, z] = [(i - 31.5) / 2, (j - 31.5) / 2, (k - 15.5) / 2];
    const r = Math.sqrt((x / 13.5) ** 2 + (y / 14.5) ** 2 + (z / 7) ** 2);
    const fold = 0.06 * Math.sin(x * 1.3 + phases[0]!) * Math.sin(y * 1.1 + phases[1]!) + 0.04 * Math.sin(z * 1.7 + phases[2]!);
    let v = 0;
    if (r <= 1.12 && r > 1.04) v = 150; // scalp
    else if (r <= 1 && r > 0.72 + fold) v = 120; // grey matter
    else if (r <= 0.72 + fold) v = 200; // white matter
    const ventricle = ((x - 2.2) / 1.2) ** 2 + (y / 4) ** 2 + (z / 2) ** 2 <= 1 || ((x + 2.2) / 1.2) ** 2 + (y / 4) ** 2 + (z / 2) ** 2 <= 1;
    if (ventricle && r <= 1) v = 40;
    values[(i * nj + j) * nk + k] = Math.max(0, Math.min(255, Math.round(v + (v > 0 ? 6 * gaussian(rand) : 0))));
  }
  return { values, shape: [ni, nj, nk], affine: [[-1.5, 0, 0, 47.25], [0, 1.5, 0, -47.25], [0, 0, 1.5, -23.25], [0, 0, 0, 1]] };
}

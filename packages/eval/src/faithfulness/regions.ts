import { stridesOf } from '../data/layout.js';
import type { Random } from '../random/seeded.js';

/** Most relevant first, least relevant first, or a seeded random order. */
export type RegionOrder = 'morf' | 'lerf' | 'random';
/**
 * 'grid': non-overlapping tiles of side `size` (smaller at the far borders); 'greedy': every
 * window of side `size` that lies inside the grid, taken in order and kept when it overlaps none
 * kept before (Samek et al. 2017's regions around the most relevant locations).
 */
export type RegionSelection = 'grid' | 'greedy';

/** A region: flat position indices. */
export type Region = Int32Array;

/** Flat offsets of a window of side `size` (clipped to the grid) relative to its first position, and its per-axis extent. */
function windowOffsets(grid: readonly number[], size: number): { offsets: Int32Array; extent: number[] } {
  const strides = stridesOf(grid);
  const extent = grid.map((d) => Math.min(size, d));
  let offsets = [0];
  extent.forEach((e, axis) => {
    const next: number[] = [];
    for (const o of offsets) for (let k = 0; k < e; k++) next.push(o + k * strides[axis]!);
    offsets = next;
  });
  return { offsets: Int32Array.from(offsets), extent };
}

/** All windows of side `size` lying inside the grid, as first positions (row-major). */
function windowAnchors(grid: readonly number[], extent: readonly number[]): number[] {
  const strides = stridesOf(grid);
  let anchors = [0];
  grid.forEach((d, axis) => {
    const next: number[] = [];
    for (const a of anchors) for (let k = 0; k + extent[axis]! <= d; k++) next.push(a + k * strides[axis]!);
    anchors = next;
  });
  return anchors;
}

/** Tiles of side `size` covering the grid (clipped at the far borders), row-major over tiles. */
export function gridRegions(grid: readonly number[], size: number): Region[] {
  const strides = stridesOf(grid);
  const spans = grid.map((d) => {
    const out: [number, number][] = [];
    for (let lo = 0; lo < d; lo += size) out.push([lo, Math.min(d, lo + size)]);
    return out;
  });
  let tiles: [number, number][][] = [[]];
  for (const axisSpans of spans) tiles = tiles.flatMap((t) => axisSpans.map((s) => [...t, s]));
  return tiles.map((tile) => {
    let positions = [0];
    tile.forEach(([lo, hi], axis) => {
      const next: number[] = [];
      for (const p of positions) for (let k = lo; k < hi; k++) next.push(p + k * strides[axis]!);
      positions = next;
    });
    return Int32Array.from(positions);
  });
}

/** Indices of `scores` in the given order (ties keep index order; 'random' is a seeded shuffle). */
export function orderIndices(scores: ArrayLike<number>, order: RegionOrder, random?: Random): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  if (order === 'random') {
    if (!random) throw new Error('a random order needs a seeded Random');
    return random.shuffle(idx);
  }
  const sign = order === 'morf' ? -1 : 1;
  return idx.sort((a, b) => sign * (scores[a]! - scores[b]!) || a - b);
}

export interface RegionOptions {
  readonly size: number;
  readonly selection: RegionSelection;
  readonly order: RegionOrder;
  /** At most this many regions. */
  readonly limit: number;
  readonly random?: Random;
}

/**
 * The regions to perturb, in perturbation order, from a per-position relevance map (channels
 * already pooled). A region's relevance is the sum over its positions.
 */
export function selectRegions(map: ArrayLike<number>, grid: readonly number[], options: RegionOptions): Region[] {
  const size = Math.max(1, Math.floor(options.size));
  if (options.selection === 'grid') {
    const tiles = gridRegions(grid, size);
    const scores = tiles.map((t) => t.reduce((a, p) => a + map[p]!, 0));
    return orderIndices(scores, options.order, options.random).slice(0, options.limit).map((i) => tiles[i]!);
  }
  const { offsets, extent } = windowOffsets(grid, size);
  const anchors = windowAnchors(grid, extent);
  const scores = anchors.map((a) => {
    let s = 0;
    for (let k = 0; k < offsets.length; k++) s += map[a + offsets[k]!]!;
    return s;
  });
  const taken = new Uint8Array(map.length);
  const out: Region[] = [];
  for (const i of orderIndices(scores, options.order, options.random)) {
    if (out.length >= options.limit) break;
    const a = anchors[i]!;
    let free = true;
    for (let k = 0; k < offsets.length && free; k++) free = taken[a + offsets[k]!] === 0;
    if (!free) continue;
    const region = new Int32Array(offsets.length);
    for (let k = 0; k < offsets.length; k++) {
      region[k] = a + offsets[k]!;
      taken[region[k]!] = 1;
    }
    out.push(region);
  }
  return out;
}

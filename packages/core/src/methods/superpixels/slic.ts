import { InvalidArgumentError } from '../../errors.js';
import type { Segmentation } from './grid.js';

export interface SlicOptions {
  /** Approximate number of superpixels (default 50); the grid of initial centres decides the exact start. */
  readonly nSegments?: number;
  /**
   * Balance of space against colour (default 10): larger gives more compact, grid-like cells. Colours
   * are rescaled so that the image's value range spans 0..100 (the range of CIELAB lightness), so the
   * value means what it means for skimage on Lab images whatever the input range (0..1, 0..255 …).
   */
  readonly compactness?: number;
  /** k-means iterations at most (default 10); stops earlier once no pixel changes its cluster. */
  readonly maxIterations?: number;
  /** Fragments smaller than this fraction of the mean superpixel size are merged away (default 0.5). */
  readonly minSizeFactor?: number;
}

/**
 * SLIC superpixels (Achanta et al. 2012) of a channels-last image [H, W, C] (any C). k-means in
 * (colour, y, x) space with distance² = Σ(Δcolour)² + (compactness / S)²·(Δy² + Δx²), centres seeded on
 * a grid of step S = √(H·W / nSegments) and moved to the lowest colour gradient of their 3×3
 * neighbourhood, each centre searching only a 2S×2S window. Afterwards every label is made one
 * 4-connected region: each connected fragment becomes its own superpixel and fragments below
 * `minSizeFactor`·(mean size) are merged into the adjacent superpixel of closest mean colour.
 * Deterministic; labels are 0..K−1 in order of first appearance (row-major).
 */
export function slic(image: ArrayLike<number>, shape: readonly number[], options: SlicOptions = {}): Segmentation {
  const nSegments = options.nSegments ?? 50;
  const compactness = options.compactness ?? 10;
  const maxIterations = options.maxIterations ?? 10;
  const minSizeFactor = options.minSizeFactor ?? 0.5;
  if (shape.length !== 3 || shape.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError(`SLIC needs an image of shape [height, width, channels], got [${shape}]`);
  }
  if (!Number.isInteger(nSegments) || nSegments < 1) throw new InvalidArgumentError(`nSegments must be an integer ≥ 1, got ${nSegments}`);
  if (!(compactness > 0)) throw new InvalidArgumentError(`compactness must be > 0, got ${compactness}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new InvalidArgumentError(`maxIterations must be an integer ≥ 1, got ${maxIterations}`);
  if (!(minSizeFactor >= 0 && minSizeFactor <= 1)) throw new InvalidArgumentError(`minSizeFactor must be in [0, 1], got ${minSizeFactor}`);
  const [H, W, C] = shape as [number, number, number];
  const n = H * W;
  if (image.length !== n * C) throw new InvalidArgumentError(`SLIC: image has ${image.length} values, shape [${shape}] needs ${n * C}`);

  const colour = rescaledColours(image);
  const labels = kMeans(colour, H, W, C, nSegments, compactness, maxIterations);
  return enforceConnectivity(labels, colour, H, W, C, minSizeFactor);
}

/** Colours mapped linearly so that the image's min..max becomes 0..100 (a constant image becomes 0). */
function rescaledColours(image: ArrayLike<number>): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < image.length; i++) {
    const v = image[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? 100 / (hi - lo) : 0;
  const out = new Float64Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = (image[i]! - lo) * scale;
  return out;
}

/** The clustering step: returns a label (0..K−1, not yet connected or contiguous) per pixel. */
function kMeans(colour: Float64Array, H: number, W: number, C: number, nSegments: number, compactness: number, maxIterations: number): Int32Array {
  const n = H * W;
  // Grid of initial centres: ny × nx cells of about S × S pixels.
  const step = Math.sqrt(n / Math.min(nSegments, n));
  const ny = Math.min(H, Math.max(1, Math.round(H / step)));
  const nx = Math.min(W, Math.max(1, Math.round(W / step)));
  const K = ny * nx;
  const S = Math.max(H / ny, W / nx);
  const spatialWeight = (compactness / S) ** 2;
  const D = C + 2; // centre layout: y, x, colour…

  // Squared colour gradient, used to move seeds off edges and noisy pixels (SLIC §3.1).
  const gradient = (y: number, x: number): number => {
    const at = (yy: number, xx: number) => (Math.min(H - 1, Math.max(0, yy)) * W + Math.min(W - 1, Math.max(0, xx))) * C;
    let g = 0;
    for (let c = 0; c < C; c++) {
      g += (colour[at(y, x + 1) + c]! - colour[at(y, x - 1) + c]!) ** 2 + (colour[at(y + 1, x) + c]! - colour[at(y - 1, x) + c]!) ** 2;
    }
    return g;
  };
  const centres = new Float64Array(K * D);
  for (let i = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++) {
      const cy = Math.min(H - 1, Math.floor(((i + 0.5) * H) / ny));
      const cx = Math.min(W - 1, Math.floor(((j + 0.5) * W) / nx));
      let best = [cy, cx];
      let bestG = gradient(cy, cx);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const y = cy + dy;
          const x = cx + dx;
          if (y < 0 || y >= H || x < 0 || x >= W) continue;
          const g = gradient(y, x);
          if (g < bestG) [bestG, best] = [g, [y, x]];
        }
      }
      const k = i * nx + j;
      centres[k * D] = best[0]!;
      centres[k * D + 1] = best[1]!;
      for (let c = 0; c < C; c++) centres[k * D + 2 + c] = colour[(best[0]! * W + best[1]!) * C + c]!;
    }
  }

  // Start from the grid cells, so a pixel no window reaches (centres can drift) still has a label.
  let labels = new Int32Array(n);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) labels[y * W + x] = Math.min(ny - 1, Math.floor((y * ny) / H)) * nx + Math.min(nx - 1, Math.floor((x * nx) / W));
  }
  const dist = new Float64Array(n);
  const sums = new Float64Array(K * D);
  const counts = new Uint32Array(K);
  for (let iter = 0; iter < maxIterations; iter++) {
    dist.fill(Infinity);
    const next = labels.slice();
    for (let k = 0; k < K; k++) {
      const cy = centres[k * D]!;
      const cx = centres[k * D + 1]!;
      const y0 = Math.max(0, Math.floor(cy - S));
      const y1 = Math.min(H - 1, Math.ceil(cy + S));
      const x0 = Math.max(0, Math.floor(cx - S));
      const x1 = Math.min(W - 1, Math.ceil(cx + S));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const p = y * W + x;
          let d = spatialWeight * ((y - cy) ** 2 + (x - cx) ** 2);
          for (let c = 0; c < C; c++) d += (colour[p * C + c]! - centres[k * D + 2 + c]!) ** 2;
          if (d < dist[p]!) {
            dist[p] = d;
            next[p] = k;
          }
        }
      }
    }
    let changed = 0;
    for (let p = 0; p < n; p++) if (next[p] !== labels[p]) changed++;
    labels = next;
    // Move every centre to the mean of its members (a centre that lost all members stays put).
    sums.fill(0);
    counts.fill(0);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        const k = labels[p]!;
        counts[k]++;
        sums[k * D] += y;
        sums[k * D + 1] += x;
        for (let c = 0; c < C; c++) sums[k * D + 2 + c] += colour[p * C + c]!;
      }
    }
    for (let k = 0; k < K; k++) {
      if (!counts[k]) continue;
      for (let d = 0; d < D; d++) centres[k * D + d] = sums[k * D + d]! / counts[k]!;
    }
    if (changed === 0 && iter > 0) break;
  }
  return labels;
}

/**
 * Makes every superpixel one 4-connected region. k-means labels need not be connected; each connected
 * fragment becomes a superpixel of its own, then fragments smaller than minSizeFactor × (mean size)
 * are merged, smallest first, into the neighbour of closest mean colour (skimage merges into the
 * neighbour met first in scan order; the colour criterion keeps merges from crossing sharp edges).
 */
function enforceConnectivity(labels: Int32Array, colour: Float64Array, H: number, W: number, C: number, minSizeFactor: number): Segmentation {
  const n = H * W;
  // 1. Connected components (flood fill), their pixels stored contiguously in `order`.
  const comp = new Int32Array(n).fill(-1);
  const order = new Int32Array(n);
  const starts: number[] = [];
  let filled = 0;
  for (let seed = 0; seed < n; seed++) {
    if (comp[seed] !== -1) continue;
    const id = starts.length;
    starts.push(filled);
    comp[seed] = id;
    order[filled++] = seed;
    for (let head = starts[id]!; head < filled; head++) {
      const p = order[head]!;
      const y = Math.floor(p / W);
      const x = p - y * W;
      const visit = (q: number) => {
        if (comp[q] === -1 && labels[q] === labels[p]) {
          comp[q] = id;
          order[filled++] = q;
        }
      };
      if (x > 0) visit(p - 1);
      if (x < W - 1) visit(p + 1);
      if (y > 0) visit(p - W);
      if (y < H - 1) visit(p + W);
    }
  }
  const M = starts.length;
  starts.push(n);

  // 2. Merge small components (union-find over components; sizes and colour sums kept at the root).
  const parent = Int32Array.from({ length: M }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const size = new Float64Array(M);
  const sum = new Float64Array(M * C);
  const members: number[][] = [];
  for (let m = 0; m < M; m++) {
    size[m] = starts[m + 1]! - starts[m]!;
    members.push([m]);
    for (let i = starts[m]!; i < starts[m + 1]!; i++) for (let c = 0; c < C; c++) sum[m * C + c] += colour[order[i]! * C + c]!;
  }
  const distinctLabels = new Set(labels).size;
  const minSize = Math.floor((minSizeFactor * n) / distinctLabels);
  const bySize = Array.from({ length: M }, (_, i) => i).sort((a, b) => size[a]! - size[b]! || a - b);
  for (const m of bySize) {
    const r = find(m);
    if (size[r]! >= minSize) continue;
    let best = -1;
    let bestD = Infinity;
    for (const part of members[r]!) {
      for (let i = starts[part]!; i < starts[part + 1]!; i++) {
        const p = order[i]!;
        const y = Math.floor(p / W);
        const x = p - y * W;
        for (const q of [x > 0 ? p - 1 : -1, x < W - 1 ? p + 1 : -1, y > 0 ? p - W : -1, y < H - 1 ? p + W : -1]) {
          if (q < 0) continue;
          const o = find(comp[q]!);
          if (o === r) continue;
          let d = 0;
          for (let c = 0; c < C; c++) d += (sum[r * C + c]! / size[r]! - sum[o * C + c]! / size[o]!) ** 2;
          // Ties: the larger neighbour, then the lower index, so the result does not depend on scan order.
          if (d < bestD || (d === bestD && (size[o]! > size[best]! || (size[o] === size[best] && o < best)))) [bestD, best] = [d, o];
        }
      }
    }
    if (best < 0) continue; // the whole image is one component
    parent[r] = best;
    size[best] += size[r]!;
    for (let c = 0; c < C; c++) sum[best * C + c] += sum[r * C + c]!;
    members[best]!.push(...members[r]!);
    members[r] = [];
  }

  // 3. Contiguous labels in order of first appearance.
  const relabel = new Int32Array(M).fill(-1);
  const out = new Int32Array(n);
  let count = 0;
  for (let p = 0; p < n; p++) {
    const r = find(comp[p]!);
    if (relabel[r] === -1) relabel[r] = count++;
    out[p] = relabel[r]!;
  }
  return { labels: out, count };
}

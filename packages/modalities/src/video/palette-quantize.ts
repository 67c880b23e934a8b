/**
 * Colour quantisation for GIF output: a median-cut palette (Heckbert 1982) over a 5-bit-per-channel
 * histogram of all frames — boxes are split at the weighted median of their longest axis, the box
 * with the most pixels × longest extent first — then every pixel takes its nearest palette colour
 * (squared RGB distance, memoised per 5-bit cell). One global palette for the whole animation keeps
 * colours steady from frame to frame. Deterministic.
 */
import type { RGB } from '@xai/core';

export interface Quantized {
  /** Palette as RGB triples; its length is a power of two (GIF's rule), unused entries black. */
  readonly palette: RGB[];
  /** Palette index per pixel, per frame. */
  readonly indices: Uint8Array[];
}

const cell = (r: number, g: number, b: number) => ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);

interface Box {
  cells: number[];
  count: number;
}

function boxStats(box: Box): { axis: number; extent: number } {
  const lo = [31, 31, 31];
  const hi = [0, 0, 0];
  for (const c of box.cells) {
    const v = [c >> 10, (c >> 5) & 31, c & 31];
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, v[a]!);
      hi[a] = Math.max(hi[a]!, v[a]!);
    }
  }
  const extents = [0, 1, 2].map((a) => hi[a]! - lo[a]!);
  const axis = extents.indexOf(Math.max(...extents));
  return { axis, extent: extents[axis]! };
}

function split(box: Box, axis: number, hist: Uint32Array): [Box, Box] {
  const value = (c: number) => (axis === 0 ? c >> 10 : axis === 1 ? (c >> 5) & 31 : c & 31);
  const cells = [...box.cells].sort((a, b) => value(a) - value(b) || a - b);
  let acc = 0;
  let cut = 1;
  for (let k = 0; k < cells.length - 1; k++) {
    acc += hist[cells[k]!]!;
    cut = k + 1;
    if (acc >= box.count / 2) break;
  }
  const sum = (cs: number[]) => cs.reduce((s, c) => s + hist[c]!, 0);
  const [a, b] = [cells.slice(0, cut), cells.slice(cut)];
  return [{ cells: a, count: sum(a) }, { cells: b, count: sum(b) }];
}

/** Quantises RGBA frames (alpha ignored) to at most `colours` (≤ 256) colours. */
export function quantizeFrames(frames: readonly Uint8Array[], colours = 256): Quantized {
  const hist = new Uint32Array(1 << 15);
  for (const f of frames) for (let p = 0; p < f.length; p += 4) hist[cell(f[p]!, f[p + 1]!, f[p + 2]!)]++;
  const used = [...hist.keys()].filter((c) => hist[c]! > 0);
  let boxes: Box[] = [{ cells: used, count: used.reduce((s, c) => s + hist[c]!, 0) }];
  while (boxes.length < colours) {
    let best = -1;
    let bestScore = 0;
    let bestAxis = 0;
    boxes.forEach((box, n) => {
      if (box.cells.length < 2) return;
      const { axis, extent } = boxStats(box);
      const score = box.count * (extent + 1);
      if (score > bestScore) [best, bestScore, bestAxis] = [n, score, axis];
    });
    if (best < 0) break;
    boxes = [...boxes.slice(0, best), ...split(boxes[best]!, bestAxis, hist), ...boxes.slice(best + 1)];
  }
  // each box's colour: the pixel-weighted mean of its cells (cell centres)
  const palette: RGB[] = boxes.map((box) => {
    const acc = [0, 0, 0];
    for (const c of box.cells) {
      const w = hist[c]!;
      acc[0] += w * (((c >> 10) << 3) + 4);
      acc[1] += w * ((((c >> 5) & 31) << 3) + 4);
      acc[2] += w * (((c & 31) << 3) + 4);
    }
    return acc.map((v) => Math.min(255, Math.round(v / Math.max(1, box.count)))) as RGB;
  });
  let size = 2;
  while (size < palette.length) size *= 2;
  while (palette.length < size) palette.push([0, 0, 0]);

  const nearest = new Int16Array(1 << 15).fill(-1);
  const lookup = (r: number, g: number, b: number) => {
    const c = cell(r, g, b);
    if (nearest[c]! < 0) {
      let [best, bestD] = [0, Infinity];
      const [cr, cg, cb] = [((c >> 10) << 3) + 4, (((c >> 5) & 31) << 3) + 4, ((c & 31) << 3) + 4];
      palette.forEach(([pr, pg, pb], n) => {
        const d = (pr - cr) ** 2 + (pg - cg) ** 2 + (pb - cb) ** 2;
        if (d < bestD) [best, bestD] = [n, d];
      });
      nearest[c] = best;
    }
    return nearest[c]!;
  };
  const indices = frames.map((f) => {
    const out = new Uint8Array(f.length / 4);
    for (let p = 0; p < out.length; p++) out[p] = lookup(f[p * 4]!, f[p * 4 + 1]!, f[p * 4 + 2]!);
    return out;
  });
  return { palette, indices };
}

/** UMAP (umap-js) with its randomness seeded, so an embedding is reproducible. */
import { mulberry32 } from '@xai/core';
import { UMAP } from 'umap-js';

export interface UmapOptions {
  readonly neighbours?: number;
  readonly minDist?: number;
  readonly epochs?: number;
  readonly seed?: number;
}

/** A 2-D UMAP embedding of the rows. Returns [x, y] per row. */
export function umap(rows: readonly Float32Array[], options: UmapOptions = {}): Array<[number, number]> {
  const n = rows.length;
  if (n < 3) return rows.map((_, i) => [i, 0]);
  const u = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(options.neighbours ?? 15, n - 1),
    minDist: options.minDist ?? 0.1,
    nEpochs: options.epochs,
    random: mulberry32(options.seed ?? 0),
  });
  return u.fit(rows.map((r) => Array.from(r))).map((p) => [p[0]!, p[1]!]);
}

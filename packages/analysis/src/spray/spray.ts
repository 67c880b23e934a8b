/**
 * Spectral Relevance Analysis (Lapuschkin et al. 2019, "Unmasking Clever Hans predictors"): cluster
 * the heatmaps of one class to find the distinct strategies a model uses for it.
 *   preprocess → k-NN affinity → normalised Laplacian spectrum → eigengap → k-means on the eigenvectors
 * plus 2-D embeddings (t-SNE, UMAP) to look at, and per-cluster summaries.
 */
import { InvalidArgumentError } from '@xai/core';
import { kMeans } from '../neon/kmeans.js';
import { knnAffinity, pairwiseSquaredDistances } from './knn-affinity.js';
import { preprocessHeatmap, preprocessedSize, type PreprocessOptions } from './preprocess.js';
import { eigengapClusterCount, laplacianSpectrum, spectralEmbedding, type EigengapMode } from './spectral.js';
import { summariseClusters, type ClusterSummary } from './summaries.js';
import { tsne, type TsneOptions } from './tsne.js';
import { umap, type UmapOptions } from './umap.js';

export interface SprayOptions {
  /** Preprocessing of raw relevance; omit `preprocess` when the inputs are already preprocessed maps. */
  readonly preprocess?: PreprocessOptions;
  /** k of the k-NN graph (default 5). */
  readonly neighbours?: number;
  /** A fixed cluster count; default the eigengap's choice in 1…maxClusters. */
  readonly clusters?: number;
  /** Which eigengap (default 'relative'; see eigengapClusterCount). */
  readonly eigengap?: EigengapMode;
  /** Upper bound of the eigengap search (default 10). */
  readonly maxClusters?: number;
  /** Labels per sample for the cluster purity (e.g. class, or a known artefact flag). */
  readonly labels?: ArrayLike<number>;
  /** Prototypes per cluster (default 5). */
  readonly prototypes?: number;
  /** Seed of k-means, t-SNE and UMAP (default 0). */
  readonly seed?: number;
  /** Embeddings to compute (default none): t-SNE and/or UMAP. */
  readonly embeddings?: { tsne?: TsneOptions | boolean; umap?: UmapOptions | boolean };
  /** Eigenvalues to return (default 20, the start of the spectrum). */
  readonly eigenvaluesKept?: number;
}

export interface SprayResult {
  readonly count: number;
  /** Smallest eigenvalues of the normalised Laplacian, ascending. */
  readonly eigenvalues: number[];
  /** Cluster count used (the eigengap's unless `clusters` was given). */
  readonly clusterCount: number;
  /** Cluster count the eigengap heuristic picks. */
  readonly eigengapClusters: number;
  /** Cluster per sample. */
  readonly assignments: Int32Array;
  readonly clusters: ClusterSummary[];
  /** Side lengths of the preprocessed maps, [height, width]. */
  readonly mapSize: [number, number];
  readonly tsne?: Array<[number, number]>;
  readonly umap?: Array<[number, number]>;
}

export function spray(relevances: readonly ArrayLike<number>[], options: SprayOptions = {}): SprayResult {
  const n = relevances.length;
  if (n < 3) throw new InvalidArgumentError(`spray needs at least 3 heatmaps, got ${n}`);
  const maps = options.preprocess
    ? relevances.map((r) => preprocessHeatmap(r, options.preprocess!))
    : relevances.map((r) => Float32Array.from(r));
  const d = maps[0]!.length;
  maps.forEach((m, i) => {
    if (m.length !== d) throw new InvalidArgumentError(`spray: heatmap ${i} has ${m.length} values, heatmap 0 has ${d}`);
  });
  const mapSize: [number, number] = options.preprocess ? preprocessedSize(options.preprocess) : [1, d];
  const d2 = pairwiseSquaredDistances(maps);
  const affinity = knnAffinity(d2, n, options.neighbours ?? 5);
  const spectrum = laplacianSpectrum(affinity, n);
  const eigengapClusters = eigengapClusterCount(spectrum.eigenvalues, options.maxClusters ?? 10, options.eigengap ?? 'relative');
  const clusterCount = options.clusters ?? eigengapClusters;
  const seed = options.seed ?? 0;
  const assignments = clusterCount === 1 ? new Int32Array(n) : relabelByFirstMember(bestOfRestarts(spectralEmbedding(spectrum, clusterCount), clusterCount, seed), clusterCount);
  const clusters = summariseClusters(maps, assignments, clusterCount, { labels: options.labels, prototypes: options.prototypes });
  const e = options.embeddings ?? {};
  const opts = <T>(v: T | boolean | undefined): T => (typeof v === 'object' ? v : ({} as T));
  return {
    count: n,
    eigenvalues: Array.from(spectrum.eigenvalues.subarray(0, options.eigenvaluesKept ?? 20)),
    clusterCount,
    eigengapClusters,
    assignments,
    clusters,
    mapSize,
    tsne: e.tsne ? tsne(d2, n, { seed, ...opts<TsneOptions>(e.tsne) }) : undefined,
    umap: e.umap ? umap(maps, { seed, ...opts<UmapOptions>(e.umap) }) : undefined,
  };
}

/** k-means from 10 seeded k-means++ starts; the one of least inertia wins (one start can split a cluster). */
function bestOfRestarts(points: Float32Array[], k: number, seed: number): Int32Array {
  let best = kMeans(points, { k, seed });
  for (let r = 1; r < 10; r++) {
    const next = kMeans(points, { k, seed: seed + r * 7919 });
    if (next.inertia < best.inertia - 1e-9) best = next;
  }
  return best.assignments;
}

/** Numbers clusters in the order of their first member, so equal partitions read the same. */
function relabelByFirstMember(assignments: Int32Array, k: number): Int32Array {
  const map = new Map<number, number>();
  for (const a of assignments) if (!map.has(a)) map.set(a, map.size);
  for (let c = 0; c < k; c++) if (!map.has(c)) map.set(c, map.size);
  return assignments.map((a) => map.get(a)!);
}

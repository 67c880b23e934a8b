/**
 * One analysis of a model on a data set, as the CLI (`xai analyse`) and the server's analysis jobs
 * run it: SpRAy, NEON, relevance-based pruning or P-ClArC. Writes `analysis.json` and PNG figures
 * into `out` (each atomically) and returns what it wrote; progress through `onProgress`, cancelled
 * between batches by `signal`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CancelledError, explain, InvalidArgumentError, modelSaveHandler, writeFileAtomic, type XaiModel } from '@xai/core';
import { conceptDirection } from '../clarc/cav.js';
import { projectiveClarc } from '../clarc/p-clarc.js';
import { artefactCluster } from '../demo/clever-hans.js';
import { explainDataset } from '../dataset/explain-dataset.js';
import { readRelevanceStore } from '../dataset/relevance-store.js';
import { clusterFeatures, explainFeatureClusters } from '../neon/neon-features.js';
import { plotPruningCurves } from '../pruning/curve-plot.js';
import { prunedCopy, pruneIteratively, type PruningResult } from '../pruning/prune-iteratively.js';
import { PRUNING_CRITERIA, type PruningCriterion, type ReferenceSet } from '../pruning/criteria.js';
import { spray, type SprayResult } from '../spray/spray.js';
import { sampleCount, sampleOf, sampleSize, swappedCleverHans, type AnalysisData } from './analysis-data.js';
import { galleryPlot, scatterPlot, spectrumPlot, type GalleryRow } from './figures.js';

export const ANALYSIS_KINDS = ['spray', 'neon', 'prune', 'clarc'] as const;
export type AnalysisKind = (typeof ANALYSIS_KINDS)[number];

export interface AnalysisOptions {
  /** Explanation method of core for SpRAy and ClArC (default 'lrp') and its options (e.g. composite). */
  readonly method?: string;
  readonly methodOptions?: Readonly<Record<string, unknown>>;
  /** SpRAy: classes analysed (default every class with ≥ 3 samples); ClArC: the artefact's class for `cluster`. */
  readonly classes?: readonly number[];
  /** SpRAy: fixed cluster count (default the eigengap's); NEON: k (default the number of classes). */
  readonly clusters?: number;
  readonly maxClusters?: number;
  readonly neighbours?: number;
  /** SpRAy: side of the downsampled maps (default 16). */
  readonly mapSize?: number;
  readonly prototypes?: number;
  readonly seed?: number;
  /** NEON / ClArC: the layer (default the last hidden layer). */
  readonly layer?: string;
  /** Pruning: reference samples (the first ones; default 64) — the rest measure the accuracy. */
  readonly reference?: number;
  readonly filtersPerStep?: number;
  readonly maxShare?: number;
  readonly criteria?: readonly PruningCriterion[];
  /** ClArC: the artefact samples (data indices) marked by the user, or the SpRAy cluster of `classes[0]`. */
  readonly artefactSamples?: readonly number[];
  readonly cluster?: number;
  readonly batchSize?: number;
}

export interface AnalysisProgress {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  readonly unit: string;
}

export interface AnalysisFile {
  readonly name: string;
  readonly mediaType: string;
  readonly description: string;
}

export interface AnalysisRun {
  readonly kind: AnalysisKind;
  /** analysis.json's content. */
  readonly result: Record<string, unknown>;
  readonly files: AnalysisFile[];
}

export interface RunAnalysisOptions extends AnalysisOptions {
  readonly kind: AnalysisKind;
  readonly out: string;
  /** Folder of the relevance store (default `out/store`): one written in chunks elsewhere (explainForAnalysis with a range) is completed and read. */
  readonly store?: string;
  readonly onProgress?: (p: AnalysisProgress) => void;
  readonly signal?: AbortSignal;
}

class Writer {
  readonly files: AnalysisFile[] = [];
  constructor(readonly out: string) {}
  async png(name: string, bytes: Uint8Array, description: string): Promise<void> {
    await mkdir(this.out, { recursive: true }); // only now: a run refused at the start leaves nothing behind
    await writeFileAtomic(join(this.out, name), bytes);
    this.files.push({ name, mediaType: 'image/png', description });
  }
  async json(name: string, value: unknown, description: string): Promise<void> {
    await mkdir(this.out, { recursive: true });
    await writeFileAtomic(join(this.out, name), JSON.stringify(value) + '\n');
    this.files.push({ name, mediaType: 'application/json', description });
  }
}

const checkCancel = (signal?: AbortSignal) => {
  if (signal?.aborted) throw new CancelledError('cancelled');
};
const round = (v: number, digits = 4) => Number(v.toFixed(digits));
const className = (data: AnalysisData, c: number) => data.classNames?.[c] ?? `class ${c}`;

/** Height, width and channels of an image-like sample (channels-last), or null (no gallery). */
function imageGeometry(shape: readonly number[]): { h: number; w: number; c: number } | null {
  if (shape.length === 2) return { h: shape[0]!, w: shape[1]!, c: 1 };
  if (shape.length === 3 && shape[2]! <= 4) return { h: shape[0]!, w: shape[1]!, c: shape[2]! };
  return null;
}

/** Channel sum of a channels-last map. */
function channelSum(values: ArrayLike<number>, g: { h: number; w: number; c: number }): Float32Array {
  const out = new Float32Array(g.h * g.w);
  for (let p = 0; p < out.length; p++) for (let k = 0; k < g.c; k++) out[p]! += values[p * g.c + k]!;
  return out;
}

function galleryItem(data: AnalysisData, i: number, relevance: ArrayLike<number>, g: { h: number; w: number; c: number }) {
  return { image: g.c === 3 ? Float32Array.from(sampleOf(data, i)) : undefined, heatmap: channelSum(relevance, g) };
}

/** The last hidden layer (the last layer before the output layer, Dropout aside), for NEON and ClArC. */
function defaultLayer(model: XaiModel): string {
  const names: string[] = [];
  const skipped = new Set<string>();
  for (const n of model.graph.nodes) {
    if (n.layerName && !names.includes(n.layerName)) names.push(n.layerName);
    if (/^(Dropout|InputLayer)$/.test(n.layerClass)) skipped.add(n.layerName); // the identity at inference
  }
  const hidden = names.slice(0, -1).filter((n) => !skipped.has(n));
  if (hidden.length === 0) throw new InvalidArgumentError('the model has no hidden layer to analyse; name one with the layer option');
  return hidden.at(-1)!;
}

/** A batch tensor of the samples at `indices`. */
function batchOf(data: AnalysisData, indices: readonly number[]): tf.Tensor {
  const size = sampleSize(data);
  const values = new Float32Array(indices.length * size);
  indices.forEach((i, k) => values.set(sampleOf(data, i), k * size));
  return tf.tensor(values, [indices.length, ...data.shape]);
}

/** Whether an analysis explains the whole data set into its relevance store (SpRAy, and P-ClArC from a SpRAy cluster): the part worth splitting. */
export function usesRelevanceStore(kind: AnalysisKind, options: AnalysisOptions): boolean {
  return kind === 'spray' || (kind === 'clarc' && !options.artefactSamples && options.cluster !== undefined);
}

export interface ExplainForAnalysisOptions extends AnalysisOptions {
  /** The relevance store's folder. */
  readonly store: string;
  /** Only samples [start, end) (a chunk; start a multiple of batchSize): the store is left for a whole run to complete. */
  readonly range?: { readonly start: number; readonly end: number };
  readonly onProgress?: (p: AnalysisProgress) => void;
  readonly signal?: AbortSignal;
}

/**
 * Explains the analysis' data into its resumable relevance store, as the analysis does (method,
 * target = label when every sample has one, batches of batchSize); with `range`, only that part,
 * so that chunks run by several processes write the same batch files one run writes.
 */
export async function explainForAnalysis(model: XaiModel, data: AnalysisData, options: ExplainForAnalysisOptions) {
  const count = sampleCount(data);
  const samples = Array.from({ length: count }, (_, i) => ({ input: sampleOf(data, i), label: data.labels[i]!, ...(data.ids ? { id: data.ids[i] } : {}) }));
  return explainDataset(model, samples, {
    out: options.store,
    method: options.method ?? 'lrp',
    methodOptions: options.methodOptions ?? {},
    target: data.labels.every((l) => l >= 0) ? 'label' : 'prediction',
    shape: data.shape,
    batchSize: options.batchSize ?? 32,
    count,
    ...(options.range ? { range: options.range } : {}),
    onProgress: (p) => {
      options.onProgress?.({ phase: 'explain', done: p.done, total: p.total ?? count, unit: 'samples' });
      checkCancel(options.signal);
    },
  });
}

/** Relevance of every sample for its label, through the resumable relevance store (`out/store` unless `store`). */
async function explainAll(model: XaiModel, data: AnalysisData, options: RunAnalysisOptions) {
  const store = options.store ?? join(options.out, 'store');
  await explainForAnalysis(model, data, { ...options, store });
  return readRelevanceStore(store);
}

/** Per class: SpRAy on the heatmaps, figures of the embedding, the spectrum and each cluster's prototypes. */
async function runSpray(model: XaiModel, data: AnalysisData, options: RunAnalysisOptions, write: Writer): Promise<Record<string, unknown>> {
  const store = await explainAll(model, data, options);
  const g = imageGeometry(data.shape);
  const present = [...new Set(Array.from(data.labels))].filter((c) => c >= 0).sort((a, b) => a - b);
  const classes = options.classes ?? present.filter((c) => store.indicesOf(c).length >= 3);
  if (classes.length === 0) throw new InvalidArgumentError(`SpRAy: no class has 3 or more labelled samples in '${data.name}'`);
  const results: Record<string, unknown>[] = [];
  for (const [n, c] of classes.entries()) {
    checkCancel(options.signal);
    options.onProgress?.({ phase: 'spray', done: n, total: classes.length, unit: 'classes' });
    const idx = store.indicesOf(c);
    if (idx.length < 3) throw new InvalidArgumentError(`SpRAy: class ${c} has ${idx.length} samples in '${data.name}'; it needs at least 3`);
    const flags = data.artefact ? idx.map((i) => data.artefact![i]!) : undefined;
    const side = options.mapSize ?? 16;
    const r: SprayResult = spray(idx.map((i) => store.relevance(i)), {
      preprocess: g ? { shape: [g.h, g.w, g.c], size: side } : undefined,
      neighbours: Math.min(options.neighbours ?? 5, idx.length - 1), // k = 5: the README's measurement on the Clever Hans rings
      clusters: options.clusters,
      maxClusters: Math.min(options.maxClusters ?? 10, idx.length - 1),
      prototypes: options.prototypes ?? 5,
      seed: options.seed ?? 1,
      labels: flags,
      embeddings: { tsne: true, umap: true },
    });
    const name = className(data, c);
    const artefact = flags ? artefactCluster(r.assignments, flags) : undefined;
    const prefix = `spray-class-${c}`;
    const embedding = r.tsne ?? r.umap!;
    await write.png(`${prefix}-embedding.png`, scatterPlot(embedding, r.assignments, { title: `SpRAy ${name}: t-SNE by cluster`, names: (k) => `cluster ${k}` }), `t-SNE of class ${c}'s heatmaps, coloured by SpRAy cluster`);
    await write.png(`${prefix}-spectrum.png`, spectrumPlot(r.eigenvalues, r.eigengapClusters, { title: `SpRAy ${name}: Laplacian spectrum` }), `smallest eigenvalues of class ${c}'s affinity Laplacian`);
    if (g) {
      const rows: GalleryRow[] = r.clusters.map((cl) => ({
        label: `cluster ${cl.cluster} (${cl.size})`,
        items: cl.prototypes.map((k) => galleryItem(data, idx[k]!, store.relevance(idx[k]!), g)),
      }));
      await write.png(`${prefix}-prototypes.png`, galleryPlot(rows, [g.h, g.w], { title: `SpRAy ${name}: prototypes per cluster` }), `each cluster's prototypical samples of class ${c} with their heatmaps`);
    }
    results.push({
      class: c,
      className: name,
      samples: idx,
      eigenvalues: r.eigenvalues.map((v) => round(v, 6)),
      eigengapClusters: r.eigengapClusters,
      clusterCount: r.clusterCount,
      assignments: Array.from(r.assignments),
      tsne: r.tsne?.map(([x, y]) => [round(x), round(y)]),
      umap: r.umap?.map(([x, y]) => [round(x), round(y)]),
      clusters: r.clusters.map((cl) => ({
        cluster: cl.cluster,
        size: cl.size,
        prototypes: cl.prototypes.map((k) => idx[k]!),
        ...(flags ? { artefactShare: round(cl.purity !== undefined && cl.majorityLabel === 1 ? cl.purity : 1 - (cl.purity ?? 1)) } : {}),
      })),
      ...(artefact ? { artefactCluster: { cluster: artefact.cluster, precision: round(artefact.precision), recall: round(artefact.recall) } } : {}),
      figures: { embedding: `${prefix}-embedding.png`, spectrum: `${prefix}-spectrum.png`, ...(g ? { prototypes: `${prefix}-prototypes.png` } : {}) },
    });
  }
  options.onProgress?.({ phase: 'spray', done: classes.length, total: classes.length, unit: 'classes' });
  return { classes: results, predictions: Array.from(store.predictions), labels: Array.from(data.labels) };
}

/** k-means on a layer's features, NEON heatmaps of why each sample is in its cluster. */
async function runNeon(model: XaiModel, data: AnalysisData, options: RunAnalysisOptions, write: Writer): Promise<Record<string, unknown>> {
  const layer = options.layer ?? defaultLayer(model);
  const count = sampleCount(data);
  const k = options.clusters ?? Math.max(2, (data.classNames?.length ?? new Set(data.labels).size));
  const x = batchOf(data, Array.from({ length: count }, (_, i) => i));
  try {
    options.onProgress?.({ phase: 'cluster', done: 0, total: count, unit: 'samples' });
    const clustering = clusterFeatures(model, x, { layer, k, seed: options.seed ?? 0 });
    checkCancel(options.signal);
    const e = explainFeatureClusters(model, x, clustering, { batchSize: options.batchSize ?? 64 });
    options.onProgress?.({ phase: 'neon', done: count, total: count, unit: 'samples' });
    try {
      const rel = e.relevance.dataSync() as Float32Array;
      const size = sampleSize(data);
      const assignments = Array.from(clustering.kmeans.assignments);
      const sums = Array.from({ length: count }, (_, i) => rel.subarray(i * size, (i + 1) * size).reduce((a, v) => a + v, 0));
      const clusters = Array.from({ length: k }, (_, c) => {
        const members = assignments.flatMap((a, i) => (a === c ? [i] : []));
        const labelCounts = new Map<number, number>();
        for (const i of members) labelCounts.set(data.labels[i]!, (labelCounts.get(data.labels[i]!) ?? 0) + 1);
        const [label, most] = [...labelCounts].sort((a, b) => b[1] - a[1])[0] ?? [-1, 0];
        const typical = [...members].sort((a, b) => e.logits[b]! - e.logits[a]!).slice(0, options.prototypes ?? 4);
        return { cluster: c, size: members.length, majorityLabel: label, purity: members.length ? round(most / members.length) : 0, prototypes: typical };
      });
      const g = imageGeometry(data.shape);
      if (g) {
        const rows = clusters.map((c) => ({ label: `cluster ${c.cluster} ${c.majorityLabel >= 0 ? className(data, c.majorityLabel) : ''}`, items: c.prototypes.map((i) => galleryItem(data, i, rel.subarray(i * size, (i + 1) * size), g)) }));
        await write.png('neon-clusters.png', galleryPlot(rows, [g.h, g.w], { title: `NEON: k-means (k = ${k}) on ${layer}` }), 'each cluster\'s most typical members and why they belong to it (NEON)');
      }
      const purity = clusters.reduce((a, c) => a + c.purity * c.size, 0) / count;
      const conservation = sums.reduce((a, s, i) => a + (e.logits[i]! !== 0 ? s / e.logits[i]! : 1), 0) / count;
      return { layer, k, assignments, clusters, purity: round(purity), logits: e.logits.map((v) => round(v, 5)), inputRelevanceSums: sums.map((v) => round(v, 5)), meanConservation: round(conservation), figures: g ? { clusters: 'neon-clusters.png' } : {} };
    } finally {
      e.dispose();
    }
  } finally {
    x.dispose();
  }
}

/** Iterative filter pruning under each criterion; the curves, the comparison at magnitude's 5-point loss, the relevance-pruned model. */
async function runPrune(model: XaiModel, data: AnalysisData, options: RunAnalysisOptions, write: Writer): Promise<Record<string, unknown>> {
  if (model.format === 'onnx') throw new InvalidArgumentError('pruning edits a tfjs Layers model; an ONNX model cannot be pruned here');
  const source = model.layersModel;
  const count = sampleCount(data);
  const refCount = options.reference ?? Math.min(64, Math.floor(count / 3));
  if (refCount < 1 || refCount >= count) throw new InvalidArgumentError(`pruning: reference must be between 1 and ${count - 1} samples (the rest measure the accuracy), got ${refCount}`);
  if (data.labels.some((l) => l < 0)) throw new InvalidArgumentError(`pruning needs a label for every sample of '${data.name}'`);
  const set = (from: number, to: number): ReferenceSet => ({ inputs: batchOf(data, Array.from({ length: to - from }, (_, i) => from + i)), labels: Array.from(data.labels.subarray(from, to)) });
  const reference = set(0, refCount);
  const test = set(refCount, count);
  const criteria = options.criteria ?? PRUNING_CRITERIA;
  const results: PruningResult[] = [];
  try {
    for (const [n, criterion] of criteria.entries()) {
      const r = await pruneIteratively(source, {
        criterion, reference, test,
        ...(options.filtersPerStep ? { filtersPerStep: options.filtersPerStep } : {}),
        ...(options.maxShare ? { maxShare: options.maxShare } : {}),
        onProgress: (s) => {
          options.onProgress?.({ phase: `prune ${criterion}`, done: n + s.share, total: criteria.length, unit: 'criteria' });
          checkCancel(options.signal);
        },
      });
      results.push(r);
    }
    const base = results[0]!.steps[0]!.accuracy;
    await write.png('pruning-curves.png', plotPruningCurves(results, { title: `Pruning ${source.name}`, reference: { value: base - 0.05, label: 'unpruned - 5 points' } }), 'accuracy against the share of filters pruned, per criterion');
    const magnitude = results.find((r) => r.criterion === 'magnitude');
    const at = magnitude?.steps.find((s) => s.accuracy <= base - 0.05);
    const comparison = at ? { pruned: at.pruned, share: round(at.share), accuracy: Object.fromEntries(results.map((r) => [r.criterion, round(r.steps.find((s) => s.pruned === at.pruned)?.accuracy ?? NaN)])) } : null;
    const relevance = results.find((r) => r.criterion === 'relevance');
    let savedModel: string | null = null;
    if (relevance && at) {
      const pruned = await prunedCopy(source, relevance.order.slice(0, at.pruned));
      try {
        await pruned.save(modelSaveHandler(join(options.out, 'pruned-model')));
        savedModel = 'pruned-model/model.json';
      } finally {
        pruned.dispose();
      }
    }
    return {
      reference: refCount,
      test: count - refCount,
      unprunedAccuracy: round(base),
      curves: results.map((r) => ({ criterion: r.criterion, totalFilters: r.totalFilters, steps: r.steps.map((s) => ({ pruned: s.pruned, share: round(s.share), accuracy: round(s.accuracy) })) })),
      atMagnitudeLoss: comparison,
      savedModel,
      figures: { curves: 'pruning-curves.png' },
    };
  } finally {
    results.forEach((r) => r.model.dispose());
    tf.dispose([reference.inputs, test.inputs]);
  }
}

/** Accuracy of a model on data, and per class. */
function accuracyOf(model: XaiModel, data: AnalysisData): { overall: number; perClass: number[] } {
  const count = sampleCount(data);
  const predicted: number[] = [];
  for (let at = 0; at < count; at += 128) {
    const ids = Array.from({ length: Math.min(128, count - at) }, (_, i) => at + i);
    predicted.push(...tf.tidy(() => Array.from((model.layersModel.predict(batchOf(data, ids)) as tf.Tensor).argMax(-1).dataSync())));
  }
  const classes = Math.max(...Array.from(data.labels)) + 1;
  const perClass = Array.from({ length: classes }, (_, c) => {
    const of = predicted.filter((_, i) => data.labels[i] === c);
    return of.length ? round(of.filter((p, i) => p === c).length / of.length) : 0;
  });
  return { overall: round(predicted.filter((p, i) => p === data.labels[i]).length / count), perClass };
}

/** Relevance (for the label) of the samples at `indices`, and the share of |R| on the artefact's pixels. */
async function relevanceOn(model: XaiModel, data: AnalysisData, indices: readonly number[], options: RunAnalysisOptions): Promise<{ maps: Float32Array[]; artefactShare: number | null }> {
  const x = batchOf(data, indices);
  try {
    const r = await explain(model, x, { method: options.method ?? 'lrp', ...options.methodOptions, target: indices.map((i) => data.labels[i]!), signal: options.signal } as never);
    const values = r.relevance.dataSync() as Float32Array;
    r.dispose();
    const size = sampleSize(data);
    const maps = indices.map((_, k) => values.slice(k * size, (k + 1) * size));
    const g = imageGeometry(data.shape);
    if (!data.artefactMask || !g) return { maps, artefactShare: null };
    let on = 0;
    let all = 0;
    for (const m of maps) {
      const flat = channelSum(m, g);
      flat.forEach((v, p) => ((all += Math.abs(v)), (on += data.artefactMask![p] ? Math.abs(v) : 0)));
    }
    return { maps, artefactShare: all > 0 ? round(on / all) : 0 };
  } finally {
    x.dispose();
  }
}

/** P-ClArC: the artefact direction from marked samples (or a SpRAy cluster, or the demo's known flags), projected out. */
async function runClarc(model: XaiModel, data: AnalysisData, options: RunAnalysisOptions, write: Writer): Promise<Record<string, unknown>> {
  if (model.format === 'onnx') throw new InvalidArgumentError('P-ClArC rewrites a tfjs Layers model; an ONNX model cannot be rewritten here');
  const count = sampleCount(data);
  const layer = options.layer ?? defaultLayer(model);
  let flags: Uint8Array;
  let source: string;
  if (options.artefactSamples) {
    flags = new Uint8Array(count);
    for (const i of options.artefactSamples) {
      if (!Number.isInteger(i) || i < 0 || i >= count) throw new InvalidArgumentError(`artefactSamples: ${i} is not a sample index (0…${count - 1})`);
      flags[i] = 1;
    }
    source = `${options.artefactSamples.length} marked samples`;
  } else if (options.cluster !== undefined) {
    const c = options.classes?.[0];
    if (c === undefined) throw new InvalidArgumentError('ClArC from a SpRAy cluster needs its class (classes: [c])');
    const sprayed = await runSpray(model, data, { ...options, classes: [c] }, new Writer(options.out));
    const cls = (sprayed.classes as { samples: number[]; assignments: number[] }[])[0]!;
    if (!cls.assignments.includes(options.cluster)) throw new InvalidArgumentError(`SpRAy found ${Math.max(...cls.assignments) + 1} clusters in class ${c}; there is no cluster ${options.cluster}`);
    flags = new Uint8Array(count);
    cls.samples.forEach((i, k) => cls.assignments[k] === options.cluster && (flags[i] = 1));
    source = `SpRAy cluster ${options.cluster} of class ${c}`;
  } else if (data.artefact) {
    flags = data.artefact;
    source = `the known artefact of '${data.name}'`;
  } else throw new InvalidArgumentError(`ClArC needs the artefact's samples: artefactSamples (indices), or a SpRAy cluster (classes: [c], cluster: k)`);
  options.onProgress?.({ phase: 'clarc', done: 0, total: 3, unit: 'steps' });
  const x = batchOf(data, Array.from({ length: count }, (_, i) => i));
  let cav;
  try {
    cav = conceptDirection(model, x, flags, layer);
  } finally {
    x.dispose();
  }
  const fixed = projectiveClarc(model, cav);
  try {
    checkCancel(options.signal);
    const sets: Array<[string, AnalysisData]> = [['data', data]];
    if (data.name === 'clever-hans') sets.push(['swapped', swappedCleverHans(Math.max(200, Math.min(800, count)), (options.seed ?? 1) + 1000)]);
    const accuracy: Record<string, unknown> = {};
    for (const [name, d] of sets) accuracy[name] = { before: accuracyOf(model, d), after: accuracyOf(fixed, d) };
    options.onProgress?.({ phase: 'clarc', done: 1, total: 3, unit: 'steps' });
    const marked = Array.from(flags).flatMap((f, i) => (f ? [i] : [])).slice(0, 32);
    const before = await relevanceOn(model, data, marked, options);
    const after = await relevanceOn(fixed, data, marked, options);
    options.onProgress?.({ phase: 'clarc', done: 2, total: 3, unit: 'steps' });
    const g = imageGeometry(data.shape);
    if (g) {
      const shown = marked.slice(0, 6);
      const rows: GalleryRow[] = [
        { label: 'before', items: shown.map((i, k) => galleryItem(data, i, before.maps[k]!, g)) },
        { label: 'after p-clarc', items: shown.map((i, k) => galleryItem(data, i, after.maps[k]!, g)) },
      ];
      await write.png('clarc-heatmaps.png', galleryPlot(rows, [g.h, g.w], { title: `P-ClArC at ${layer}: artefact samples` }), 'heatmaps of artefact samples before and after P-ClArC');
    }
    options.onProgress?.({ phase: 'clarc', done: 3, total: 3, unit: 'steps' });
    return {
      layer,
      artefactFrom: source,
      artefactSamples: marked.length === flags.reduce((a, f) => a + f, 0) ? marked : Array.from(flags).flatMap((f, i) => (f ? [i] : [])),
      separation: round(cav.separation),
      accuracy,
      artefactRelevanceShare: before.artefactShare === null ? null : { before: before.artefactShare, after: after.artefactShare },
      figures: g ? { heatmaps: 'clarc-heatmaps.png' } : {},
    };
  } finally {
    fixed.dispose();
  }
}

export async function runAnalysis(model: XaiModel, data: AnalysisData, options: RunAnalysisOptions): Promise<AnalysisRun> {
  if (!(ANALYSIS_KINDS as readonly string[]).includes(options.kind)) throw new InvalidArgumentError(`no analysis '${options.kind}'; there are ${ANALYSIS_KINDS.join(', ')}`);
  const expected = model.inputShapes[0]?.slice(1);
  if (expected && (expected.length !== data.shape.length || expected.some((d, i) => d !== null && d !== data.shape[i]))) {
    throw new InvalidArgumentError(`data set '${data.name}' has samples of shape [${data.shape}], the model takes [${expected.map((d) => d ?? 'any')}]`);
  }
  const write = new Writer(options.out);
  const started = performance.now();
  const run = { spray: runSpray, neon: runNeon, prune: runPrune, clarc: runClarc }[options.kind];
  const body = await run(model, data, options, write);
  const result = {
    format: 'xai-analysis',
    kind: options.kind,
    dataset: { name: data.name, count: sampleCount(data), shape: data.shape, classNames: data.classNames ?? null, ids: data.ids ?? null },
    model: model.label ?? null,
    method: options.kind === 'spray' || options.kind === 'clarc' ? { name: options.method ?? 'lrp', options: options.methodOptions ?? {} } : null,
    seconds: round((performance.now() - started) / 1000, 2),
    ...body,
  };
  await write.json('analysis.json', result, 'the whole result');
  return { kind: options.kind, result, files: [...write.files] };
}

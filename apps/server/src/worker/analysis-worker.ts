/**
 * An analysis job (SpRAy, NEON, relevance-based pruning, P-ClArC) on a generated demo data set or an
 * uploaded one: @xai/analysis' runAnalysis writes analysis.json and the figures into the job folder;
 * the prototypes' images are written beside them (sample-<i>.png), so a client can explain one.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { demoData, explainForAnalysis, runAnalysis, type AnalysisData, type AnalysisKind, type AnalysisOptions } from '@xai/analysis';
import { encodePng, writeFileAtomic } from '@xai/core';
import { modelInputSpecs } from '@xai/modalities';
import { uploadedDatasetSamples } from './dataset-worker.js';
import type { UploadedDatasetRef } from './dataset-types.js';
import { ProgressPort } from './progress-port.js';
import { cachedModel, initWorker, outcome } from './runtime.js';
import { dataCacheOptions, LruCache } from './worker-cache.js';
import type { JobFile, ModelRef, Outcome } from './task-types.js';

export interface AnalysisTask {
  readonly kind: 'analysis';
  readonly analysis: AnalysisKind;
  readonly model: ModelRef;
  readonly data: { readonly demo: { readonly name: string; readonly count: number; readonly seed: number } } | { readonly upload: UploadedDatasetRef };
  readonly options: AnalysisOptions;
  readonly outDir: string;
  /** The relevance store's folder (default outDir/store): on the queue, the job's folder, shared by its chunks. */
  readonly store?: string;
  /** A chunk on the queue: only explain samples [start, end) into the store (see jobs/chunk-plan.ts). */
  readonly range?: { readonly start: number; readonly end: number };
  readonly port: import('node:worker_threads').MessagePort;
}

export interface AnalysisOutput {
  readonly analysis: AnalysisKind;
  readonly samples: number;
  readonly files: JobFile[];
}

/** The phases' share of the whole run, for one progress fraction. */
const PHASES: Record<string, [number, number]> = { read: [0, 0.1], explain: [0.1, 0.8], spray: [0.8, 1], cluster: [0.1, 0.5], neon: [0.5, 1], clarc: [0.1, 1] };
const fractionOf = (phase: string, done: number, total: number) => {
  const [from, to] = PHASES[phase] ?? [0, 1];
  return from + (to - from) * (total > 0 ? Math.min(1, done / total) : 0);
};

/** Sample i as a PNG when the samples are images ([h, w, 3] or [h, w, 1] in [0, 1]), else null. */
function samplePng(data: AnalysisData, i: number): Uint8Array | null {
  const [h, w, c] = data.shape;
  if (data.shape.length !== 3 || (c !== 3 && c !== 1)) return null;
  const size = h! * w! * c!;
  const px = data.inputs.subarray(i * size, (i + 1) * size);
  const rgba = new Uint8Array(h! * w! * 4);
  for (let p = 0; p < h! * w!; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = Math.round(Math.min(1, Math.max(0, px[p * c! + (c === 3 ? k : 0)]!)) * 255);
    rgba[p * 4 + 3] = 255;
  }
  return encodePng({ rgba, width: w!, height: h! });
}

/** Data indices of the samples a result shows (cluster prototypes). */
function shownSamples(result: Record<string, unknown>): number[] {
  const out = new Set<number>();
  for (const c of (result.classes as { clusters: { prototypes: number[] }[] }[] | undefined) ?? []) for (const k of c.clusters) k.prototypes.forEach((i) => out.add(i));
  for (const k of (result.clusters as { prototypes: number[] }[] | undefined) ?? []) k.prototypes.forEach((i) => out.add(i));
  return [...out].sort((a, b) => a - b);
}

/** Generated demo data of this worker process, the last three used: chunks of one job share them. */
const demoSets = new LruCache<AnalysisData>(dataCacheOptions(3, (d) => d.inputs.byteLength));

export async function analysisTask(task: AnalysisTask): Promise<Outcome<AnalysisOutput>> {
  const port = new ProgressPort(task.port, 200);
  try {
    return await outcome(async () => {
      await initWorker();
      port.started();
      const model = await cachedModel(task.model.id, task.model.path);
      let data: AnalysisData;
      if ('demo' in task.data) {
        const { name, count, seed } = task.data.demo;
        data = await demoSets.get(JSON.stringify({ name, count, seed }), async () => demoData(name, count, seed));
      } else {
        const report = (done: number, total: number) => port.progress({ phase: 'read', done, total, unit: 'inputs', fraction: fractionOf('read', done, total) });
        const samples = await uploadedDatasetSamples(task.data.upload, modelInputSpecs(model, task.model.metadata), task.model.classNames, report, port.signal);
        data = { name: task.data.upload.id, inputs: samples.inputs, shape: samples.shape, labels: Int32Array.from(samples.labels), ...(task.model.classNames ? { classNames: task.model.classNames } : {}) };
      }
      if (task.range) {
        // a chunk: its batches of the relevance store, written into the shared store (each batch file atomically)
        const range = task.range;
        await explainForAnalysis(model, data, { ...task.options, store: task.store ?? join(task.outDir, 'store'), range, signal: port.signal, onProgress: (p) => port.progress({ ...p, fraction: p.total > 0 ? p.done / p.total : 0 }) });
        return { analysis: task.analysis, samples: Math.min(range.end, data.labels.length) - range.start, files: [] };
      }
      const run = await runAnalysis(model, data, {
        ...task.options,
        kind: task.analysis,
        out: task.outDir,
        ...(task.store ? { store: task.store } : {}),
        signal: port.signal,
        onProgress: (p) => port.progress({ ...p, fraction: p.phase.startsWith('prune') ? p.done / p.total : fractionOf(p.phase, p.done, p.total) }),
      });
      const files: JobFile[] = [];
      for (const f of run.files) files.push({ ...f, file: f.name, size: (await stat(join(task.outDir, f.name))).size });
      for (const i of shownSamples(run.result)) {
        const png = samplePng(data, i);
        if (!png) break;
        const name = `sample-${i}.png`;
        await writeFileAtomic(join(task.outDir, name), png);
        files.push({ name, mediaType: 'image/png', description: `sample ${i} of the data set`, file: name, size: png.length });
      }
      return { analysis: task.analysis, samples: data.labels.length, files };
    }, false);
  } finally {
    port.close();
  }
}

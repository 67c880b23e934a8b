/**
 * Explains a whole data set in batches with any registered method of @xai/core, storing relevance
 * quantised (per-sample scale) beside logits, predictions, targets and labels in a folder:
 *
 *   manifest.json        what produced the store (method, options, shape, encoding, batch size)
 *   batch-000000.bin …   one file per batch, written atomically (see batch-file.ts)
 *   complete.json        written last: sample and batch counts
 *
 * A rerun with the same folder skips every batch whose file exists (the source is still iterated,
 * in the same order, but those samples are not explained again); a manifest that disagrees with the
 * request, or a stored batch whose labels or ids differ from what the source gives now, is an error
 * naming the field or sample, never a silent mix of two runs.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { explain, InvalidArgumentError, writeFileAtomic, type XaiModel } from '@xai/core';
import { decodeBatch, encodeBatch } from './batch-file.js';
import { allocateQuantised, ENCODINGS, quantiseInto, type Encoding } from './quantise.js';

/** One decoded sample: values in the model's input layout (without batch axis) and an optional label. */
export interface DatasetSample {
  readonly input: Float32Array;
  /** Class index; −1 or absent when unknown. */
  readonly label?: number;
  /** Where it came from (a file name), kept in the store. */
  readonly id?: string;
}

export type TargetChoice = 'label' | 'prediction' | number;

export interface DatasetProgress {
  /** Samples covered so far (explained now or found in the store). */
  readonly done: number;
  /** Total samples, when the caller gave `count` (with `range`: the range's size; `done` counts within it). */
  readonly total?: number;
  readonly batch: number;
  /** True when this batch was found in the store and not explained again. */
  readonly skipped: boolean;
  readonly elapsedMs: number;
}

export interface ExplainDatasetOptions {
  /** Folder of the store (created if missing). */
  readonly out: string;
  /** A registered method of @xai/core (default 'lrp'). */
  readonly method?: string;
  /** The method's own options (e.g. `{ composite: 'epsilon_plus_flat' }`). */
  readonly methodOptions?: Readonly<Record<string, unknown>>;
  /** Which class to explain: the sample's label (default), the model's prediction, or one fixed class. */
  readonly target?: TargetChoice;
  /** Shape of one sample, without batch axis, e.g. [32, 32, 3]. */
  readonly shape: readonly number[];
  readonly batchSize?: number;
  /** int8 (default; error ≤ max|R|/254 per sample) or int16 (≤ max|R|/65534). */
  readonly encoding?: Encoding;
  /** Number of samples, for progress only. */
  readonly count?: number;
  /**
   * Only the samples [start, end) (a chunk of a store written by several processes): `start` a
   * multiple of batchSize, `end` too unless it is the source's end. Batches outside are neither
   * explained nor checked, and complete.json is not written: a last run without `range` over the
   * whole source finds every batch stored and completes the store.
   */
  readonly range?: { readonly start: number; readonly end: number };
  /** Called after every batch (also skipped ones); throwing stops the run after that batch was stored. */
  readonly onProgress?: (p: DatasetProgress) => void | Promise<void>;
}

export interface StoreManifest {
  readonly format: 'xai-relevance-store';
  readonly version: 1;
  readonly method: string;
  readonly methodOptions: Readonly<Record<string, unknown>>;
  readonly target: TargetChoice;
  readonly shape: readonly number[];
  readonly batchSize: number;
  readonly encoding: Encoding;
}

export interface StoreCompletion {
  readonly count: number;
  readonly batches: number;
  /** Batches explained by the run that completed the store (the rest came from earlier runs). */
  readonly explainedBatches: number;
}

export const batchFileName = (b: number): string => `batch-${String(b).padStart(6, '0')}.bin`;
export const MANIFEST_FILE = 'manifest.json';
export const COMPLETE_FILE = 'complete.json';

/** The manifest fields a resumed run must agree on, named in the error when they do not. */
const RESUME_FIELDS = ['method', 'methodOptions', 'target', 'shape', 'batchSize', 'encoding'] as const;

async function openStore(out: string, manifest: StoreManifest): Promise<Set<number>> {
  await mkdir(out, { recursive: true });
  const path = join(out, MANIFEST_FILE);
  if (existsSync(path)) {
    const old = JSON.parse(await readFile(path, 'utf8')) as StoreManifest;
    for (const field of RESUME_FIELDS) {
      if (JSON.stringify(old[field]) !== JSON.stringify(manifest[field])) {
        throw new InvalidArgumentError(
          `${path}: the store was started with ${field} ${JSON.stringify(old[field])}, this run asks for ${JSON.stringify(manifest[field])}; use another folder or delete it`,
        );
      }
    }
  } else {
    await writeFileAtomic(path, JSON.stringify(manifest, null, 2) + '\n');
  }
  const done = new Set<number>();
  for (const f of await readdir(out)) {
    const m = /^batch-(\d{6})\.bin$/.exec(f);
    if (m) done.add(Number(m[1]));
  }
  return done;
}

async function* iterate<T>(source: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
  yield* source as AsyncIterable<T>;
}

/**
 * Explains every sample of `source` (iterated once, in order) and stores the result in `options.out`.
 * Resumable: see the module comment.
 */
export async function explainDataset(
  model: XaiModel,
  source: Iterable<DatasetSample> | AsyncIterable<DatasetSample>,
  options: ExplainDatasetOptions,
): Promise<StoreCompletion> {
  const method = options.method ?? 'lrp';
  const methodOptions = options.methodOptions ?? {};
  const target = options.target ?? 'label';
  const batchSize = options.batchSize ?? 32;
  const encoding = options.encoding ?? 'int8';
  const shape = [...options.shape];
  if (!ENCODINGS.includes(encoding)) throw new InvalidArgumentError(`encoding '${encoding}' is not one of ${ENCODINGS.join(', ')}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(`batchSize must be a positive integer, got ${batchSize}`);
  const valuesPerSample = shape.reduce((a, b) => a * b, 1);
  const range = options.range;
  if (range && !(Number.isInteger(range.start) && Number.isInteger(range.end) && range.start >= 0 && range.start < range.end && range.start % batchSize === 0)) {
    throw new InvalidArgumentError(`range [${range.start}, ${range.end}) must start at a multiple of batchSize ${batchSize} and end after it`);
  }
  const done = await openStore(options.out, { format: 'xai-relevance-store', version: 1, method, methodOptions, target, shape, batchSize, encoding });

  const started = performance.now();
  const first = range?.start ?? 0;
  let batch = first / batchSize;
  let seen = 0;
  let explainedBatches = 0;
  let pending: DatasetSample[] = [];

  const flush = async () => {
    const skipped = done.has(batch);
    if (skipped) await checkStoredBatch(options.out, batch, pending, seen - pending.length);
    else {
      await explainBatch(model, pending, batch, seen - pending.length, { ...options, method, methodOptions, target, encoding, shape, valuesPerSample });
      explainedBatches++;
    }
    const total = range ? range.end - range.start : options.count;
    await options.onProgress?.({ done: seen - first, total, batch, skipped, elapsedMs: performance.now() - started });
    batch++;
    pending = [];
  };

  for await (const sample of iterate(source)) {
    if (range && seen < range.start) {
      seen++;
      continue;
    }
    if (range && seen === range.end) {
      if (range.end % batchSize !== 0) throw new InvalidArgumentError(`range [${range.start}, ${range.end}): its end is not a multiple of batchSize ${batchSize} and the source goes on, so its last batch would be cut`);
      break;
    }
    if (!(sample.input instanceof Float32Array) || sample.input.length !== valuesPerSample) {
      throw new InvalidArgumentError(
        `sample ${seen}${sample.id ? ` (${sample.id})` : ''}: input must be a Float32Array of ${valuesPerSample} values (shape [${shape}]), got ${sample.input?.length ?? typeof sample.input}`,
      );
    }
    pending.push(sample);
    seen++;
    if (pending.length === batchSize) await flush();
  }
  if (pending.length > 0) await flush();
  if (range && seen <= range.start) throw new InvalidArgumentError(`range [${range.start}, ${range.end}) starts after the source's ${seen} samples`);
  if (range) return { count: seen - first, batches: batch - first / batchSize, explainedBatches };
  const completion: StoreCompletion = { count: seen, batches: batch, explainedBatches };
  await writeFileAtomic(join(options.out, COMPLETE_FILE), JSON.stringify(completion, null, 2) + '\n');
  return completion;
}

/** A batch found in the store must hold the samples the source gives now (same count, labels and ids), or the two runs are mixed. */
async function checkStoredBatch(out: string, batch: number, samples: DatasetSample[], first: number): Promise<void> {
  const file = join(out, batchFileName(batch));
  const stored = decodeBatch(await readFile(file), file);
  const differs = (why: string) =>
    new InvalidArgumentError(`${file}: ${why}; the source does not give the samples the earlier run stored (same data, same order needed to resume), or use another folder`);
  if (stored.labels.length !== samples.length) throw differs(`holds ${stored.labels.length} samples, the source now gives ${samples.length} for it`);
  samples.forEach((s, i) => {
    if (stored.labels[i] !== (s.label ?? -1)) throw differs(`sample ${first + i} had label ${stored.labels[i]}, now ${s.label ?? -1}`);
    if (stored.ids && s.id !== undefined && stored.ids[i] !== s.id) throw differs(`sample ${first + i} was '${stored.ids[i]}', now '${s.id}'`);
  });
}

interface BatchJob {
  readonly out: string;
  readonly method: string;
  readonly methodOptions: Readonly<Record<string, unknown>>;
  readonly target: TargetChoice;
  readonly encoding: Encoding;
  readonly shape: number[];
  readonly valuesPerSample: number;
}

function targetsOf(samples: DatasetSample[], first: number, target: TargetChoice): number[] | number | undefined {
  if (target === 'prediction') return undefined; // the method's default: the arg-max
  if (typeof target === 'number') return target;
  return samples.map((s, i) => {
    if (s.label === undefined || s.label < 0) {
      throw new InvalidArgumentError(`sample ${first + i}${s.id ? ` (${s.id})` : ''} has no label; explain target 'prediction' or a fixed class instead`);
    }
    return s.label;
  });
}

async function explainBatch(model: XaiModel, samples: DatasetSample[], batch: number, first: number, job: BatchJob): Promise<void> {
  const n = samples.length;
  const x = tf.tensor(concat(samples.map((s) => s.input)), [n, ...job.shape]);
  let result;
  try {
    result = await explain(model, x, { ...job.methodOptions, method: job.method, target: targetsOf(samples, first, job.target) });
  } finally {
    x.dispose();
  }
  try {
    const relevance = await result.relevance.data();
    const logits = await result.logits.data();
    if (relevance.length !== n * job.valuesPerSample) throw new InvalidArgumentError(`method '${job.method}' returned relevance of shape [${result.relevance.shape}], expected [${n},${job.shape}]`);
    const classes = logits.length / n;
    const q = allocateQuantised(job.encoding, n * job.valuesPerSample);
    const scales = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const from = i * job.valuesPerSample;
      scales[i] = quantiseInto(relevance.subarray(from, from + job.valuesPerSample), q.subarray(from, from + job.valuesPerSample), job.encoding);
    }
    const predictions = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (logits[i * classes + c]! > logits[i * classes + best]!) best = c;
      predictions[i] = best;
    }
    const ids = samples.some((s) => s.id !== undefined) ? samples.map((s, i) => s.id ?? String(first + i)) : undefined;
    const bytes = encodeBatch({
      encoding: job.encoding,
      valuesPerSample: job.valuesPerSample,
      classes,
      labels: Int32Array.from(samples, (s) => s.label ?? -1),
      predictions,
      targets: Int32Array.from(result.targets),
      scales,
      logits: Float32Array.from(logits),
      relevance: q,
      ids,
    });
    await writeFileAtomic(join(job.out, batchFileName(batch)), bytes);
  } finally {
    result.dispose();
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

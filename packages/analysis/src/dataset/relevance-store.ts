/** Reading a finished relevance store (written by explainDataset) into memory, still quantised. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@xai/core';
import { decodeBatch, type BatchData } from './batch-file.js';
import { batchFileName, COMPLETE_FILE, MANIFEST_FILE, type StoreCompletion, type StoreManifest } from './explain-dataset.js';
import { dequantise } from './quantise.js';

export interface RelevanceStore {
  readonly manifest: StoreManifest;
  readonly count: number;
  readonly classes: number;
  readonly labels: Int32Array;
  readonly predictions: Int32Array;
  readonly targets: Int32Array;
  /** [count·classes] */
  readonly logits: Float32Array;
  readonly ids?: readonly string[];
  /** Dequantised relevance of sample i, in the model's input layout. */
  relevance(i: number): Float32Array;
  /** Indices of the samples whose label (or, with `by: 'target'`, explained class) is `c`. */
  indicesOf(c: number, by?: 'label' | 'target' | 'prediction'): number[];
}

export async function readRelevanceStore(dir: string): Promise<RelevanceStore> {
  const completePath = join(dir, COMPLETE_FILE);
  if (!existsSync(join(dir, MANIFEST_FILE))) throw new InvalidArgumentError(`${dir}: no ${MANIFEST_FILE}; not a relevance store`);
  if (!existsSync(completePath)) throw new InvalidArgumentError(`${dir}: the store is unfinished (no ${COMPLETE_FILE}); rerun explainDataset with the same folder to resume it`);
  const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as StoreManifest;
  const completion = JSON.parse(await readFile(completePath, 'utf8')) as StoreCompletion;
  const batches: BatchData[] = [];
  for (let b = 0; b < completion.batches; b++) {
    const file = join(dir, batchFileName(b));
    if (!existsSync(file)) throw new InvalidArgumentError(`${file} is missing from a completed store`);
    batches.push(decodeBatch(await readFile(file), file));
  }
  const count = batches.reduce((a, b) => a + b.labels.length, 0);
  if (count !== completion.count) throw new InvalidArgumentError(`${dir}: ${COMPLETE_FILE} says ${completion.count} samples, the batch files hold ${count}`);
  const classes = batches[0]?.classes ?? 0;
  const join32 = (pick: (b: BatchData) => Int32Array) => {
    const out = new Int32Array(count);
    let at = 0;
    for (const b of batches) (out.set(pick(b), at), (at += b.labels.length));
    return out;
  };
  const logits = new Float32Array(count * classes);
  const where: Array<[BatchData, number]> = [];
  let at = 0;
  for (const b of batches) {
    logits.set(b.logits, at * classes);
    for (let i = 0; i < b.labels.length; i++) where.push([b, i]);
    at += b.labels.length;
  }
  const labels = join32((b) => b.labels);
  const predictions = join32((b) => b.predictions);
  const targets = join32((b) => b.targets);
  const ids = batches.every((b) => b.ids) ? batches.flatMap((b) => b.ids!) : undefined;
  return {
    manifest,
    count,
    classes,
    labels,
    predictions,
    targets,
    logits,
    ids,
    relevance(i) {
      const w = where[i];
      if (!w) throw new RangeError(`sample ${i} is outside the store (0…${count - 1})`);
      const [b, k] = w;
      const v = b.valuesPerSample;
      return dequantise(b.relevance.subarray(k * v, (k + 1) * v), b.scales[k]!);
    },
    indicesOf(c, by = 'label') {
      const of = by === 'label' ? labels : by === 'target' ? targets : predictions;
      const out: number[] = [];
      for (let i = 0; i < count; i++) if (of[i] === c) out.push(i);
      return out;
    },
  };
}

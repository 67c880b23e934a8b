import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODEL, generateShapes, initBackend, InvalidArgumentError, loadModel, lrp, type XaiModel } from '@xai/core';
import { explainDataset, readRelevanceStore, type DatasetSample } from '../src/index.js';

const N = 44; // 6 batches of 8, the last one short
const SHAPE = [32, 32, 3];
const PX = 32 * 32 * 3;
let model: XaiModel;
let samples: DatasetSample[];
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'xai-dataset-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  await initBackend();
  model = await loadModel(DEMO_MODEL, { workers: false });
  const data = generateShapes(N, 11);
  samples = Array.from({ length: N }, (_, i) => ({ input: data.images.slice(i * PX, (i + 1) * PX), label: data.labels[i]!, id: `s${i}.png` }));
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('explainDataset', () => {
  it('stores relevance within the quantisation tolerance of a direct LRP call, beside labels and predictions', async () => {
    const out = tmp();
    const seen: number[] = [];
    const done = await explainDataset(model, samples, { out, shape: SHAPE, batchSize: 8, count: N, onProgress: (p) => void seen.push(p.done) });
    expect(done).toEqual({ count: N, batches: 6, explainedBatches: 6 });
    expect(seen).toEqual([8, 16, 24, 32, 40, 44]);
    const store = await readRelevanceStore(out);
    expect(store.count).toBe(N);
    expect(Array.from(store.labels)).toEqual(samples.map((s) => s.label));
    expect(store.ids?.[5]).toBe('s5.png');
    // reference: one direct LRP call on the first 8 samples (same default composite, target = label)
    const x = tf.tensor(Float32Array.from(samples.slice(0, 8).flatMap((s) => Array.from(s.input))), [8, ...SHAPE]);
    const ref = lrp(model, x, { target: samples.slice(0, 8).map((s) => s.label!) });
    const r = ref.relevance.arraySync() as number[][][][];
    const pred = Array.from(ref.logits.argMax(-1).dataSync());
    ref.dispose();
    x.dispose();
    expect(Array.from(store.predictions.slice(0, 8))).toEqual(pred);
    for (let i = 0; i < 8; i++) {
      const want = Float32Array.from(r[i]!.flat(2));
      const got = store.relevance(i);
      const max = Math.max(...want.map(Math.abs));
      let err = 0;
      for (let k = 0; k < PX; k++) err = Math.max(err, Math.abs(got[k]! - want[k]!));
      // int8: error ≤ max|R| / 254, plus float rounding
      expect(err).toBeLessThanOrEqual(max / 254 + 1e-6 * max);
    }
  });

  it('resumes after an interruption without redoing finished batches, with the same result', async () => {
    const full = tmp();
    await explainDataset(model, samples, { out: full, shape: SHAPE, batchSize: 8, encoding: 'int16' });
    const out = tmp();
    await expect(
      explainDataset(model, samples, {
        out, shape: SHAPE, batchSize: 8, encoding: 'int16',
        onProgress: (p) => {
          if (p.batch === 2) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    expect(readdirSync(out).filter((f) => f.endsWith('.bin'))).toHaveLength(3); // batches 0–2 were stored, nothing half-written
    expect(readdirSync(out).some((f) => f.endsWith('.tmp'))).toBe(false);
    await expect(readRelevanceStore(out)).rejects.toThrow(/unfinished/);
    const skipped: boolean[] = [];
    const done = await explainDataset(model, samples, { out, shape: SHAPE, batchSize: 8, encoding: 'int16', onProgress: (p) => void skipped.push(p.skipped) });
    expect(done.explainedBatches).toBe(3);
    expect(skipped).toEqual([true, true, true, false, false, false]);
    const a = await readRelevanceStore(full);
    const b = await readRelevanceStore(out);
    expect(Array.from(b.predictions)).toEqual(Array.from(a.predictions));
    for (let i = 0; i < N; i++) {
      const ra = a.relevance(i);
      const rb = b.relevance(i);
      const max = Math.max(...ra.map(Math.abs));
      for (let k = 0; k < PX; k++) expect(Math.abs(ra[k]! - rb[k]!)).toBeLessThanOrEqual(max / 32767 + 1e-6);
    }
  });

  it('refuses to resume a store started with other settings, and names the field', async () => {
    const out = tmp();
    await explainDataset(model, samples.slice(0, 8), { out, shape: SHAPE, batchSize: 8 });
    await expect(explainDataset(model, samples.slice(0, 8), { out, shape: SHAPE, batchSize: 4 })).rejects.toThrow(/batchSize 8.*asks for 4/);
    await expect(explainDataset(model, [{ input: new Float32Array(5), label: 0 }], { out: tmp(), shape: SHAPE })).rejects.toThrow(InvalidArgumentError);
    // resuming with other data: the stored batch's labels or ids no longer match
    const first8 = samples.slice(0, 8);
    const swap = (i: number, j: number) => first8.map((s, k) => (k === i ? first8[j]! : k === j ? first8[i]! : s));
    const pair = (same: boolean) => {
      for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) if ((first8[i]!.label === first8[j]!.label) === same) return [i, j] as const;
      throw new Error('no such pair in the test data');
    };
    const [a, b] = pair(false);
    await expect(explainDataset(model, swap(a, b), { out, shape: SHAPE, batchSize: 8 })).rejects.toThrow(new RegExp(`batch-000000\\.bin: sample ${a} had label ${first8[a]!.label}, now ${first8[b]!.label}`));
    const [c, d] = pair(true);
    await expect(explainDataset(model, swap(c, d), { out, shape: SHAPE, batchSize: 8 })).rejects.toThrow(`sample ${c} was 's${c}.png', now 's${d}.png'`);
    const bad = tmp();
    await explainDataset(model, samples.slice(0, 8), { out: bad, shape: SHAPE, batchSize: 8 });
    writeFileSync(join(bad, 'batch-000000.bin'), new Uint8Array(40));
    await expect(readRelevanceStore(bad)).rejects.toThrow(/batch-000000\.bin: not a relevance batch file/);
  });

  it('writes a store in ranges (chunks of several processes) that a whole run completes, byte for byte the one-run store', async () => {
    const whole = tmp();
    await explainDataset(model, samples, { out: whole, shape: SHAPE, batchSize: 8 });
    const parts = tmp();
    // chunks of 16 samples in any order, the last one up to the source's end
    const seen: Array<[number, number | undefined]> = [];
    for (const range of [{ start: 32, end: 48 }, { start: 0, end: 16 }, { start: 16, end: 32 }]) {
      const done = await explainDataset(model, samples, { out: parts, shape: SHAPE, batchSize: 8, range, onProgress: (p) => void seen.push([p.done, p.total]) });
      expect(done).toEqual({ count: Math.min(N, range.end) - range.start, batches: 2, explainedBatches: 2 });
    }
    expect(seen.slice(0, 2)).toEqual([[8, 16], [12, 16]]);
    await expect(readRelevanceStore(parts)).rejects.toThrow(/unfinished/);
    expect(await explainDataset(model, samples, { out: parts, shape: SHAPE, batchSize: 8 })).toEqual({ count: N, batches: 6, explainedBatches: 0 });
    const files = readdirSync(whole).sort();
    expect(readdirSync(parts).sort()).toEqual(files);
    for (const f of files.filter((n) => n.startsWith('batch-'))) expect(Buffer.compare(readFileSync(join(parts, f)), readFileSync(join(whole, f))), f).toBe(0);
    // a range must start on a batch and end on one (or at the source's end)
    await expect(explainDataset(model, samples, { out: tmp(), shape: SHAPE, batchSize: 8, range: { start: 4, end: 16 } })).rejects.toThrow(/multiple of batchSize 8/);
    await expect(explainDataset(model, samples, { out: tmp(), shape: SHAPE, batchSize: 8, range: { start: 0, end: 12 } })).rejects.toThrow(/its last batch would be cut/);
    await expect(explainDataset(model, samples, { out: tmp(), shape: SHAPE, batchSize: 8, range: { start: 48, end: 56 } })).rejects.toThrow(/starts after the source's 44 samples/);
  });
});

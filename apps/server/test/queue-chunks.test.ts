/** The queue's pure parts: how jobs are cut into chunks, paths made portable, samples sliced, the workers' cache. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkWeights, planChunks } from '../src/jobs/chunk-plan.js';
import { fromPortable, toPortable } from '../src/jobs/portable-paths.js';
import { sampleRange } from '../src/worker/sample-range.js';
import type { BenchmarkTask, WorkerTask } from '../src/worker/task-types.js';
import { fileVersion, LruCache } from '../src/worker/worker-cache.js';

const benchmark = (count: number, metrics: unknown[]) =>
  ({ kind: 'benchmark', model: { id: 'm', path: '/d/models/m/model.json' }, data: { dataset: { name: 'shapes', count, seed: 1 } }, methods: ['gradient'], metrics, seed: 0, target: 'label', outDir: '/d/jobs/j', port: null }) as unknown as BenchmarkTask;

describe('queue chunks', () => {
  it('cuts a benchmark into whole chunks of 64, the last one shorter; one chunk when splitting would change the result', () => {
    expect(planChunks(benchmark(200, ['sparseness']))).toEqual([{ start: 0, end: 64 }, { start: 64, end: 128 }, { start: 128, end: 192 }, { start: 192, end: 200 }]);
    expect(planChunks(benchmark(64, ['sparseness']))).toEqual([null]);
    expect(planChunks(benchmark(500, ['sparseness', { name: 'pixel_flipping' }]))).toEqual([null]);
    expect(planChunks(benchmark(500, ['selectivity']))).toEqual([null]);
    // an uploaded data set: its size from the stored record (the route gives it as count), else one chunk
    expect(planChunks({ ...benchmark(10, []), data: { upload: { id: 'x', count: 150 } } } as unknown as BenchmarkTask)).toEqual([{ start: 0, end: 64 }, { start: 64, end: 128 }, { start: 128, end: 150 }]);
    expect(planChunks({ ...benchmark(10, []), data: { upload: { id: 'x' } } } as unknown as BenchmarkTask)).toEqual([null]);
  });

  it('cuts an analysis that explains its data set into ranges of whole store batches, then the analysis; others run as one chunk', () => {
    const analysis = (kind: string, count: number, options: Record<string, unknown> = {}) =>
      ({ kind: 'analysis', analysis: kind, model: { id: 'm', path: '/d/m.json' }, data: { demo: { name: 'shapes', count, seed: 1 } }, options, outDir: '/d/jobs/j', port: null }) as unknown as WorkerTask;
    const spray = planChunks(analysis('spray', 160));
    expect(spray).toEqual([{ start: 0, end: 64 }, { start: 64, end: 128 }, { start: 128, end: 160 }, null]);
    // the analysis step weighs 30 % of the samples in the job's progress
    expect(chunkWeights(spray)).toEqual([64, 64, 32, 48]);
    // batches of 48: chunks of 96 (64 rounded up to whole batches)
    expect(planChunks(analysis('spray', 200, { batchSize: 48 }))).toEqual([{ start: 0, end: 96 }, { start: 96, end: 192 }, { start: 192, end: 200 }, null]);
    expect(planChunks(analysis('clarc', 200, { classes: [2], cluster: 1 }))).toHaveLength(5);
    expect(planChunks(analysis('clarc', 200, { artefactSamples: [1, 2] }))).toEqual([null]);
    expect(planChunks(analysis('neon', 500))).toEqual([null]);
    expect(planChunks(analysis('spray', 64))).toEqual([null]);
    expect(chunkWeights([null])).toEqual([1]);
    const upload = { ...analysis('spray', 1), data: { upload: { id: 'u', count: 100 } } } as unknown as WorkerTask;
    expect(planChunks(upload)).toEqual([{ start: 0, end: 64 }, { start: 64, end: 100 }, null]);
  });

  it("a worker's cache keeps the last entries used within its bytes, forgets failed loads, and tells a replaced file by its time and size", async () => {
    const evicted: string[] = [];
    const cache = new LruCache<string>({ entries: 2, maxBytes: 10, weigh: (v) => v.length, onEvict: (v) => void evicted.push(v) });
    let loads = 0;
    const load = (v: string) => () => (loads++, Promise.resolve(v));
    const settle = () => new Promise((r) => setTimeout(r, 0));
    await cache.get('a', load('A'));
    await cache.get('b', load('B'));
    expect(await cache.get('a', load('A2'))).toBe('A'); // a hit, now the most recent
    await cache.get('c', load('C'));
    await settle();
    expect(evicted).toEqual(['B']);
    expect(loads).toBe(3);
    await expect(cache.get('d', () => Promise.reject(new Error('unreadable')))).rejects.toThrow('unreadable');
    expect(await cache.get('d', load('D'))).toBe('D');
    // over the byte budget: the oldest go, a value too large alone is returned but not kept
    expect(await cache.get('big', load('0123456789AB'))).toBe('0123456789AB');
    await settle();
    expect(cache.count).toBe(0);
    // d's failed load had pushed out a (2 entries), big pushed out c, then d and itself (12 bytes > 10)
    expect(evicted).toEqual(['B', 'A', 'C', 'D', '0123456789AB']);
    const none = new LruCache<string>({ entries: 0 });
    await none.get('a', load('A'));
    await none.get('a', load('A'));
    expect(none.count).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'xai-cache-'));
    try {
      const file = join(dir, 'set.zip');
      writeFileSync(file, 'one');
      const first = fileVersion(file);
      expect(fileVersion(file)).toBe(first);
      writeFileSync(file, 'three');
      expect(fileVersion(file)).not.toBe(first);
      expect(fileVersion(join(dir, 'gone'))).toMatch(/@missing$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes paths under the data directory relative to it and puts another root back', () => {
    const task = { model: { path: '/srv/xai/models/m/model.json' }, files: [{ name: 'a.png', path: '/srv/xai/inputs/i/a.png' }], outDir: '/srv/xai/jobs/j', other: '/srv/xaiother/x', n: 3 };
    const portable = toPortable(task, '/srv/xai/');
    expect(portable).toEqual({ model: { path: '${DATA}/models/m/model.json' }, files: [{ name: 'a.png', path: '${DATA}/inputs/i/a.png' }], outDir: '${DATA}/jobs/j', other: '/srv/xaiother/x', n: 3 });
    expect(fromPortable(portable, '/mnt/shared')).toEqual({ ...task, model: { path: '/mnt/shared/models/m/model.json' }, files: [{ name: 'a.png', path: '/mnt/shared/inputs/i/a.png' }], outDir: '/mnt/shared/jobs/j' });
  });

  it('slices samples, labels and masks of a range; refuses a range outside them', () => {
    const samples = { inputs: Float32Array.from({ length: 4 * 6 }, (_, i) => i), shape: [3, 2], labels: [0, 1, 2, 3], masks: Uint8Array.from({ length: 4 * 3 }, (_, i) => i % 2) };
    const part = sampleRange(samples, { start: 1, end: 3 });
    expect(Array.from(part.inputs)).toEqual(Array.from({ length: 12 }, (_, i) => i + 6));
    expect(part.labels).toEqual([1, 2]);
    expect(part.masks).toEqual([1, 0, 1, 0, 1, 0]);
    expect(() => sampleRange(samples, { start: 3, end: 5 })).toThrow(/outside the benchmark's 4 samples/);
  });
});

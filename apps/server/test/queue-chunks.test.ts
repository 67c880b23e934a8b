/** The queue's pure parts: how jobs are cut into chunks, paths made portable, samples sliced. */
import { describe, expect, it } from 'vitest';
import { planChunks } from '../src/jobs/chunk-plan.js';
import { fromPortable, toPortable } from '../src/jobs/portable-paths.js';
import { sampleRange } from '../src/worker/sample-range.js';
import type { BenchmarkTask } from '../src/worker/task-types.js';

const benchmark = (count: number, metrics: unknown[]) =>
  ({ kind: 'benchmark', model: { id: 'm', path: '/d/models/m/model.json' }, data: { dataset: { name: 'shapes', count, seed: 1 } }, methods: ['gradient'], metrics, seed: 0, target: 'label', outDir: '/d/jobs/j', port: null }) as unknown as BenchmarkTask;

describe('queue chunks', () => {
  it('cuts a benchmark into whole chunks of 64, the last one shorter; one chunk when splitting would change the result', () => {
    expect(planChunks(benchmark(200, ['sparseness']))).toEqual([{ start: 0, end: 64 }, { start: 64, end: 128 }, { start: 128, end: 192 }, { start: 192, end: 200 }]);
    expect(planChunks(benchmark(64, ['sparseness']))).toEqual([null]);
    expect(planChunks(benchmark(500, ['sparseness', { name: 'pixel_flipping' }]))).toEqual([null]);
    expect(planChunks(benchmark(500, ['selectivity']))).toEqual([null]);
    expect(planChunks({ ...benchmark(10, []), data: { upload: { id: 'x' } } } as unknown as BenchmarkTask)).toEqual([null]);
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

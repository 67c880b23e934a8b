/** The demo CNN end to end: MoRF beats random for LRP, and the benchmark runner (table, curves, exports, determinism, progress, CLI). */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEMO_MODEL, generateShapes, initBackend, InvalidArgumentError, loadModel, type XaiModel } from '@xai/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  benchmarkFraction, benchmarkToCsv, benchmarkToJson, benchmarkToMarkdown, coreExplainer, EmptyMaskError, modelPredictor, pixelFlipping, runBenchmark, writeBenchmark,
  type BenchmarkProgress, type MetricSpec,
} from '../src/index.js';
import { benchmarkCommand } from '../src/cli/benchmark-command.js';
import { mean } from './helpers.js';

let model: XaiModel;
const shapes = generateShapes(8, 7);
const targets = Array.from(shapes.labels);
const lrpBox = { method: 'lrp', label: 'lrp-box', options: { composite: 'epsilon_gamma_box', low: 0, high: 1 } } as const;

beforeAll(async () => {
  await initBackend();
  model = await loadModel(DEMO_MODEL, { workers: false });
});
afterAll(() => model.dispose());

describe('region perturbation on the demo CNN', () => {
  it('LRP: MoRF AOPC beats the random order (and LeRF) on every sample', async () => {
    const relevance = await coreExplainer(model, lrpBox)(shapes.images, 8, targets);
    const data = { inputs: shapes.images, relevance, shape: [32, 32, 3], targets };
    const options = { regionSize: 4, steps: 20, perturbation: { kind: 'constant', value: 0 }, randomRepeats: 3, seed: 1 } as const;
    const morf = await pixelFlipping(modelPredictor(model), data, options);
    const lerf = await pixelFlipping(modelPredictor(model), data, { ...options, order: 'lerf', randomRepeats: 0 });
    morf.aopc.forEach((a, i) => expect(a).toBeGreaterThan(morf.aopcRandom![i]!));
    expect(mean(morf.aopc)).toBeGreaterThan(1.5 * mean(morf.aopcRandom!));
    expect(mean(morf.aopc)).toBeGreaterThan(mean(lerf.aopc));
    expect(morf.curves[0]).toHaveLength(21);
  });
});

describe('runBenchmark', () => {
  const samples = { inputs: shapes.images.subarray(0, 4 * 3072), shape: [32, 32, 3], labels: shapes.labels.subarray(0, 4), masks: shapes.masks.subarray(0, 4 * 1024) };
  const methods = ['gradient', lrpBox];
  const metrics: MetricSpec[] = [
    { name: 'pixel_flipping', options: { regionSize: 4, steps: 10, perturbation: { kind: 'constant', value: 0 }, score: 'aopc_minus_random' } },
    { name: 'pixel_flipping', label: 'pixel_flipping lerf', options: { regionSize: 4, steps: 10, order: 'lerf' } },
    'relevance_mass_accuracy',
    'pointing_game',
    'sparseness',
    { name: 'road', options: { percentages: [20, 50] } },
    { name: 'model_randomisation', options: { maxLayers: 2 } },
    'input_invariance',
  ];
  let first: Awaited<ReturnType<typeof runBenchmark>>;
  const events: BenchmarkProgress[] = [];

  beforeAll(async () => {
    first = await runBenchmark({ model, samples, methods, metrics, seed: 3, onProgress: (p) => events.push(p) });
  });

  it('a method × metric table with directions, means and standard errors', () => {
    expect(first.table).toHaveLength(2 * metrics.length);
    expect(first.methods.map((m) => m.label)).toEqual(['gradient', 'lrp-box']);
    const row = (method: string, metric: string) => first.table.find((r) => r.method === method && r.metric === metric)!;
    expect(row('gradient', 'pixel_flipping').direction).toBe('higher');
    expect(row('gradient', 'pixel_flipping lerf').direction).toBe('lower');
    expect(row('lrp-box', 'sparseness').direction).toBe('higher');
    expect(row('lrp-box', 'road').direction).toBe('lower');
    expect(row('lrp-box', 'relevance_mass_accuracy').n).toBe(4);
    expect(row('lrp-box', 'relevance_mass_accuracy').mean).toBeGreaterThan(0);
    expect(Number.isFinite(row('lrp-box', 'sparseness').stderr)).toBe(true);
    // the demo CNN's first convolution pads with 'same': input invariance is recorded as not applicable
    expect(row('gradient', 'input_invariance').error).toMatch(/padding 'valid'/);
  });

  it('per-sample scores and curves (mean and per sample)', () => {
    const pf = first.curves.find((c) => c.method === 'lrp-box' && c.metric === 'pixel_flipping')!;
    expect(pf.x).toHaveLength(11);
    expect(pf.values).toHaveLength(4);
    expect(pf.mean).toHaveLength(11);
    const mr = first.curves.find((c) => c.metric === 'model_randomisation')!;
    expect(mr.labels).toEqual(['logits', 'fc1']);
    const s = first.scores.find((c) => c.method === 'gradient' && c.metric === 'pointing_game')!;
    expect(s.values).toHaveLength(4);
    s.values.forEach((v) => expect([0, 1]).toContain(v));
    expect(first.details.find((d) => d.metric === 'pixel_flipping')!.values.aopcRandom).toHaveLength(4);
  });

  it('deterministic with a seed, and leaks no tensors; another seed changes the random parts', async () => {
    const before = tf.memory().numTensors;
    const again = await runBenchmark({ model, samples, methods, metrics, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(benchmarkToJson(again, { timing: false })).toBe(benchmarkToJson(first, { timing: false }));
    const other = await runBenchmark({ model, samples, methods: ['gradient'], metrics: metrics.slice(0, 1), seed: 4 });
    expect(other.scores[0]!.values).not.toEqual(first.scores[0]!.values);
  });

  it('progress: one explanation pass per method and one run per method × metric', () => {
    const tasks = 2 * (1 + metrics.length);
    expect(events.every((e) => e.tasks === tasks)).toBe(true);
    expect(events.map((e) => e.task)).toEqual([...events.map((e) => e.task)].sort((a, b) => a - b));
    expect(events[events.length - 1]!.task).toBe(tasks - 1);
    // The share done never goes back, and ends at 1.
    const fractions = events.map(benchmarkFraction);
    fractions.forEach((f, i) => expect(f, `event ${i}: ${JSON.stringify(events[i])}`).toBeGreaterThanOrEqual(fractions[Math.max(0, i - 1)]! - 1e-12));
    expect(fractions[fractions.length - 1]).toBe(1);
    expect(events.some((e) => e.phase === 'explain' && e.method === 'lrp-box')).toBe(true);
    expect(events.some((e) => e.phase === 'metric' && e.metric === 'road' && e.unit === 'perturbations')).toBe(true);
  });

  it('a cell without a single score says why (gradient × input of all-zero inputs: sparseness undefined)', async () => {
    const zeros = { inputs: new Float32Array(2 * 3072), shape: [32, 32, 3], labels: [0, 1] };
    const r = await runBenchmark({ model, samples: zeros, methods: ['gradient_x_input'], metrics: ['sparseness'] });
    expect(r.table[0]).toMatchObject({ n: 0 });
    expect(r.table[0]!.error).toMatch(/no sample has a score: of 2, each is undefined — the relevance is zero everywhere/);
  });

  it('exports JSON, CSV and Markdown, and writes them', async () => {
    const json = JSON.parse(benchmarkToJson(first));
    expect(json.table).toHaveLength(16);
    expect(json.timing.totalMs).toBeGreaterThan(0);
    const csv = benchmarkToCsv(first).trim().split('\n');
    expect(csv[0]).toBe('method,metric,direction,mean,stderr,n,error');
    expect(csv).toHaveLength(17);
    expect(benchmarkToCsv(first, 'scores').trim().split('\n')).toHaveLength(1 + 16 * 4);
    expect(benchmarkToCsv(first, 'curves')).toContain('lrp-box,pixel_flipping,mean,0,');
    const md = benchmarkToMarkdown(first);
    expect(md).toContain('| method | pixel_flipping ↑ | pixel_flipping lerf ↓ |');
    expect(md).toMatch(/\| lrp-box \| -?\d/);
    const dir = await mkdtemp(join(tmpdir(), 'xai-eval-'));
    try {
      const files = await writeBenchmark(first, dir);
      expect((await readdir(dir)).sort()).toEqual(['benchmark-curves.csv', 'benchmark-scores.csv', 'benchmark-table.csv', 'benchmark.json', 'benchmark.md']);
      expect(files).toHaveLength(5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bad configurations fail before any work, naming what is wrong', async () => {
    await expect(runBenchmark({ model, samples, methods: ['gradient'], metrics: ['no_such_metric'] })).rejects.toThrow(/unknown metric 'no_such_metric'/);
    await expect(runBenchmark({ model, samples, methods: ['nope'], metrics: ['sparseness'] })).rejects.toThrow(InvalidArgumentError);
    await expect(runBenchmark({ model, samples, methods: ['gradient'], metrics: [{ name: 'road', options: { order: 'sideways' } }] })).rejects.toThrow(/option 'order'/);
    const { masks: _, ...noMasks } = samples;
    await expect(runBenchmark({ model, samples: noMasks, methods: ['gradient'], metrics: ['pointing_game'] })).rejects.toThrow(/needs ground-truth masks/);
    const emptyFirst = { ...samples, masks: Uint8Array.from(samples.masks, (v, p) => (p < 1024 ? 0 : v)) };
    await expect(runBenchmark({ model, samples: emptyFirst, methods: ['gradient'], metrics: ['pointing_game'] })).rejects.toThrow(EmptyMaskError);
    await expect(runBenchmark({ model, samples, methods: ['gradient', 'gradient'], metrics: ['sparseness'] })).rejects.toThrow(/labelled/);
  });
});

describe('xai-benchmark command', () => {
  it('runs on generated shapes and writes the files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xai-eval-cli-'));
    const out: string[] = [];
    const err: string[] = [];
    process.env.XAI_WORKERS = '0';
    try {
      const code = await benchmarkCommand(
        ['--model', 'demo', '--data', 'demo:2:5', '--methods', '[{"method":"lrp","options":{"composite":"epsilon_plus"}}]', '--metrics', 'sparseness,pointing_game', '--out', dir],
        { out: (l) => out.push(l), err: (t) => err.push(t), tty: false },
      );
      expect(code).toBe(0);
      expect(out.join('\n')).toContain('| lrp |');
      expect(err.join('')).toMatch(/\[#+\] 100%/);
      expect(JSON.parse(await readFile(join(dir, 'benchmark.json'), 'utf8')).samples.count).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('hands a folder or .zip --data to the reader it is given, and without one says which command reads it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xai-eval-cli-'));
    const io = { out: () => {}, err: () => {}, tty: false };
    const args = (data: string) => ['--model', 'demo', '--data', data, '--methods', 'gradient', '--metrics', 'sparseness', '--out', join(dir, 'out')];
    try {
      await expect(benchmarkCommand(args(dir), io)).rejects.toThrow(/a folder or \.zip data set is read by `xai benchmark`/);
      await expect(benchmarkCommand(args('set.zip'), io)).rejects.toThrow(/a folder or \.zip data set is read by `xai benchmark`/);
      const asked: string[] = [];
      const code = await benchmarkCommand(args(dir), io, async (spec, model) => {
        asked.push(`${spec} ${model.inputShapes[0]!.slice(1)}`);
        const data = generateShapes(2, 3);
        return { inputs: data.images, shape: [32, 32, 3], labels: data.labels };
      });
      expect(code).toBe(0);
      expect(asked).toEqual([`${dir} 32,32,3`]);
      expect(JSON.parse(await readFile(join(dir, 'out', 'benchmark.json'), 'utf8')).samples.count).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('lists the metrics and explains its usage', async () => {
    const out: string[] = [];
    expect(await benchmarkCommand(['--list-metrics'], { out: (l) => out.push(l), err: () => {}, tty: false })).toBe(0);
    expect(out).toHaveLength(19);
    expect(await benchmarkCommand([], { out: () => {}, err: (t) => out.push(t), tty: false })).toBe(2);
  });
});

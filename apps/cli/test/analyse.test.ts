/** `xai analyse …` run as a real process on the shipped demo CNN, generated shapes and a folder of PNGs (small sets: a few seconds each). */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODEL, encodePng, generateShapes, SHAPE_CLASSES } from '@xai/core';

const CLI = fileURLToPath(new URL('../src/xai.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'xai-analyse-'));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
const xai = (...args: string[]) =>
  new Promise<Run>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
const png = (path: string) => decode(readFileSync(path));
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** 12 generated shapes as PNGs in sub-folders named by class: the modalities' data-set reader's layout. */
beforeAll(() => {
  const shapes = generateShapes(12, 31);
  for (let i = 0; i < 12; i++) {
    const px = shapes.images.subarray(i * 3072, (i + 1) * 3072);
    const rgba = new Uint8Array(32 * 32 * 4);
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(px[p * 3 + c]! * 255);
      rgba[p * 4 + 3] = 255;
    }
    const folder = join(dir, 'folder', SHAPE_CLASSES[shapes.labels[i]!]!);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `s${i}.png`), encodePng({ rgba, width: 32, height: 32 }));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('xai analyse', () => {
  it('spray on generated shapes: per class eigenvalues, clusters, embeddings and three figures; progress on stderr', async () => {
    const out = join(dir, 'spray');
    const run = await xai('analyse', 'spray', '--demo', 'shapes', '--count', '40', '--class', '0', '--class', '2', '--composite', 'epsilon_plus', '--out', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/explain: 40\/40 samples \(100%\)/);
    const result = json(join(out, 'analysis.json'));
    expect(result).toMatchObject({ format: 'xai-analysis', kind: 'spray', dataset: { name: 'shapes', count: 40, shape: [32, 32, 3] }, method: { name: 'lrp', options: { composite: 'epsilon_plus' } } });
    expect(result.classes.map((c: { class: number }) => c.class)).toEqual([0, 2]);
    const labels = generateShapes(40, 1).labels;
    for (const c of result.classes) {
      // every sample of the class, and only those, in the clusters
      expect(c.samples).toEqual([...labels.keys()].filter((i) => labels[i] === c.class));
      expect(c.assignments).toHaveLength(c.samples.length);
      expect(c.clusters.reduce((a: number, k: { size: number }) => a + k.size, 0)).toBe(c.samples.length);
      expect(c.eigenvalues[0]).toBeCloseTo(0, 6); // a normalised Laplacian's smallest eigenvalue
      expect(c.tsne).toHaveLength(c.samples.length);
      expect(c.umap).toHaveLength(c.samples.length);
      for (const name of Object.values(c.figures) as string[]) expect(png(join(out, name)).width).toBeGreaterThan(300);
    }
    expect(run.stdout).toMatch(/class 0 'square': \d+ heatmaps, eigengap picks \d+ cluster/);
    // the relevance store is kept: a rerun resumes from it instead of explaining again
    const again = await xai('analyse', 'spray', '--demo', 'shapes', '--count', '40', '--class', '0', '--composite', 'epsilon_plus', '--out', out);
    expect(again.status, again.stderr).toBe(0);
    expect(json(join(out, 'analysis.json')).classes[0].eigenvalues).toEqual(result.classes[0].eigenvalues);
  });

  it('prune: three criteria, the accuracy curve figure, the relevance-pruned model where magnitude loses 5 points', async () => {
    const out = join(dir, 'prune');
    const run = await xai('analyse', 'prune', '--demo', 'shapes', '--count', '80', '--reference', '24', '--step', '14', '--max-share', '0.75', '--out', out);
    expect(run.status, run.stderr).toBe(0);
    const result = json(join(out, 'analysis.json'));
    expect(result.curves.map((c: { criterion: string }) => c.criterion)).toEqual(['relevance', 'taylor', 'magnitude']);
    for (const c of result.curves) {
      expect(c.totalFilters).toBe(56); // conv1 8 + conv2 16 + conv3 32
      expect(c.steps.map((s: { pruned: number }) => s.pruned)).toEqual([0, 14, 28, 42]);
      expect(c.steps[0].accuracy).toBe(result.unprunedAccuracy);
    }
    expect([result.reference, result.test]).toEqual([24, 56]);
    const figure = png(join(out, 'pruning-curves.png'));
    expect([figure.width, figure.height]).toEqual([720, 420]);
    if (result.atMagnitudeLoss) expect(json(join(out, result.savedModel)).modelTopology).toBeDefined();
    expect(run.stdout).toMatch(/^relevance: 0%:/m);
  });

  it('neon on a folder of PNGs in class sub-folders (the modalities data-set reader): clusters of fc1, ids are the files', async () => {
    const out = join(dir, 'neon');
    const run = await xai('analyse', 'neon', '--model', DEMO_MODEL, '--data', join(dir, 'folder'), '--clusters', '3', '--layer', 'fc1', '--out', out);
    expect(run.status, run.stderr).toBe(0);
    const result = json(join(out, 'analysis.json'));
    expect(result).toMatchObject({ kind: 'neon', layer: 'fc1', k: 3, dataset: { count: 12 } });
    expect(result.dataset.ids).toHaveLength(12);
    expect(result.dataset.ids.every((id: string) => /^(square|cross|ring|triangle)\/s\d+\.png$/.test(id))).toBe(true);
    expect(result.assignments).toHaveLength(12);
    // NEON relevance at fc1 sums to f_c; LRP below carries it to the input up to biases: within 50 %
    expect(result.meanConservation).toBeGreaterThan(0.5);
    expect(result.meanConservation).toBeLessThan(1.5);
    expect(png(join(out, 'neon-clusters.png')).height).toBeGreaterThan(100);
  });

  it('clarc from user-marked samples: accuracy before and after, heatmaps before and after', async () => {
    const out = join(dir, 'clarc');
    const run = await xai('analyse', 'clarc', '--demo', 'shapes', '--count', '40', '--mark', '0,1,2,3', '--out', out);
    expect(run.status, run.stderr).toBe(0);
    const result = json(join(out, 'analysis.json'));
    expect(result).toMatchObject({ kind: 'clarc', layer: 'fc1', artefactFrom: '4 marked samples', artefactSamples: [0, 1, 2, 3] });
    expect(result.accuracy.data.before.overall).toBeGreaterThan(0.9);
    expect(result.accuracy.data.after.perClass).toHaveLength(4);
    expect(png(join(out, 'clarc-heatmaps.png')).width).toBeGreaterThan(200);
    expect(run.stdout).toMatch(/accuracy on data: [\d.]+% before, [\d.]+% after P-ClArC at fc1/);
  });

  it('bad arguments: one line on stderr, exit code 2, nothing written', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['analyse', 'cluster', '--demo', 'shapes', '--out', join(dir, 'x')], /^xai: unknown analysis 'cluster'; use one of spray, neon, prune, clarc\n$/],
      [['analyse', 'spray', '--out', join(dir, 'x')], /^xai: no data: give --data <folder\|zip> or --demo clever-hans\|clever-hans-rings\|shapes\n$/],
      [['analyse', 'spray', '--demo', 'shapes'], /^xai: --out <dir> is required\n$/],
      [['analyse', 'prune', '--demo', 'shapes', '--max-share', '2', '--out', join(dir, 'x')], /^xai: .*--max-share must be a number in \(0, 1\], got '2'\n$/],
      [['analyse', 'clarc', '--demo', 'shapes', '--count', '20', '--out', join(dir, 'x')], /^xai: ClArC needs the artefact's samples/],
    ];
    const runs = await Promise.all(cases.map(([args]) => xai(...args)));
    runs.forEach((run, i) => {
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr.replace(/^clarc: \d+ samples of .*\n/m, '')).toMatch(cases[i]![1]);
    });
    expect(existsSync(join(dir, 'x'))).toBe(false);
  }, 180_000);
});

/**
 * The CLEVR-XAI benchmark in miniature (scripts/vqa-benchmark.ts) on a few correctly answered
 * held-out questions: the LRP composite puts more of its relevance mass on the GT-single objects
 * than the plain gradient does (Arras, Osman & Samek 2022's finding).
 */
import { initBackend, loadModel, type XaiModel } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VQA_DEMO_MODEL } from '../src/index.js';
import { runVqaBenchmark, VQA_BENCHMARK_METHODS } from '../scripts/vqa-benchmark.js';

let model: XaiModel;
const COUNT = 24;

beforeAll(async () => {
  await initBackend();
  registerLstmPlugin();
  model = await loadModel(VQA_DEMO_MODEL, { workers: false });
});
afterAll(() => model.dispose());

describe('VQA benchmark in miniature', () => {
  it('LRP epsilon_plus beats the gradient on relevance mass accuracy (GT-single and GT-all)', async () => {
    const methods = VQA_BENCHMARK_METHODS.filter((m) => m.label === 'LRP epsilon_plus' || m.label === 'gradient');
    const result = await runVqaBenchmark(model, { count: COUNT, methods });
    expect(result.count).toBe(COUNT);
    const [lrp, gradient] = ['LRP epsilon_plus', 'gradient'].map((m) => result.rows.find((r) => r.method === m)!);
    for (const row of [lrp!, gradient!]) {
      for (const cell of [row.single.mass, row.single.rank, row.all.mass, row.all.rank]) {
        expect(cell.n).toBe(COUNT);
        expect(cell.mean).toBeGreaterThanOrEqual(0);
        expect(cell.mean).toBeLessThanOrEqual(1);
      }
      // GT-all holds GT-single: every share can only grow.
      expect(row.all.mass.mean).toBeGreaterThanOrEqual(row.single.mass.mean);
    }
    expect(lrp!.single.mass.mean).toBeGreaterThan(gradient!.single.mass.mean);
    expect(lrp!.all.mass.mean).toBeGreaterThan(gradient!.all.mass.mean);
  });
});

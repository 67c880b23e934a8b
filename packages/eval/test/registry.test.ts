import * as tf from '@tensorflow/tfjs';
import { initBackend, InvalidArgumentError, XaiModel } from '@xai/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { listMetrics, METRIC_CATEGORIES, metricByName, metricCatalog, metricDirection, resolveMetricOptions, runBenchmark } from '../src/index.js';
import { seedWeights, uniform } from './helpers.js';

const NAMES = [
  'pixel_flipping', 'selectivity', 'road', 'faithfulness_correlation', 'word_deletion',
  'relevance_mass_accuracy', 'relevance_rank_accuracy', 'pointing_game', 'top_k_intersection', 'attribution_localisation',
  'conservation', 'input_invariance', 'continuity', 'local_lipschitz', 'positivity',
  'sparseness', 'complexity', 'model_randomisation', 'random_logit',
];

describe('metric registry', () => {
  it('lists every metric with category, direction, paper and a JSON option schema', () => {
    expect(listMetrics().map((m) => m.name)).toEqual(NAMES);
    const catalog = JSON.parse(JSON.stringify(metricCatalog()));
    for (const entry of catalog) {
      expect(Object.keys(METRIC_CATEGORIES)).toContain(entry.category);
      expect(['higher', 'lower']).toContain(entry.direction);
      expect(entry.reference).toMatch(/\d{4}/);
      expect(entry.options.type).toBe('object');
      for (const schema of Object.values(entry.options.properties as Record<string, { description?: string }>)) expect(schema.description).toBeTruthy();
    }
  });
  it('fills defaults and names a bad option', () => {
    const pf = metricByName('pixel_flipping');
    expect(resolveMetricOptions(pf, { steps: 5 })).toMatchObject({ steps: 5, regionSize: 9, order: 'morf', perturbation: { kind: 'uniform' } });
    expect(() => resolveMetricOptions(pf, { stepz: 5 })).toThrow(/unknown option 'stepz'/);
    expect(() => resolveMetricOptions(pf, { steps: 0 })).toThrow(InvalidArgumentError);
    expect(() => metricByName('aopc')).toThrow(/unknown metric 'aopc'/);
  });
  it('the order flips the direction where it should', () => {
    expect(metricDirection(metricByName('pixel_flipping'), { order: 'lerf' })).toBe('lower');
    expect(metricDirection(metricByName('pixel_flipping'))).toBe('higher');
    expect(metricDirection(metricByName('road'), { order: 'lerf' })).toBe('higher');
    expect(metricDirection(metricByName('road'))).toBe('lower');
  });
});

describe('every registered metric runs through the benchmark', () => {
  let model: XaiModel;
  beforeAll(async () => {
    await initBackend();
    const m = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, padding: 'valid', activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    seedWeights(m, 12);
    model = XaiModel.fromLayersModel(m);
  });

  it('on a small CNN with masks, with fast options; no metric fails', async () => {
    const count = 3;
    const masks = Uint8Array.from({ length: count * 64 }, (_, p) => ((p % 64) % 8 < 4 ? 1 : 0));
    const fast: Record<string, Record<string, unknown>> = {
      pixel_flipping: { regionSize: 2, steps: 8 },
      selectivity: { regionSize: 2, steps: 8 },
      road: { percentages: [25, 50] },
      faithfulness_correlation: { subsetSize: 8, runs: 10 },
      word_deletion: { steps: 3, only: 'all' },
      top_k_intersection: { k: 8 },
      continuity: { samples: 3 },
      local_lipschitz: { samples: 3 },
    };
    const result = await runBenchmark({
      model,
      samples: { inputs: uniform(count * 128, 13, 0, 1), shape: [8, 8, 2], labels: [0, 1, 2], masks },
      methods: ['gradient_x_input'],
      metrics: NAMES.map((name) => ({ name, options: fast[name] ?? {} })),
      continueOnError: false,
    });
    expect(result.table).toHaveLength(NAMES.length);
    for (const row of result.table) {
      expect(row.error).toBeUndefined();
      expect(row.n, row.metric).toBeGreaterThan(0);
      expect(Number.isFinite(row.mean), row.metric).toBe(true);
    }
    const row = (name: string) => result.table.find((r) => r.metric === name)!;
    expect(row('input_invariance').mean).toBeGreaterThan(0.05); // gradient × input is not invariant
    expect(row('positivity').mean).toBeGreaterThan(0);
  });
});

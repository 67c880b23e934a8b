/**
 * The CLEVR-XAI benchmark in miniature: on correctly answered held-out questions of the VQA demo
 * model, relevance mass accuracy and relevance rank accuracy of the image heatmaps against the
 * GT-single and GT-all masks, for LRP composites and gradient, perturbation and sampling methods,
 * through @xai/eval's runBenchmark (the question held fixed per sample). Image relevance is pooled
 * over the colour channels as max(0, Σ_c R_c) ('sum,pos', one of CLEVR-XAI's poolings).
 *
 *   nice npx tsx packages/modalities/scripts/vqa-benchmark.ts [count=150]
 *
 * writes demo/vqa/benchmark.json and prints the Markdown table of the README.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend, loadModel, type XaiModel } from '@xai/core';
import { runBenchmark, type MethodConfig, type TableRow } from '@xai/eval';
import { registerLstmPlugin } from '@xai/lstm';
import { exampleArrays, exampleMasks, generateDataset, type VqaDataset, type VqaExample } from '../src/vqa/dataset.js';
import { VQA_DEMO_DIR, VQA_DEMO_MODEL } from '../src/vqa/demo.js';
import { VQA_SPLITS } from '../src/vqa/splits.js';
import { QUESTION_LENGTH } from '../src/vqa/vocabulary.js';

export const VQA_BENCHMARK_METHODS: readonly MethodConfig[] = [
  { method: 'lrp', label: 'LRP epsilon_plus', options: { composite: 'epsilon_plus' } },
  { method: 'lrp', label: 'LRP epsilon_gamma_box', options: { composite: 'epsilon_gamma_box', low: 0, high: 1 } },
  { method: 'lrp', label: 'LRP alpha1beta0', options: { rule: 'alpha_beta', alpha: 1, beta: 0 } },
  { method: 'gradient', label: 'gradient' },
  { method: 'gradient_x_input', label: 'gradient × input' },
  { method: 'integrated_gradients', label: 'integrated gradients', options: { steps: 16 } },
  { method: 'smoothgrad', label: 'SmoothGrad', options: { samples: 16, noiseLevel: 0.1, seed: 1 } },
  // Fill with the background grey: an occluded object becomes background.
  { method: 'occlusion', label: 'occlusion', options: { window: 6, stride: 3, fill: 0.5 } },
  { method: 'lime', label: 'LIME', options: { segmentation: 'slic', nSegments: 40, samples: 200, seed: 1 } },
];

export const VQA_BENCHMARK_METRICS = [
  { name: 'relevance_mass_accuracy', label: 'mass', options: { pooling: 'sum,pos' } },
  { name: 'relevance_rank_accuracy', label: 'rank', options: { pooling: 'sum,pos' } },
] as const;

/**
 * The first `count` held-out questions (in generation order) that the model answers correctly and
 * whose GT-single is not empty (an exist/count question with answer 'no'/0 has no object to point at).
 */
export function benchmarkExamples(model: XaiModel, data: VqaDataset, count: number): VqaExample[] {
  const candidates = data.examples.filter((e) => e.groundTruth.single.length > 0);
  const chosen: VqaExample[] = [];
  for (let from = 0; from < candidates.length && chosen.length < count; from += 128) {
    const part = candidates.slice(from, from + 128);
    const a = exampleArrays(data, part);
    const predicted = tf.tidy(() => {
      const out = model.layersModel.predict([tf.tensor4d(a.images, [a.count, ...a.imageShape] as [number, number, number, number]), tf.tensor2d(a.ids, [a.count, QUESTION_LENGTH], 'int32')]) as tf.Tensor;
      return out.argMax(-1).dataSync();
    });
    part.forEach((e, i) => chosen.length < count && predicted[i] === e.label && chosen.push(e));
  }
  return chosen;
}

export interface VqaBenchmarkRow {
  readonly method: string;
  readonly single: { readonly mass: TableRow; readonly rank: TableRow };
  readonly all: { readonly mass: TableRow; readonly rank: TableRow };
}

/** Runs the benchmark on `count` examples: one runBenchmark per mask (GT-single, GT-all). */
export async function runVqaBenchmark(model: XaiModel, options: { count: number; methods?: readonly MethodConfig[]; onProgress?: (line: string) => void }) {
  const data = generateDataset(VQA_SPLITS.heldout.seed, VQA_SPLITS.heldout);
  const examples = benchmarkExamples(model, data, options.count);
  const arrays = exampleArrays(data, examples);
  const masks = { single: new Uint8Array(examples.length * 48 * 48), all: new Uint8Array(examples.length * 48 * 48) };
  examples.forEach((e, i) => {
    const m = exampleMasks(data, e);
    masks.single.set(m.single, i * m.single.length);
    masks.all.set(m.all, i * m.all.length);
  });
  const methods = options.methods ?? VQA_BENCHMARK_METHODS;
  const results = {} as Record<'single' | 'all', Awaited<ReturnType<typeof runBenchmark>>>;
  for (const truth of ['single', 'all'] as const) {
    results[truth] = await runBenchmark({
      model,
      samples: {
        inputs: arrays.images, shape: arrays.imageShape, labels: arrays.labels, masks: masks[truth],
        heldInputs: { explained: 0, others: [{ input: 1, values: arrays.ids, shape: [QUESTION_LENGTH], dtype: 'int32' }] },
      },
      methods, metrics: VQA_BENCHMARK_METRICS, explainBatchSize: 8, continueOnError: false,
      onProgress: (p) => p.phase === 'explain' && p.done === p.total && options.onProgress?.(`GT-${truth}: ${p.method} explained ${p.total} samples`),
    });
  }
  const cell = (truth: 'single' | 'all', method: string, metric: string) => results[truth].table.find((r) => r.method === method && r.metric === metric)!;
  const rows: VqaBenchmarkRow[] = results.single.methods.map(({ label }) => ({
    method: label,
    single: { mass: cell('single', label, 'mass'), rank: cell('single', label, 'rank') },
    all: { mass: cell('all', label, 'mass'), rank: cell('all', label, 'rank') },
  }));
  const families = Object.fromEntries([...new Set(examples.map((e) => e.question.family))].map((f) => [f, examples.filter((e) => e.question.family === f).length]));
  return { count: examples.length, families, rows, timing: { single: results.single.timing, all: results.all.timing }, scores: { single: results.single.scores, all: results.all.scores } };
}

const fmt = (r: TableRow) => `${r.mean.toFixed(3)} ± ${r.stderr.toFixed(3)}`;

export function benchmarkMarkdown(rows: readonly VqaBenchmarkRow[]): string {
  return [
    '| method | mass GT-single | rank GT-single | mass GT-all | rank GT-all |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.method} | ${fmt(r.single.mass)} | ${fmt(r.single.rank)} | ${fmt(r.all.mass)} | ${fmt(r.all.rank)} |`),
  ].join('\n');
}

async function main() {
  const count = Number(process.argv[2] ?? 150);
  await initBackend();
  registerLstmPlugin();
  const model = await loadModel(VQA_DEMO_MODEL, { workers: false });
  const t0 = performance.now();
  const result = await runVqaBenchmark(model, { count, onProgress: (line) => console.log(`${line} (${((performance.now() - t0) / 1000).toFixed(0)} s)`) });
  writeFileSync(fileURLToPath(new URL('benchmark.json', `file://${VQA_DEMO_DIR}`)), JSON.stringify({
    count: result.count, families: result.families, pooling: 'sum,pos', methods: VQA_BENCHMARK_METHODS,
    table: result.rows.map((r) => ({ method: r.method, single: { mass: r.single.mass, rank: r.single.rank }, all: { mass: r.all.mass, rank: r.all.rank } })),
    seconds: Math.round((performance.now() - t0) / 1000), date: new Date().toISOString(),
  }, null, 2) + '\n');
  console.log(`${result.count} correctly answered held-out questions ${JSON.stringify(result.families)}\n`);
  console.log(benchmarkMarkdown(result.rows));
  model.dispose();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

/**
 * Relevance-based pruning of the core demo CNN (shapes; conv1 8, conv2 16, conv3 32 filters), against
 * Taylor and weight magnitude (the README's numbers and docs/images/pruning-curves.png):
 * filters zeroed iteratively without fine-tuning, criteria re-scored after every step on a reference
 * set of shapes (seed 11 unless --reference-seed), accuracy on the demo's held-out test set (400
 * shapes, seed 2).
 *
 *   npx tsx packages/analysis/scripts/pruning-curves.ts [--reference 64] [--reference-seed 11] [--step 1] [--out /tmp/xai-pruning] [--figure <png>]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { DEMO_MODEL, generateShapes, initBackend, loadModel, modelSaveHandler, writeFileAtomic } from '@xai/core';
import { plotPruningCurves, prunedCopy, pruneIteratively, PRUNING_CRITERIA, type PruningResult, type ReferenceSet } from '../src/index.js';

const { values } = parseArgs({
  options: {
    reference: { type: 'string', default: '64' },
    step: { type: 'string', default: '1' },
    'reference-seed': { type: 'string', default: '11' },
    out: { type: 'string', default: '/tmp/xai-pruning' },
    figure: { type: 'string', default: new URL('../../../docs/images/pruning-curves.png', import.meta.url).pathname },
  },
});
const backend = await initBackend();
const model = await loadModel(DEMO_MODEL, { workers: false });
const set = (count: number, seed: number): ReferenceSet => {
  const d = generateShapes(count, seed);
  return { inputs: tf.tensor4d(d.images, [count, 32, 32, 3]), labels: Array.from(d.labels) };
};
const reference = set(Number(values.reference), Number(values['reference-seed']));
const test = set(400, 2); // the demo model's held-out test set (packages/core/demo/model/training.json)

const results: PruningResult[] = [];
for (const criterion of PRUNING_CRITERIA) {
  const t0 = performance.now();
  const r = await pruneIteratively(model.layersModel, {
    criterion, reference, test, filtersPerStep: Number(values.step),
    onProgress: (s) => process.stderr.isTTY && process.stderr.write(`  ${criterion}: ${s.pruned} filters pruned, accuracy ${(100 * s.accuracy).toFixed(1)}%   \r`),
  });
  console.log(`${criterion}: ${r.steps.length - 1} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${backend}`);
  results.push(r);
}

const curve = (r: PruningResult) => r.steps.map((s) => `${(100 * s.share).toFixed(0)}%:${(100 * s.accuracy).toFixed(1)}`).join(' ');
for (const r of results) console.log(`${r.criterion.padEnd(9)} ${curve(r)}`);
const base = results[0]!.steps[0]!.accuracy;
const magnitude = results.find((r) => r.criterion === 'magnitude')!;
const at = magnitude.steps.find((s) => s.accuracy <= base - 0.05);
if (at) {
  const line = results.map((r) => {
    const s = r.steps.find((x) => x.pruned === at.pruned)!;
    return `${r.criterion} ${(100 * s.accuracy).toFixed(1)}% (−${(100 * (base - s.accuracy)).toFixed(1)} points)`;
  });
  console.log(`unpruned ${(100 * base).toFixed(1)}%; magnitude first loses ≥ 5 points at ${at.pruned}/${magnitude.totalFilters} filters (${(100 * at.share).toFixed(1)}%): ${line.join(', ')}`);
  // The relevance-pruned model at that rate.
  const relevance = results.find((r) => r.criterion === 'relevance')!;
  const pruned = await prunedCopy(model.layersModel, relevance.order.slice(0, at.pruned));
  await pruned.save(modelSaveHandler(join(values.out!, `relevance-${at.pruned}-filters`)));
  pruned.dispose();
  console.log(`saved ${join(values.out!, `relevance-${at.pruned}-filters`)}/model.json`);
} else console.log(`magnitude never loses 5 points (unpruned ${(100 * base).toFixed(1)}%)`);

await mkdir(values.out!, { recursive: true });
await writeFile(join(values.out!, 'curves.json'), JSON.stringify(results.map((r) => ({ criterion: r.criterion, totalFilters: r.totalFilters, steps: r.steps, order: r.order })), null, 1));
const png = plotPruningCurves(results, { title: 'Pruning the demo CNN', reference: { value: base - 0.05, label: 'unpruned - 5 points' } });
await writeFileAtomic(values.figure!, png);
console.log(`wrote ${values.figure}`);
results.forEach((r) => r.model.dispose());
tf.dispose([reference.inputs, test.inputs]);
model.dispose();

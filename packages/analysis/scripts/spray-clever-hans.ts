/**
 * Measures SpRAy on the Clever Hans demo model (the README's numbers):
 *   1. explains a data set of demo shapes with explainDataset (time per sample, store size),
 *   2. SpRAy on the watermarked class's LRP heatmaps: eigengap cluster count, and how well the
 *      best cluster isolates the watermarked images (precision, recall).
 *
 *   npx tsx packages/analysis/scripts/spray-clever-hans.ts [--count 2000] [--rings 300]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, loadModel, lrp } from '@xai/core';
import { artefactCluster, CLEVER_HANS_MODEL, explainDataset, generateCleverHans, readRelevanceStore, spray, WATERMARK } from '../src/index.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '2000' }, rings: { type: 'string', default: '300' }, seed: { type: 'string', default: '202' } } });
const count = Number(values.count);
const rings = Number(values.rings);
const seed = Number(values.seed);
const PX = 32 * 32 * 3;
/** The SpRAy settings of the README (and of test/clever-hans.test.ts). */
const SPRAY = { preprocess: { shape: [32, 32, 3], size: 16 }, neighbours: 5, seed: 1 } as const;

const backend = await initBackend();
const model = await loadModel(CLEVER_HANS_MODEL, { workers: false });

// 1. a data set as trained (95 % of the rings watermarked), explained in batches into a store
const out = mkdtempSync(join(tmpdir(), 'clever-hans-store-'));
const data = generateCleverHans(count, seed);
const samples = Array.from({ length: count }, (_, i) => ({ input: data.images.subarray(i * PX, (i + 1) * PX), label: data.labels[i]! }));
const t0 = performance.now();
await explainDataset(model, samples, {
  out, shape: [32, 32, 3], batchSize: 64, count,
  onProgress: (p) => void (process.stdout.isTTY && process.stdout.write(`  ${p.done}/${count}\r`)),
});
const seconds = (performance.now() - t0) / 1000;
const bytes = readdirSync(out).reduce((a, f) => a + statSync(join(out, f)).size, 0);
console.log(`explainDataset: ${count} samples in ${seconds.toFixed(1)} s on ${backend} (${((1000 * seconds) / count).toFixed(1)} ms/sample), store ${(bytes / 1e6).toFixed(2)} MB`);

// 2. SpRAy on the watermarked class's heatmaps from that store
const store = await readRelevanceStore(out);
const idx = store.indicesOf(WATERMARK.class);
const t1 = performance.now();
const result = spray(idx.map((i) => store.relevance(i)), {
  ...SPRAY,
  labels: idx.map((i) => data.watermarked[i]!),
});
const score = artefactCluster(result.assignments, idx.map((i) => data.watermarked[i]!));
console.log(
  `SpRAy on class ${WATERMARK.class} (${idx.length} heatmaps, ${idx.filter((i) => data.watermarked[i]).length} watermarked) in ${((performance.now() - t1) / 1000).toFixed(1)} s: ` +
    `eigengap picks ${result.eigengapClusters}; eigenvalues ${result.eigenvalues.slice(0, 6).map((v) => v.toFixed(4)).join(' ')}; ` +
    `sizes ${result.clusters.map((c) => c.size).join('/')}; watermark cluster precision ${score.precision.toFixed(3)} recall ${score.recall.toFixed(3)}`,
);

// 3. balanced sets of rings only (half watermarked), the test's setting, for several data seeds
for (let k = 0; k < 5; k++) {
  const ringsData = generateCleverHans(rings, seed + 1 + k, { onlyClass: WATERMARK.class, share: 0.5 });
  const x = tf.tensor4d(ringsData.images, [rings, 32, 32, 3]);
  const e = lrp(model, x, { target: WATERMARK.class });
  const rel = e.relevance.dataSync();
  e.dispose();
  x.dispose();
  const r2 = spray(Array.from({ length: rings }, (_, i) => rel.subarray(i * PX, (i + 1) * PX)), SPRAY);
  const s2 = artefactCluster(r2.assignments, ringsData.watermarked);
  console.log(`SpRAy on ${rings} rings (half watermarked, data seed ${seed + 1 + k}): eigengap picks ${r2.eigengapClusters}; sizes ${r2.clusters.map((c) => c.size).join('/')}; precision ${s2.precision.toFixed(3)} recall ${s2.recall.toFixed(3)}`);
}
rmSync(out, { recursive: true, force: true });

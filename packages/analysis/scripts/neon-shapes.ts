/**
 * NEON on the core demo CNN's features (the README's numbers and docs/images/neon-shapes.png):
 * k-means (k = 4, seeded) on the 32 ReLU features of layer fc1 for 400 held-out shapes, each
 * assignment explained by NEON at fc1 and LRP (epsilon_plus) from fc1 down to the pixels.
 * Prints the clusters' label purity, how well Σ input relevance keeps f_c, and the share of the
 * positive relevance that falls on the shape (its mask).
 *
 *   npx tsx packages/analysis/scripts/neon-shapes.ts [--layer fc1] [--k 4] [--seed 0] [--figure <png>]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  Canvas, DEMO_MODEL, generateShapes, initBackend, loadModel, overlayHeatmap, reduceChannels, renderHeatmap, SHAPE_CLASSES, upscaleNearest, writeFileAtomic,
} from '@xai/core';
import { clusterFeatures, explainFeatureClusters } from '../src/index.js';

const { values } = parseArgs({
  options: {
    layer: { type: 'string', default: 'fc1' },
    k: { type: 'string', default: '4' },
    seed: { type: 'string', default: '0' },
    figure: { type: 'string', default: new URL('../../../docs/images/neon-shapes.png', import.meta.url).pathname },
  },
});
const k = Number(values.k);
const backend = await initBackend();
const model = await loadModel(DEMO_MODEL, { workers: false });
const N = 400;
const data = generateShapes(N, 2);
const inputs = tf.tensor4d(data.images, [N, 32, 32, 3]);

const t0 = performance.now();
const clustering = clusterFeatures(model, inputs, { layer: values.layer!, k, seed: Number(values.seed) });
const t1 = performance.now();
const explanation = explainFeatureClusters(model, inputs, clustering);
const t2 = performance.now();
console.log(`k-means on ${values.layer} (${clustering.shape}) of ${N} shapes: ${((t1 - t0) / 1000).toFixed(2)} s; NEON + LRP for all: ${((t2 - t1) / 1000).toFixed(2)} s on ${backend}; β = ${clustering.beta.toPrecision(3)}`);

// Purity: each cluster's most frequent label.
const assignments = clustering.kmeans.assignments;
let agree = 0;
for (let c = 0; c < k; c++) {
  const labels = Array.from(data.labels).filter((_, i) => assignments[i] === c);
  const counts = SHAPE_CLASSES.map((_, l) => labels.filter((x) => x === l).length);
  const top = counts.indexOf(Math.max(...counts));
  agree += counts[top]!;
  console.log(`cluster ${c}: ${labels.length} shapes, ${((100 * counts[top]!) / Math.max(1, labels.length)).toFixed(1)}% ${SHAPE_CLASSES[top]}`);
}
console.log(`purity ${((100 * agree) / N).toFixed(1)}%`);

// Conservation from fc1 to the pixels, and the share of positive relevance on the shape.
const relevance = explanation.relevance.dataSync() as Float32Array;
const ratios: number[] = [];
const onShape: number[] = [];
for (let i = 0; i < N; i++) {
  const map = reduceChannels(relevance.subarray(i * 3072, (i + 1) * 3072), [32, 32, 3]);
  ratios.push(map.reduce((a, v) => a + v, 0) / explanation.logits[i]!);
  let pos = 0;
  let inMask = 0;
  map.forEach((v, p) => {
    if (v > 0) {
      pos += v;
      if (data.masks[i * 1024 + p]) inMask += v;
    }
  });
  onShape.push(inMask / pos);
}
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const maskShare = data.masks.reduce((a, v) => a + v, 0) / data.masks.length;
console.log(`Σ input relevance / f_c: mean ${mean(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)})`);
console.log(`positive relevance on the shape: mean ${(100 * mean(onShape)).toFixed(1)}% (the shapes cover ${(100 * maskShare).toFixed(1)}% of the pixels)`);

// Figure: a row per cluster, its four most typical members (largest f_c): image, NEON heatmap.
const S = 3;
const cell = 32 * S;
const perRow = 4;
const canvas = new Canvas(90 + perRow * (2 * cell + 16), 30 + k * (cell + 22));
canvas.text(8, 8, `NEON: WHY A SHAPE IS IN ITS CLUSTER (K-MEANS ON ${values.layer!.toUpperCase()})`);
for (let c = 0; c < k; c++) {
  const members = Array.from({ length: N }, (_, i) => i).filter((i) => assignments[i] === c).sort((a, b) => explanation.logits[b]! - explanation.logits[a]!).slice(0, perRow);
  const y = 30 + c * (cell + 22);
  canvas.text(8, y + cell / 2 - 4, `CLUSTER ${c}`);
  members.forEach((i, j) => {
    const x = 90 + j * (2 * cell + 16);
    const image = data.images.subarray(i * 3072, (i + 1) * 3072);
    const map = reduceChannels(relevance.subarray(i * 3072, (i + 1) * 3072), [32, 32, 3]);
    canvas.draw(upscaleNearest(overlayHeatmap(image, renderHeatmap(map, 32, 32), 0), S), x, y);
    canvas.draw(renderHeatmap(map, 32, 32, { upscale: S }), x + cell + 2, y);
    canvas.text(x, y + cell + 4, SHAPE_CLASSES[data.labels[i]!]!.toUpperCase());
  });
}
await writeFileAtomic(values.figure!, canvas.png());
console.log(`wrote ${values.figure}`);
explanation.dispose();
inputs.dispose();
model.dispose();

/**
 * Measures P-ClArC on the Clever Hans demo model (the README's numbers): the artefact direction at a
 * layer from the SpRAy cluster of the ring heatmaps, projected out at inference; accuracy on
 * watermark-swapped test images and the share of relevance on the watermark, before and after
 * P-ClArC (projection) and A-ClArC (fine-tuning the layers after it).
 *
 *   npx tsx packages/analysis/scripts/clarc-clever-hans.ts [--layer flatten]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, loadModel, lrp, SHAPE_CLASSES, type XaiModel } from '@xai/core';
import {
  artefactCluster, augmentativeClarc, CLEVER_HANS_MODEL, conceptDirection, generateCleverHans, projectiveClarc, spray, watermarkMask, WATERMARK, type CleverHansDataset,
} from '../src/index.js';

const { values } = parseArgs({ options: { layer: { type: 'string', default: 'flatten' } } });
const PX = 32 * 32 * 3;
const N = 300;
await initBackend();
const model = await loadModel(CLEVER_HANS_MODEL, { workers: false });

// 1. the artefact samples: the SpRAy cluster of the ring heatmaps that holds the watermarked ones (as the README's SpRAy run)
const rings = generateCleverHans(N, 203, { onlyClass: WATERMARK.class, share: 0.5 });
const x = tf.tensor4d(rings.images, [N, 32, 32, 3]);
const e = lrp(model, x, { target: WATERMARK.class });
const rel = e.relevance.dataSync();
e.dispose();
const clusters = spray(Array.from({ length: N }, (_, i) => rel.subarray(i * PX, (i + 1) * PX)), { preprocess: { shape: [32, 32, 3], size: 16 }, neighbours: 5, seed: 1 });
// the cluster whose mean heatmap puts the most relevance on the watermark's corner: found without the ground truth
const cornerShare = clusters.clusters.map((c) => c.meanHeatmap.reduce((a, v, p) => a + (p % 16 >= 13 && p >= 13 * 16 ? Math.max(0, v) : 0), 0) / c.meanHeatmap.reduce((a, v) => a + Math.max(0, v), 0));
const artefact = cornerShare.indexOf(Math.max(...cornerShare));
const flags = Array.from(clusters.assignments, (a) => (a === artefact ? 1 : 0));
const check = artefactCluster(clusters.assignments, rings.watermarked);
console.log(`SpRAy: ${clusters.clusterCount} clusters; artefact cluster ${artefact} (${flags.filter((f) => f).length} samples; precision ${check.precision.toFixed(3)}, recall ${check.recall.toFixed(3)} against the truth)`);

// 2. the direction at the layer, and the model with it projected out
const cav = conceptDirection(model, x, flags, values.layer!);
x.dispose();
const fixed = projectiveClarc(model, cav);
// A-ClArC: fine-tune what follows the layer on 2,000 training-distribution images (seed 101, as the model's training set), the artefact added to half of them
const train = generateCleverHans(2000, 101);
const trainX = tf.tensor4d(train.images, [2000, 32, 32, 3]);
const t0 = performance.now();
const tuned = await augmentativeClarc(model, cav, trainX, train.labels, { seed: 1, onEpoch: (e, loss) => console.log(`A-ClArC epoch ${e + 1}: loss ${loss.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`) });
trainX.dispose();

function accuracy(m: XaiModel, d: CleverHansDataset): { overall: number; perClass: number[] } {
  const pred = tf.tidy(() => (m.layersModel.predict(tf.tensor4d(d.images, [d.labels.length, 32, 32, 3])) as tf.Tensor).argMax(-1).dataSync());
  const hit = SHAPE_CLASSES.map(() => 0);
  const all = SHAPE_CLASSES.map(() => 0);
  d.labels.forEach((l, i) => ((all[l] = all[l]! + 1), pred[i] === l && (hit[l] = hit[l]! + 1)));
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return { overall: r(hit.reduce((a, b) => a + b) / d.labels.length), perClass: hit.map((h, c) => r(h / all[c]!)) };
}

/** Mean share of the positive relevance (channel sum) that falls on the watermark, over the watermarked images. */
function watermarkShare(m: XaiModel, d: CleverHansDataset, target: 'label' | number): number {
  const idx = Array.from(d.watermarked.keys()).filter((i) => d.watermarked[i]);
  const xs = tf.tensor4d(d.images.filter((_, k) => d.watermarked[Math.floor(k / PX)]), [idx.length, 32, 32, 3]);
  const ex = lrp(m, xs, { target: target === 'label' ? idx.map((i) => d.labels[i]!) : target });
  const r = ex.relevance.dataSync();
  ex.dispose();
  xs.dispose();
  const mask = watermarkMask();
  let total = 0;
  for (let s = 0; s < idx.length; s++) {
    let on = 0;
    let all = 0;
    for (let p = 0; p < 1024; p++) {
      const v = Math.max(0, r[s * PX + 3 * p]! + r[s * PX + 3 * p + 1]! + r[s * PX + 3 * p + 2]!);
      all += v;
      if (mask[p]) on += v;
    }
    total += all > 0 ? on / all : 0;
  }
  return Math.round((1000 * total) / idx.length) / 1000;
}

const swapped = generateCleverHans(800, 102, { watermarkClass: 0, share: WATERMARK.share });
const asTrained = generateCleverHans(800, 102);
const clean = generateCleverHans(800, 102, { share: 0 });
for (const [name, m] of [['before', model], ['after P-ClArC', fixed], ['after A-ClArC', tuned]] as const) {
  console.log(
    `${name} (layer ${values.layer}): swapped ${JSON.stringify(accuracy(m, swapped))}  as trained ${JSON.stringify(accuracy(m, asTrained))}  clean ${JSON.stringify(accuracy(m, clean))}  ` +
      `watermark share of R+: watermarked rings → ring ${watermarkShare(m, asTrained, WATERMARK.class)}, watermarked squares → ring ${watermarkShare(m, swapped, WATERMARK.class)}, → square ${watermarkShare(m, swapped, 'label')}`,
  );
}

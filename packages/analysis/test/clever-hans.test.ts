import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadModel, lrp, type XaiModel } from '@xai/core';
import { artefactCluster, CLEVER_HANS_MODEL, generateCleverHans, spray, WATERMARK } from '../src/index.js';

// The committed Clever Hans demo model (scripts/train-clever-hans.ts) and the README's SpRAy settings.
const N = 300;
const PX = 32 * 32 * 3;
let model: XaiModel;

beforeAll(async () => {
  await initBackend();
  model = await loadModel(CLEVER_HANS_MODEL, { workers: false });
});
afterAll(() => model?.dispose());

describe('Clever Hans demo', () => {
  it('SpRAy on the ring heatmaps isolates the watermark strategy; the eigengap picks 2', () => {
    const data = generateCleverHans(N, 203, { onlyClass: WATERMARK.class, share: 0.5 });
    const x = tf.tensor4d(data.images, [N, 32, 32, 3]);
    const e = lrp(model, x, { target: WATERMARK.class });
    const rel = e.relevance.dataSync();
    e.dispose();
    x.dispose();
    const result = spray(Array.from({ length: N }, (_, i) => rel.subarray(i * PX, (i + 1) * PX)), {
      preprocess: { shape: [32, 32, 3], size: 16 },
      neighbours: 5,
      labels: data.watermarked,
      seed: 1,
    });
    expect(result.eigengapClusters).toBe(2);
    const score = artefactCluster(result.assignments, data.watermarked);
    expect(score.precision).toBeGreaterThanOrEqual(0.9);
    expect(score.recall).toBeGreaterThanOrEqual(0.9);
    // the watermark cluster's mean heatmap peaks on the watermark (16×16 map: the watermark covers (13…15, 13…15))
    const mean = result.clusters[score.cluster]!.meanHeatmap;
    const peak = mean.indexOf(Math.max(...mean));
    expect(peak % 16).toBeGreaterThanOrEqual(13);
    expect(Math.floor(peak / 16)).toBeGreaterThanOrEqual(13);
  });

  it('the model relies on the watermark: moving it to squares costs accuracy on both classes', () => {
    const accuracy = (share: number, watermarkClass: number) => {
      const d = generateCleverHans(200, 102, { share, watermarkClass });
      const pred = tf.tidy(() => (model.layersModel.predict(tf.tensor4d(d.images, [200, 32, 32, 3])) as tf.Tensor).argMax(-1).dataSync());
      const of = (c: number) => {
        const idx = Array.from(d.labels.keys()).filter((i) => d.labels[i] === c);
        return idx.filter((i) => pred[i] === c).length / idx.length;
      };
      return { ring: of(WATERMARK.class), square: of(0) };
    };
    const asTrained = accuracy(WATERMARK.share, WATERMARK.class);
    const swapped = accuracy(WATERMARK.share, 0);
    expect(asTrained.ring).toBeGreaterThan(0.9);
    expect(swapped.ring).toBeLessThan(0.5);
    expect(swapped.square).toBeLessThan(asTrained.square - 0.3);
  });
});

/**
 * The README figure docs/images/vqa-heatmaps.png: for three demo questions (rows), the image, its
 * GT-single objects (the rest dimmed), and the image relevance (summed over colour channels, bwr,
 * signed) of LRP epsilon_plus, LRP alpha1beta0, gradient, integrated gradients and occlusion.
 *
 *   npx tsx packages/modalities/scripts/vqa-figures.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { encodePng, explain, initBackend, loadModel, overlayHeatmap, reduceChannels, renderHeatmap, upscaleNearest, type RgbaImage } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import { vqaAdapter, VQA_DEMO_FILES, VQA_DEMO_MODEL, modelInputSpecs } from '../src/index.js';

const OUT = fileURLToPath(new URL('../../../docs/images/vqa-heatmaps.png', import.meta.url));
const ROWS = ['query_colour', 'count', 'same_colour'] as const;
const METHODS = [
  { method: 'lrp', composite: 'epsilon_plus' },
  { method: 'lrp', rule: 'alpha_beta', alpha: 1, beta: 0 },
  { method: 'gradient' },
  { method: 'integrated_gradients', steps: 16 },
  { method: 'occlusion', window: 6, stride: 3, fill: 0.5 },
];
const SCALE = 4;
const GAP = 4;

async function main() {
  await initBackend();
  registerLstmPlugin();
  const model = await loadModel(VQA_DEMO_MODEL, { workers: false });
  const rows: RgbaImage[][] = [];
  for (const family of ROWS) {
    const files = [VQA_DEMO_FILES[family].question, VQA_DEMO_FILES[family].image].map((p) => ({ name: p.split('/').pop()!, bytes: new Uint8Array(readFileSync(p)) }));
    const decoded = await vqaAdapter.decode(files, {}, modelInputSpecs(model));
    const image = decoded.samples[0]!.values as Float32Array;
    const gt = (decoded.internal as { groundTruth: { single: Uint8Array } }).groundTruth.single;
    const rgb = (values: Float32Array): RgbaImage => ({
      width: 48, height: 48,
      rgba: Uint8Array.from({ length: 48 * 48 * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.round(255 * values[(i >> 2) * 3 + (i % 4)]!))),
    });
    const dimmed = Float32Array.from(image, (v, i) => (gt[Math.floor(i / 3)] ? v : 0.25 + 0.25 * v));
    const panels = [rgb(image), rgb(dimmed)];
    const tensors = decoded.samples.map((s) => tf.tensor(s.values, [...s.shape], s.dtype));
    for (const request of METHODS) {
      const result = await explain(model, tensors, request);
      const map = reduceChannels(result.relevances[0]!.dataSync() as Float32Array, [48, 48, 3], 'sum');
      result.dispose();
      panels.push(overlayHeatmap(image, renderHeatmap(map, 48, 48, { colormap: 'bwr', mode: 'signed' }), 0.75));
    }
    tensors.forEach((t) => t.dispose());
    console.log(`${family}: ${String(decoded.metadata.question)}`);
    rows.push(panels.map((p) => upscaleNearest(p, SCALE)));
  }
  const side = 48 * SCALE;
  const width = rows[0]!.length * (side + GAP) - GAP;
  const height = rows.length * (side + GAP) - GAP;
  const rgba = new Uint8Array(width * height * 4).fill(255);
  rows.forEach((panels, r) => panels.forEach((p, c) => {
    for (let y = 0; y < side; y++) rgba.set(p.rgba.subarray(y * side * 4, (y + 1) * side * 4), (((r * (side + GAP)) + y) * width + c * (side + GAP)) * 4);
  }));
  writeFileSync(OUT, encodePng({ rgba, width, height }));
  console.log(`wrote ${OUT}`);
  model.dispose();
}

await main();

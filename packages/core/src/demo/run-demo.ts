import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { gradient, lrp, type Explanation } from '../engine/explain-lrp.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import { loadModel } from '../model.js';
import { overlayHeatmap, reduceChannels, renderHeatmap, upscaleNearest, writePng } from '../render/index.js';
import { CHANNELS, CLASS_NAMES, generateShapes, IMAGE_SIZE } from './synthetic-shapes.js';

/** The demo model the repo ships (trained by packages/core/scripts/train-demo-model.ts). */
export const DEMO_MODEL = fileURLToPath(new URL('../../demo/model/model.json', import.meta.url));
/** One 32×32 PNG per demo class (`square.png`, `cross.png`, `ring.png`, `triangle.png`), written by scripts/write-demo-inputs.ts. */
export const DEMO_INPUTS = fileURLToPath(new URL('../../demo/inputs/', import.meta.url));

export interface DemoOptions {
  readonly out: string;
  readonly samples?: number;
  readonly seed?: number;
  readonly scale?: number;
  readonly onProgress?: (line: string) => void;
}

export interface DemoResult {
  readonly files: string[];
  readonly accuracy: number;
}

const METHODS: Record<string, (m: Awaited<ReturnType<typeof loadModel>>, x: tf.Tensor, target: number) => Explanation> = {
  epsilon_gamma_box: (m, x, target) => lrp(m, x, { composite: 'epsilon_gamma_box', low: 0, high: 1, target }),
  epsilon_plus_flat: (m, x, target) => lrp(m, x, { composite: 'epsilon_plus_flat', target }),
  gradient: (m, x, target) => gradient(m, x, { target }),
};

/** RGBA of an RGB float image in [0, 1]. */
function rgbaOf(pixels: Float32Array): Uint8Array {
  const rgba = new Uint8Array((pixels.length / CHANNELS) * 4);
  for (let p = 0; p < pixels.length / CHANNELS; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(255 * Math.min(1, Math.max(0, pixels[p * CHANNELS + c]!)));
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}

/**
 * Explains the shipped demo CNN on freshly generated shapes: for each sample the input image, a
 * heatmap and an overlay per method (PNG), and the relevance with logits and the share of positive
 * relevance on the object (JSON); plus summary.json.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { out, samples = 4, seed = 2024, scale = 8 } = options;
  const log = options.onProgress ?? (() => {});
  await mkdir(out, { recursive: true });
  const model = await loadModel(DEMO_MODEL);
  const data = generateShapes(samples, seed);
  const pixelsPerImage = IMAGE_SIZE * IMAGE_SIZE;
  const files: string[] = [];
  const write = async (name: string, content: Parameters<typeof writeFileAtomic>[1] | { png: Parameters<typeof writePng>[1] }) => {
    const path = join(out, name);
    if (typeof content === 'object' && 'png' in content) await writePng(path, content.png);
    else await writeFileAtomic(path, content);
    files.push(path);
  };
  const summary: Record<string, unknown>[] = [];
  let correct = 0;
  try {
    for (let i = 0; i < samples; i++) {
      const pixels = data.images.subarray(i * pixelsPerImage * CHANNELS, (i + 1) * pixelsPerImage * CHANNELS);
      const mask = data.masks.subarray(i * pixelsPerImage, (i + 1) * pixelsPerImage);
      const label = data.labels[i]!;
      const x = tf.tensor(pixels, [1, IMAGE_SIZE, IMAGE_SIZE, CHANNELS]);
      const prefix = `sample-${i}-${CLASS_NAMES[label]}`;
      const image = { rgba: rgbaOf(pixels), width: IMAGE_SIZE, height: IMAGE_SIZE };
      await write(`${prefix}.png`, { png: upscaleNearest(image, scale) });
      const record: Record<string, unknown> = { sample: i, label: CLASS_NAMES[label], methods: {} };
      for (const [name, method] of Object.entries(METHODS)) {
        const started = performance.now();
        const e = method(model, x, label);
        const relevance = e.relevance.dataSync() as Float32Array;
        const logits = Array.from(e.logits.dataSync());
        e.dispose();
        const map = reduceChannels(relevance, [IMAGE_SIZE, IMAGE_SIZE, CHANNELS], 'sum');
        const heat = renderHeatmap(map, IMAGE_SIZE, IMAGE_SIZE, { colormap: 'bwr' });
        await write(`${prefix}-${name}.png`, { png: upscaleNearest(heat, scale) });
        await write(`${prefix}-${name}-overlay.png`, { png: upscaleNearest(overlayHeatmap(pixels, heat, 0.6), scale) });
        let positive = 0;
        let onObject = 0;
        map.forEach((v, p) => {
          if (v > 0) {
            positive += v;
            if (mask[p]) onObject += v;
          }
        });
        const predicted = logits.indexOf(Math.max(...logits));
        if (name === 'epsilon_gamma_box') {
          record.logits = logits;
          record.predicted = CLASS_NAMES[predicted];
          if (predicted === label) correct++;
        }
        (record.methods as Record<string, unknown>)[name] = {
          relevanceSum: relevance.reduce((a, b) => a + b, 0),
          positiveShareOnObject: positive > 0 ? onObject / positive : null,
          milliseconds: Math.round(performance.now() - started),
          shape: [IMAGE_SIZE, IMAGE_SIZE, CHANNELS],
          relevance: Array.from(relevance),
        };
      }
      x.dispose();
      await write(`${prefix}.json`, JSON.stringify(record));
      const compact = { ...record, methods: Object.fromEntries(Object.entries(record.methods as Record<string, Record<string, unknown>>).map(([k, v]) => [k, { ...v, relevance: undefined }])) };
      summary.push(compact);
      log(`sample ${i + 1}/${samples}: ${CLASS_NAMES[label]} → predicted ${record.predicted}`);
    }
    await write('summary.json', JSON.stringify({ model: DEMO_MODEL, classes: CLASS_NAMES, seed, samples: summary }, null, 2));
  } finally {
    model.dispose();
  }
  return { files, accuracy: correct / samples };
}

/**
 * Writes one 32×32 RGB PNG per demo class (circle, square, …) from the shape generator into
 * demo/inputs/: the example inputs of the README, the CLI tests and the server's gallery.
 * Run by hand: `npx tsx scripts/write-demo-inputs.ts` (deterministic: same seed, same bytes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHANNELS, CLASS_NAMES, generateShapes, IMAGE_SIZE } from '../src/demo/synthetic-shapes.js';
import { encodePng } from '../src/render/heatmap.js';

const SEED = 4242;
const dir = fileURLToPath(new URL('../demo/inputs/', import.meta.url));
mkdirSync(dir, { recursive: true });
const data = generateShapes(64, SEED);
const px = IMAGE_SIZE * IMAGE_SIZE;
CLASS_NAMES.forEach((name, label) => {
  const i = data.labels.indexOf(label);
  const rgba = new Uint8Array(px * 4);
  for (let p = 0; p < px; p++) {
    for (let c = 0; c < CHANNELS; c++) rgba[p * 4 + c] = Math.round(data.images[(i * px + p) * CHANNELS + c]! * 255);
    rgba[p * 4 + 3] = 255;
  }
  writeFileSync(`${dir}${name}.png`, encodePng({ rgba, width: IMAGE_SIZE, height: IMAGE_SIZE }));
  console.log(`${dir}${name}.png (sample ${i} of seed ${SEED})`);
});

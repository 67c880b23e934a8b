/** Uploaded data sets in server tests: a generated shapes zip and its upload. */
import { encodePng, generateShapes, SHAPE_CLASSES } from '@xai/core';
import { zipSync } from 'fflate';
import type { TestServer } from './helpers.js';

const enc = new TextEncoder();

/** A data set zip of n generated shapes (seeded): PNGs, labels.csv with class names, masks/<stem>.png unless `masks` is false. */
export function shapesZip(n: number, seed: number, options: { masks?: boolean; labels?: (i: number, label: number) => string } = {}): Uint8Array {
  const data = generateShapes(n, seed);
  const px = 32 * 32;
  const files: Record<string, Uint8Array> = {};
  const rows = ['file,label'];
  for (let i = 0; i < n; i++) {
    const rgba = new Uint8Array(px * 4);
    const mask = new Uint8Array(px * 4);
    for (let p = 0; p < px; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(255 * data.images[(i * px + p) * 3 + c]!);
      rgba[p * 4 + 3] = 255;
      mask.fill(data.masks[i * px + p] ? 255 : 0, p * 4, p * 4 + 3);
      mask[p * 4 + 3] = 255;
    }
    files[`shape-${i}.png`] = encodePng({ rgba, width: 32, height: 32 });
    if (options.masks !== false) files[`masks/shape-${i}.png`] = encodePng({ rgba: mask, width: 32, height: 32 });
    rows.push(`shape-${i}.png,${options.labels ? options.labels(i, data.labels[i]!) : SHAPE_CLASSES[data.labels[i]!]}`);
  }
  files['labels.csv'] = enc.encode(rows.join('\n') + '\n');
  return zipSync(files);
}

/** POST /datasets with the zip as shapes.zip and the given form fields. */
export const uploadDataset = (server: TestServer, bytes: Uint8Array, fields: Record<string, string> = {}) => {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  body.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), 'shapes.zip');
  return server.api('/datasets', { method: 'POST', body });
};

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encodePng, generateShapes, SHAPE_CLASSES } from '@xai/core';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import {
  datasetBenchmarkSamples, datasetFilesFromFolder, datasetFilesFromZip, DatasetLimitError, indexDataset, InvalidDatasetError, labelCounts, parseLabelsCsv, readDataset,
  type DatasetFile,
} from '../src/index.js';

const SPEC = [{ shape: [32, 32, 3], dtype: 'float32' as const }];
const enc = new TextEncoder();

/** n generated shapes (seeded) as PNG files, their masks as PNGs, and their labels. */
function shapes(n: number, seed = 5) {
  const data = generateShapes(n, seed);
  const px = 32 * 32;
  const images = Array.from({ length: n }, (_, i) => {
    const rgba = new Uint8Array(px * 4);
    for (let p = 0; p < px; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(255 * data.images[(i * px + p) * 3 + c]!);
      rgba[p * 4 + 3] = 255;
    }
    return encodePng({ rgba, width: 32, height: 32 });
  });
  const masks = Array.from({ length: n }, (_, i) => {
    const rgba = new Uint8Array(px * 4);
    for (let p = 0; p < px; p++) (rgba.fill(data.masks[i * px + p] ? 255 : 0, p * 4, p * 4 + 3), (rgba[p * 4 + 3] = 255));
    return encodePng({ rgba, width: 32, height: 32 });
  });
  return { data, images, masks, labels: Array.from(data.labels) };
}

const tmp = mkdtempSync(join(tmpdir(), 'xai-dataset-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeFolder(name: string, files: Record<string, Uint8Array | string>): string {
  const dir = join(tmp, name);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return dir;
}
const zipOf = (files: Record<string, Uint8Array | string>) => zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? enc.encode(v) : v])));
const list = (files: Record<string, Uint8Array | string>): DatasetFile[] => Object.entries(files).map(([path, v]) => ({ path, bytes: typeof v === 'string' ? enc.encode(v) : v }));

describe('data set reader', () => {
  const s = shapes(6);

  it('a zip with labels.csv (class names and indexes) and masks/<stem>.png: samples, labels and masks as the generator made them', async () => {
    const files: Record<string, Uint8Array | string> = {};
    const rows = ['file,label'];
    s.images.forEach((png, i) => {
      files[`img-${i}.png`] = png;
      files[`masks/img-${i}.png`] = s.masks[i]!;
      rows.push(`img-${i}.png,${i % 2 ? SHAPE_CLASSES[s.labels[i]!]! : s.labels[i]}`); // names and indexes mixed
    });
    files['labels.csv'] = rows.join('\r\n') + '\r\n';
    const dataset = await readDataset(datasetFilesFromZip(zipOf({ 'shapes/': new Uint8Array(), ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`shapes/${k}`, v])) }), 'shapes.zip'), { model: SPEC, classNames: SHAPE_CLASSES });
    expect(dataset.modality).toBe('image');
    expect(dataset.labelSource).toBe('labels.csv');
    expect(dataset.hasMasks).toBe(true);
    const samples = datasetBenchmarkSamples(dataset, SHAPE_CLASSES);
    expect(samples.shape).toEqual([32, 32, 3]);
    expect(Array.from(samples.labels)).toEqual(s.labels);
    expect(Array.from(samples.masks!)).toEqual(Array.from(s.data.masks));
    // 8-bit PNG: within half a grey level of the generated values
    let worst = 0;
    for (let k = 0; k < samples.inputs.length; k++) worst = Math.max(worst, Math.abs(samples.inputs[k]! - s.data.images[k]!));
    expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  });

  it('a folder with class sub-folders and .npy masks; counts per label', async () => {
    const files: Record<string, Uint8Array> = {};
    s.images.forEach((png, i) => {
      files[`${SHAPE_CLASSES[s.labels[i]!]}/s${i}.png`] = png;
      const header = "{'descr': '|u1', 'fortran_order': False, 'shape': (32, 32), }";
      const pad = 64 - ((10 + header.length + 1) % 64);
      const head = enc.encode(`${header}${' '.repeat(pad % 64)}\n`);
      const npy = new Uint8Array(10 + head.length + 1024);
      npy.set([0x93, ...enc.encode('NUMPY'), 1, 0, head.length & 255, head.length >> 8]);
      npy.set(head, 10);
      npy.set(s.data.masks.subarray(i * 1024, (i + 1) * 1024), 10 + head.length);
      files[`masks/s${i}.npy`] = npy;
    });
    const dataset = await readDataset(await datasetFilesFromFolder(writeFolder('folders', { ...files, '.DS_Store': 'x' })), { model: SPEC, classNames: SHAPE_CLASSES });
    expect(dataset.labelSource).toBe('folders');
    expect(dataset.hasMasks).toBe(true);
    const samples = datasetBenchmarkSamples(dataset, SHAPE_CLASSES);
    const byFile = dataset.items.map((x) => Number(x.file.match(/s(\d+)\.png$/)![1]));
    expect(Array.from(samples.labels)).toEqual(byFile.map((i) => s.labels[i]));
    expect(Array.from(samples.masks!).slice(0, 1024)).toEqual(Array.from(s.data.masks.subarray(byFile[0]! * 1024, (byFile[0]! + 1) * 1024)));
    expect(labelCounts(dataset).reduce((n, c) => n + c.count, 0)).toBe(6);
    const classes: readonly string[] = SHAPE_CLASSES;
    expect(labelCounts(dataset).every((c) => classes.includes(c.label) && c.index === classes.indexOf(c.label))).toBe(true);
  });

  it('a mask column in labels.csv; no masks at all is fine (hasMasks false)', async () => {
    const withColumn = { 'a.png': s.images[0]!, 'b.png': s.images[1]!, 'gt/a-mask.png': s.masks[0]!, 'gt/b-mask.png': s.masks[1]!, 'labels.csv': 'label,file,mask\n1,a.png,gt/a-mask.png\n"2",b.png,gt/b-mask.png\n' };
    const d1 = await readDataset(list(withColumn), { model: SPEC });
    expect(d1.hasMasks).toBe(true);
    expect(d1.items.map((x) => x.label)).toEqual([1, 2]);
    const d2 = await readDataset(list({ 'a.png': s.images[0]!, 'labels.csv': 'file,label\na.png,0\n' }), { model: SPEC });
    expect(d2.hasMasks).toBe(false);
    expect(datasetBenchmarkSamples(d2).masks).toBeUndefined();
  });

  it('errors name the file or the labels.csv line at fault', async () => {
    const bad = (files: Record<string, Uint8Array | string>, classNames?: string[]) => readDataset(list(files), { model: SPEC, ...(classNames ? { classNames } : {}) }).then((d) => datasetBenchmarkSamples(d, classNames));
    await expect(bad({ 'a.png': s.images[0]!, 'labels.csv': 'file,label\na.png,0\nmissing.png,1\n' })).rejects.toThrow(/^labels\.csv: line 3: missing\.png is not in the data set$/);
    await expect(bad({ 'a.png': s.images[0]!, 'labels.csv': 'name,class\na.png,0\n' })).rejects.toThrow(/labels\.csv: line 1 must be a header with the columns file and label/);
    await expect(bad({ 'a.png': s.images[0]!, 'labels.csv': 'file,label\na.png\n' })).rejects.toThrow(/labels\.csv: line 2 has 1 cells, the header has 2/);
    await expect(bad({ 'a.png': s.images[0]!, 'labels.csv': 'file,label\na.png,dog\n' }, [...SHAPE_CLASSES])).rejects.toThrow(/a\.png: label 'dog' is not a class of the model \(square, cross, ring, triangle\)/);
    await expect(bad({ 'a.png': s.images[0]!, 'labels.csv': 'file,label\na.png,ring\n' })).rejects.toThrow(/a\.png: label 'ring' is a name, and the model has no class names/);
    await expect(bad({ 'a.png': s.images[0]!, 'labels.csv': 'file,label\na.png,7\n' }, [...SHAPE_CLASSES])).rejects.toThrow(/label 7 of a\.png is not a class index of the model \(it has 4 classes/);
    await expect(bad({ 'a.png': s.images[0]!, 'b.png': s.images[1]!, 'masks/a.png': s.masks[0]!, 'labels.csv': 'file,label\na.png,0\nb.png,1\n' })).rejects.toThrow(/^masks: 1 of 2 inputs have a mask; b\.png have none/);
    await expect(bad({ 'a.png': s.images[0]!, 'masks/a.png': encodePng({ rgba: new Uint8Array(8 * 8 * 4), width: 8, height: 8 }), 'labels.csv': 'file,label\na.png,0\n' })).rejects.toThrow(/^masks\/a\.png: mask of a\.png has shape \[8,8,3\], the input has 1024 positions/);
    await expect(bad({ 'a.png': enc.encode('not a png'), 'labels.csv': 'file,label\na.png,0\n' })).rejects.toThrow(/^a\.png: .*not a valid PNG/);
    await expect(bad({ 'loose.png': s.images[0]! })).rejects.toThrow(/^loose\.png: has no label: give labels\.csv/);
    await expect(bad({ 'ring/a.png': s.images[0]!, 'ring/b.wav': enc.encode('RIFF') })).rejects.toThrow(/^data set: mixes modalities: image \(ring\/a\.png\), audio \(ring\/b\.wav\)/);
    await expect(bad({ 'a.png': s.images[0]!, 'b.png': enc.encode('x'), 'labels.csv': 'file,label\na.png,0\nb.png,1\n' }).catch((e: unknown) => e)).resolves.toBeInstanceOf(InvalidDatasetError);
  });

  it('limits: files, unpacked bytes and the zip ratio', async () => {
    const many = zipOf(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`c/${i}.png`, s.images[0]!])));
    expect(() => datasetFilesFromZip(many, 'many.zip', { maxFiles: 3, maxBytes: 1e9, maxZipRatio: 1000 })).toThrow(DatasetLimitError);
    expect(() => datasetFilesFromZip(many, 'many.zip', { maxFiles: 3, maxBytes: 1e9, maxZipRatio: 1000 })).toThrow(/^many\.zip: holds more than 3 files/);
    const bomb = zipSync({ 'zeros.npy': new Uint8Array(8 * 1024 * 1024) }, { level: 9 });
    expect(() => datasetFilesFromZip(bomb, 'bomb.zip', { maxFiles: 10, maxBytes: 1e9, maxZipRatio: 10 })).toThrow(/^bomb\.zip: unpacks to more than 10 times its size/);
    expect(() => datasetFilesFromZip(many, 'many.zip', { maxFiles: 10, maxBytes: 1000, maxZipRatio: 1000 })).toThrow(/^many\.zip: unpacks to more than the limit of 1000 bytes/);
    expect(() => datasetFilesFromZip(enc.encode('not a zip'), 'x.zip')).toThrow(/^x\.zip: not a readable zip archive/);
    await expect(datasetFilesFromFolder(writeFolder('limit', { 'a/1.png': s.images[0]!, 'a/2.png': s.images[1]! }), { maxFiles: 1, maxBytes: 1e9, maxZipRatio: 1 })).rejects.toThrow(/holds more than 1 files/);
  });

  it('parses quoted CSV cells and indexes without decoding', () => {
    expect(parseLabelsCsv('file,label\n"a, b.png","say ""hi"""\n')).toEqual([{ line: 2, file: 'a, b.png', label: 'say "hi"' }]);
    const index = indexDataset(list({ 'x/a.png': s.images[0]!, 'y/b.png': s.images[1]!, 'README.md': 'notes' }));
    expect(index.entries.map((e) => [e.file, e.label])).toEqual([['x/a.png', 'x'], ['y/b.png', 'y']]);
    expect(index.ignored).toEqual(['README.md']);
  });
});

/** fMRI views and the adapter without a model: ortho/mosaic PNGs, threshold, orientation, time courses, layouts, registry. */
import { readFileSync } from 'node:fs';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodePng } from '@xai/core';
import {
  adapterByName, adapterForFiles, applyAffine, axialMosaic, denseGrid, fmriAdapter, FMRI_DEMO_FILES, orthoView, readNifti, SYNTHETIC_AFFINE,
  SYNTHETIC_SHAPE, syntheticSeries, syntheticVolume, timeCourseCsv, timeCoursePlot, viewContext, type Matrix4,
} from '../src/index.js';

const file = (path: string) => ({ name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(path)) });
const [NI, NJ, NK] = SYNTHETIC_SHAPE;
const volume = syntheticVolume(900_001, 1);
/** Relevance = the planted blob (positive, peaked at its centre) plus a few negative voxels elsewhere. */
const blobRelevance = Float32Array.from(volume.mask, (m, p) => {
  const [i, j, k] = [Math.floor(p / (NJ * NK)), Math.floor(p / NK) % NJ, p % NK];
  const [ci, cj, ck] = volume.activationCenter!;
  return m ? Math.exp(-((i - ci) ** 2 + (j - cj) ** 2 + (k - ck) ** 2) / 8) : p % 97 === 0 ? -0.4 : 0;
});

/** Pixels of a PNG that are neither grey (r = g = b) nor the black background. */
function colouredPixels(png: Uint8Array, region?: { x0: number; x1: number }): number {
  const img = decode(png);
  const ch = img.channels;
  let n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = region?.x0 ?? 0; x < (region?.x1 ?? img.width); x++) {
      const o = (y * img.width + x) * ch;
      const [r, g, b] = [img.data[o]!, img.data[o + 1]!, img.data[o + 2]!];
      if (!(r === g && g === b)) n++;
    }
  }
  return n;
}

describe('fMRI views', () => {
  const underlay = denseGrid(volume.values, [NI, NJ, NK], SYNTHETIC_AFFINE);
  const relevance = denseGrid(blobRelevance, [NI, NJ, NK], SYNTHETIC_AFFINE);

  it('ortho view: cut at the relevance peak, coloured overlay, not blank, threshold removes colour', () => {
    const ctx = viewContext(underlay, relevance, { threshold: 0.1 });
    const view = orthoView(ctx, { title: 'test', crosshair: false });
    expect(volume.mask[(view.cutVoxel[0] * NJ + view.cutVoxel[1]) * NK + view.cutVoxel[2]]).toBe(1);
    expect(view.scale).toBeGreaterThan(0.8);
    const { rgba, width, height } = view.image;
    expect(width).toBeGreaterThan(600);
    let min = 255;
    let max = 0;
    for (let p = 0; p < width * height; p++) (min = Math.min(min, rgba[p * 4]!), max = Math.max(max, rgba[p * 4]!));
    expect(max - min).toBeGreaterThan(200);
    const png = encodePng(view.image);
    const coloured = colouredPixels(png);
    expect(coloured).toBeGreaterThan(500);
    // threshold above the negative voxels' |R| = 0.4: only the blob is coloured, fewer pixels
    const high = colouredPixels(encodePng(orthoView(viewContext(underlay, relevance, { threshold: 0.5 }), { crosshair: false }).image));
    expect(high).toBeLessThan(coloured);
    expect(high).toBeGreaterThan(100);
    // an all-zero relevance colours nothing (and has no colour bar)
    const none = orthoView(viewContext(underlay, denseGrid(new Float32Array(blobRelevance.length), [NI, NJ, NK], SYNTHETIC_AFFINE)), { crosshair: false });
    expect(colouredPixels(encodePng(none.image))).toBe(0);
  });

  it('orientation: a blob on the subject’s left is drawn on the left whatever the storage order (LAS or RAS)', () => {
    // flip i: the same head stored RAS
    const flip = (values: ArrayLike<number>) => {
      const out = new Float32Array(values.length);
      for (let i = 0; i < NI; i++) for (let j = 0; j < NJ; j++) for (let k = 0; k < NK; k++) out[((NI - 1 - i) * NJ + j) * NK + k] = values[(i * NJ + j) * NK + k]!;
      return out;
    };
    const ras: Matrix4 = [[3, 0, 0, -46.5], [0, 3, 0, -46.5], [0, 0, 3, -22.5], [0, 0, 0, 1]];
    const las = orthoView(viewContext(underlay, relevance), { crosshair: false });
    const flipped = orthoView(viewContext(denseGrid(flip(volume.values), [NI, NJ, NK], ras), denseGrid(flip(blobRelevance), [NI, NJ, NK], ras)), { crosshair: false });
    expect(flipped.cutWorld).toEqual(las.cutWorld);
    expect(las.cutWorld[0]).toBeLessThan(0); // the activation site is in the left hemisphere
    expect(Buffer.from(encodePng(flipped.image)).equals(Buffer.from(encodePng(las.image)))).toBe(true);
    // in the axial panel (the third), the colour sits in its left half
    const w = las.image.width;
    const axial = { x0: Math.round(w * 0.64), x1: Math.round(w * 0.76) };
    const axialRight = { x0: Math.round(w * 0.76), x1: Math.round(w * 0.9) };
    expect(colouredPixels(encodePng(las.image), axial)).toBeGreaterThan(colouredPixels(encodePng(las.image), axialRight));
  });

  it('an anatomical underlay on another grid shows the relevance at the same world position', async () => {
    const anat = await readNifti(file(FMRI_DEMO_FILES.anatomical).bytes, 'anatomical.nii.gz');
    const grid = denseGrid(anat.data, [64, 64, 32], anat.header.affine);
    const view = orthoView(viewContext(grid, relevance));
    const own = orthoView(viewContext(underlay, relevance));
    own.cutWorld.forEach((x, a) => expect(Math.abs(x - view.cutWorld[a]!)).toBeLessThanOrEqual(1.5));
    expect(applyAffine(anat.header.affine, view.cutVoxel)).toEqual(view.cutWorld);
  });

  it('axial mosaic lists the slices holding supra-threshold relevance', () => {
    const ctx = viewContext(underlay, denseGrid(Float32Array.from(volume.mask), [NI, NJ, NK], SYNTHETIC_AFFINE));
    const { image, slices } = axialMosaic(ctx);
    const ks = new Set<number>();
    volume.mask.forEach((m, p) => m && ks.add(p % NK));
    expect([...slices].sort((a, b) => a - b)).toEqual([...ks].sort((a, b) => a - b).slice(0, 12));
    expect(image.width).toBeGreaterThan(300);
  });

  it('time courses: CSV rows and columns, a plot that is not blank', () => {
    const courses = [{ name: 'total', voxels: 10, values: Float64Array.from([0, 1, 3, 2]) }, { name: 'roi_1', voxels: 3, values: Float64Array.from([0, -1, 0.5, 2]) }];
    const csv = timeCourseCsv([0, 2, 4, 6], courses);
    expect(csv.split('\n')).toEqual(['volume,time_s,total,roi_1', '0,0,0,0', '1,2,1,-1', '2,4,3,0.5', '3,6,2,2', '']);
    const img = timeCoursePlot([0, 2, 4, 6], courses, { title: 'x', xLabel: 'time (s)', yLabel: 'relevance' });
    const colours = new Set<number>();
    for (let p = 0; p < img.width * img.height; p++) colours.add((img.rgba[p * 4]! << 16) | (img.rgba[p * 4 + 1]! << 8) | img.rgba[p * 4 + 2]!);
    expect(colours.size).toBeGreaterThan(3);
  });
});

describe('fMRI adapter (no model)', () => {
  it('is registered by name and found for .nii and .nii.gz (any case)', () => {
    expect(adapterByName('fmri')).toBe(fmriAdapter);
    for (const name of ['sub-01_bold.nii.gz', 'T1.nii', 'SCAN.NII.GZ']) expect(adapterForFiles([{ name, bytes: new Uint8Array() }])).toBe(fmriAdapter);
  });

  it('decodes a volume in nibabel order or slices first, with axes, metadata and a preview', async () => {
    const vol = file(FMRI_DEMO_FILES.volumes[0]!);
    const ijk = await fmriAdapter.decode([vol], {}, [{ shape: [32, 32, 16, 1], dtype: 'float32' }]);
    expect(ijk.samples[0]!.shape).toEqual([32, 32, 16, 1]);
    expect(ijk.axes.map((a) => a.name)).toEqual(['i', 'j', 'k', 'channel']);
    expect(ijk.axes[0]).toMatchObject({ unit: 'mm', step: 3 });
    expect(ijk.metadata).toMatchObject({ file: 'activation-01.nii.gz', datatype: 'int16', orientation: 'LAS', voxelSize: [3, 3, 3], affineSource: 'sform' });
    const kji = await fmriAdapter.decode([vol], { axes: 'kji' });
    expect(kji.samples[0]!.shape).toEqual([16, 32, 32, 1]);
    // the same voxel in both layouts
    const [i, j, k] = [20, 19, 11];
    expect(kji.samples[0]!.values[(k * 32 + j) * 32 + i]).toBe(ijk.samples[0]!.values[(i * 32 + j) * 16 + k]);
    // the file holds the generated values (int16 + scl_slope)
    expect(Math.abs(ijk.samples[0]!.values[(i * 32 + j) * 16 + k]! - volume.values[(i * 32 + j) * 16 + k]!)).toBeLessThan(1e-4);
    const preview = decode((await fmriAdapter.preview(ijk)).bytes);
    expect(preview.width).toBeGreaterThan(300);
    await expect(fmriAdapter.decode([vol], {}, [{ shape: [16, 32, 32, 1], dtype: 'float32' }])).rejects.toThrow(/activation-01\.nii\.gz: the model expects \[16, 32, 32, 1\].*option axes: 'kji' would match/);
  });

  it('4-D runs: a batch of volumes, time as channels, one volume; artefacts with time courses', async () => {
    const run = file(FMRI_DEMO_FILES.run);
    const batch = await fmriAdapter.decode([run], {}, [{ shape: [32, 32, 16, 1], dtype: 'float32' }]);
    expect(batch.samples[0]!.shape).toEqual([12, 32, 32, 16, 1]);
    expect(batch.axes[0]).toMatchObject({ name: 't', unit: 's', step: 2 });
    const channels = await fmriAdapter.decode([run], {}, [{ shape: [32, 32, 16, 12], dtype: 'float32' }]);
    expect(channels.samples[0]!.shape).toEqual([32, 32, 16, 12]);
    const one = await fmriAdapter.decode([run], { volume: 4 });
    expect(one.samples[0]!.shape).toEqual([32, 32, 16, 1]);
    expect(one.samples[0]!.values[100]).toBe(channels.samples[0]!.values[100 * 12 + 4]);
    await expect(fmriAdapter.decode([run], { volume: 12 })).rejects.toThrow(/volume 12 does not exist; the file has 12 volume/);

    // relevance: the design times the blob
    const design = [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1];
    const { mask } = syntheticSeries(900_100);
    const rel = new Float32Array(12 * mask.length);
    design.forEach((d, t) => mask.forEach((m, p) => (rel[t * mask.length + p] = m * d * 0.01 + (p === 5 ? 0.0001 : 0))));
    const arts = await fmriAdapter.artefacts(batch, { relevances: [{ values: rel, shape: [12, 32, 32, 16, 1] }], method: 'lrp', target: 1, targetName: 'activation' }, { gzip: false });
    expect(arts.map((a) => a.name)).toEqual(['relevance.nii', 'ortho.png', 'axial.png', 'timecourse.png', 'timecourse.csv', 'summary.json', 'fmri-view.json', 'relevance.json']);
    const nii = await readNifti(arts[0]!.bytes, 'relevance.nii');
    expect(nii.shape).toEqual([32, 32, 16, 12]);
    expect(nii.header.pixdim[4]).toBe(2);
    const csv = new TextDecoder().decode(arts[4]!.bytes).trim().split('\n');
    expect(csv[0]).toMatch(/^volume,time_s,total,supra_threshold,peak_\d+_\d+_\d+$/);
    const supra = csv.slice(1).map((row) => Number(row.split(',')[3]));
    supra.forEach((v, t) => (design[t] ? expect(v).toBeGreaterThan(0.5) : expect(Math.abs(v)).toBeLessThan(1e-6)));
    const summary = JSON.parse(new TextDecoder().decode(arts[5]!.bytes));
    expect(summary).toMatchObject({ method: 'lrp', target: 1, layout: 'batch', orientation: 'LAS' });
  });

  it('ROI labels give per-region sums and time courses; a second file is the anatomical underlay', async () => {
    const vol = file(FMRI_DEMO_FILES.volumes[0]!);
    const decoded = await fmriAdapter.decode([vol, file(FMRI_DEMO_FILES.anatomical), file(FMRI_DEMO_FILES.roi)], { anatomical: 'anatomical.nii.gz', roi: 'roi.nii.gz' });
    expect(decoded.metadata).toMatchObject({ anatomical: 'anatomical.nii.gz', roi: 'roi.nii.gz' });
    const arts = await fmriAdapter.artefacts(decoded, { relevances: [{ values: blobRelevance, shape: [32, 32, 16, 1] }], method: 'lrp', target: 1 });
    expect(arts.map((a) => a.name)).toEqual(['relevance.nii.gz', 'ortho.png', 'axial.png', 'regions.csv', 'summary.json', 'fmri-view.json', 'relevance.json']);
    const rows = new TextDecoder().decode(arts[3]!.bytes).trim().split('\n').map((r) => r.split(','));
    expect(rows[0]).toEqual(['region', 'voxels', 'relevance', 'positive_relevance']);
    expect(rows[1]![0]).toBe('roi_1');
    expect(Number(rows[1]![3])).toBeGreaterThan(Number(rows[2]![3]) + 10); // the activation site, not its mirror
    await expect(fmriAdapter.decode([vol], { roi: 'missing.nii' })).rejects.toThrow(/no input file named 'missing\.nii'/);
    // a BIDS JSON sidecar next to the run is not taken for an anatomical volume
    const sidecar = await fmriAdapter.decode([vol, { name: 'activation-01.json', bytes: new TextEncoder().encode('{"RepetitionTime": 2}') }]);
    expect(sidecar.metadata.anatomical).toBeUndefined();
    const written = await readNifti(arts[0]!.bytes, 'relevance.nii.gz');
    expect(written.header.affine).toEqual(SYNTHETIC_AFFINE);
  });
});

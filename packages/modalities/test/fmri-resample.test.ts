/**
 * Resampling NIfTI volumes onto the model's grid: exact on the same grid, hand-computed shifts,
 * flips and scalings, nibabel's resample_from_to (scipy) on an oblique grid, and the adapter's
 * decode → explain → relevance NIfTI round trip with the demo model on other grids.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadModel, type XaiModel } from '@xai/core';
import {
  describeGrid, explainInput, modelGridDims, FMRI_DEMO_MODELS, fieldOfViewGrid, fmriAdapter, fmriDemoModels, modelInputSpecs, readNifti, resampleVolumes, sameVoxelGrid,
  SYNTHETIC_AFFINE, SYNTHETIC_SHAPE, syntheticVolume, writeNifti, type Matrix4, type ModelInputSpec, type VoxelGrid,
} from '../src/index.js';
import { multiplyAffine } from '../src/fmri/affine.js';

const here = (name: string) => new URL(`./fmri-resample/${name}`, import.meta.url);
const FIXTURES = '../shared/fixtures/nifti';
const fixture = (name: string) => ({ name, bytes: new Uint8Array(readFileSync(new URL(`../../../${FIXTURES}/${name}`, import.meta.url))) });

/** A 4×3×2 grid whose values are linear in the voxel index (trilinear interpolation reproduces them exactly). */
const SRC: VoxelGrid = { dims: [4, 3, 2], affine: [[2, 0, 0, -3], [0, 2, 0, 5], [0, 0, 3, 1], [0, 0, 0, 1]] };
const linear = (i: number, j: number, k: number) => 100 * i + 10 * j + k;
const srcValues = Float32Array.from({ length: 24 }, (_, p) => linear(Math.floor(p / 6), Math.floor(p / 2) % 3, p % 2));
/** The target grid whose voxel (i, j, k) lies at source index M · (i, j, k). */
const gridThrough = (M: Matrix4, dims: [number, number, number]): VoxelGrid => ({ dims, affine: multiplyAffine(SRC.affine, M) });
const each = (dims: readonly number[], f: (i: number, j: number, k: number) => number) =>
  Array.from({ length: dims[0]! * dims[1]! * dims[2]! }, (_, p) => f(Math.floor(p / (dims[1]! * dims[2]!)), Math.floor(p / dims[2]!) % dims[1]!, p % dims[2]!));

describe('resampleVolumes', () => {
  it('the same grid returns the values exactly (trilinear and nearest)', () => {
    for (const interpolation of ['trilinear', 'nearest'] as const) {
      expect(Array.from(resampleVolumes(srcValues, SRC, SRC, { interpolation }))).toEqual(Array.from(srcValues));
    }
    expect(sameVoxelGrid(SRC, { dims: [4, 3, 2], affine: SRC.affine.map((r) => r.map((v) => v + 1e-6)) })).toBe(true);
  });

  it('a shift of (0.5, 0.25, 0) voxels: linear values at the shifted positions, the fill beyond the last voxel', () => {
    const M: Matrix4 = [[1, 0, 0, 0.5], [0, 1, 0, 0.25], [0, 0, 1, 0], [0, 0, 0, 1]];
    const out = resampleVolumes(srcValues, SRC, gridThrough(M, [4, 3, 2]), { interpolation: 'trilinear', fill: -1 });
    // i + 0.5 > 3 (i = 3) and j + 0.25 > 2 (j = 2) lie outside the source
    const expected = each([4, 3, 2], (i, j, k) => (i === 3 || j === 2 ? -1 : linear(i + 0.5, j + 0.25, k)));
    Array.from(out).forEach((v, p) => expect(v).toBeCloseTo(expected[p]!, 4));
    // nearest: 0.25 rounds down, 0.5 rounds up (Math.round)
    const near = resampleVolumes(srcValues, SRC, gridThrough(M, [4, 3, 2]), { interpolation: 'nearest', fill: -1 });
    expect(Array.from(near)).toEqual(each([4, 3, 2], (i, j, k) => (i === 3 || j === 2 ? -1 : linear(i + 1, j, k))));
  });

  it('a flip of i and a 2× coarser grid land on the hand-computed voxels', () => {
    const flip: Matrix4 = [[-1, 0, 0, 3], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    for (const interpolation of ['trilinear', 'nearest'] as const) {
      expect(Array.from(resampleVolumes(srcValues, SRC, gridThrough(flip, [4, 3, 2]), { interpolation }))).toEqual(each([4, 3, 2], (i, j, k) => linear(3 - i, j, k)));
    }
    const coarse: Matrix4 = [[2, 0, 0, 0.5], [0, 2, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    const out = resampleVolumes(srcValues, SRC, gridThrough(coarse, [2, 2, 2]), { interpolation: 'trilinear' });
    expect(Array.from(out)).toEqual(each([2, 2, 2], (i, j, k) => linear(2 * i + 0.5, 2 * j, k)));
    // several volumes back to back: each resampled the same way
    const two = Float32Array.from([...srcValues, ...srcValues.map((v) => -2 * v)]);
    const both = resampleVolumes(two, SRC, gridThrough(coarse, [2, 2, 2]), { interpolation: 'trilinear', volumes: 2 });
    expect(Array.from(both.subarray(8))).toEqual(Array.from(out, (v) => -2 * v));
  });

  it("the field-of-view grid covers the source's voxel edges and describes itself", () => {
    const fov = fieldOfViewGrid(SRC, [2, 3, 1]);
    // first target voxel centre at source index ((0 + ½)·2 − ½, 0, ½) = (0.5, 0, 0.5)
    const out = resampleVolumes(srcValues, SRC, fov, { interpolation: 'trilinear' });
    expect(Array.from(out)).toEqual(each([2, 3, 1], (i, j) => linear(2 * i + 0.5, j, 0.5)));
    expect(describeGrid(fov)).toBe('2×3×1 at 4×2×6 mm');
    expect(describeGrid({ dims: [32, 32, 16], affine: SYNTHETIC_AFFINE })).toBe('32×32×16 at 3 mm');
  });

  it('equals nibabel resample_from_to (scipy affine_transform, order 1 and 0) on an oblique, flipped, anisotropic grid', async () => {
    const expected = JSON.parse(readFileSync(here('expected.json'), 'utf8')) as {
      sourceAffine: number[][]; targetShape: [number, number, number]; targetAffine: number[][]; trilinear: number[]; nearest: number[];
    };
    const volume = await readNifti(new Uint8Array(readFileSync(here('source.nii.gz'))), 'source.nii.gz');
    volume.header.affine.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(expected.sourceAffine[r]![c]!, 5)));
    const source: VoxelGrid = { dims: volume.shape as [number, number, number], affine: volume.header.affine };
    const target: VoxelGrid = { dims: expected.targetShape, affine: expected.targetAffine };
    const scale = Math.max(...expected.trilinear.map(Math.abs));
    for (const interpolation of ['trilinear', 'nearest'] as const) {
      const out = resampleVolumes(volume.data, source, target, { interpolation });
      const ref = expected[interpolation];
      let worst = 0;
      out.forEach((v, p) => (worst = Math.max(worst, Math.abs(v - ref[p]!))));
      expect(worst, interpolation).toBeLessThanOrEqual(1e-5 * scale);
    }
    expect(expected.trilinear.filter((v) => v !== 0).length).toBeGreaterThan(100); // the comparison covers inside and outside voxels
  });
});

describe("the model grid's dims from its input shape", () => {
  it('in axes order, with or without channel and time axes, either layout; open (null) axes keep the input size', () => {
    const file = [64, 64, 30];
    expect(modelGridDims({ shape: [32, 32, 16, 1], dtype: 'float32' }, 'channels-last', 'ijk', 1, file)).toEqual([32, 32, 16]);
    expect(modelGridDims({ shape: [16, 32, 24, 1], dtype: 'float32' }, 'channels-last', 'kji', 1, file)).toEqual([24, 32, 16]); // slice-wise: k first
    expect(modelGridDims({ shape: [1, 32, 32, 16], dtype: 'float32' }, 'channels-first', 'ijk', 1, file)).toEqual([32, 32, 16]);
    expect(modelGridDims({ shape: [32, 32, 16, 12], dtype: 'float32' }, 'channels-last', 'ijk', 12, file)).toEqual([32, 32, 16]); // time as channels
    expect(modelGridDims({ shape: [12, 32, 32, 16, 1], dtype: 'float32' }, 'channels-last', 'ijk', 12, file)).toEqual([32, 32, 16]); // a sequence
    expect(modelGridDims({ shape: [32, 32, 16], dtype: 'float32' }, 'channels-last', 'ijk', 1, file)).toEqual([32, 32, 16]);
    expect(modelGridDims({ shape: [null, 32, null, 1], dtype: 'float32' }, 'channels-last', 'ijk', 1, file)).toEqual([64, 32, 30]);
    expect(modelGridDims({ shape: [10], dtype: 'float32' }, 'channels-last', 'ijk', 1, file)).toBeNull();
  });
});

describe('the fmri adapter resamples onto the model grid', () => {
  const spec: ModelInputSpec = { shape: [8, 8, 6, 1], dtype: 'float32' };
  const expected = JSON.parse(readFileSync(here('expected.json'), 'utf8')) as { targetAffine: number[][]; trilinear: number[]; nearest: number[] };
  const source = { name: 'source.nii.gz', bytes: new Uint8Array(readFileSync(here('source.nii.gz'))) };

  it('decode: trilinear by default, nearest on request, stated in the metadata; the header is the model grid', async () => {
    for (const interpolation of ['trilinear', 'nearest'] as const) {
      const options = { gridAffine: expected.targetAffine, ...(interpolation === 'nearest' ? { resample: 'nearest' } : {}) };
      const decoded = await fmriAdapter.decode([source], options, [spec]);
      expect(decoded.samples[0]!.shape).toEqual([8, 8, 6, 1]);
      Array.from(decoded.samples[0]!.values).forEach((v, p) => expect(Math.abs(v - expected[interpolation][p]!)).toBeLessThan(1e-4));
      const resampled = decoded.metadata.resampled as { text: string; gridFrom: string; to: { dims: number[] } };
      expect(resampled.text).toBe(`resampled from 10×9×8 at 3×3×3.5 mm to 8×8×6 at 4 mm (${interpolation})`);
      expect(resampled.gridFrom).toBe('option gridAffine');
      expect(decoded.metadata.shape).toEqual([10, 9, 8]); // the file's own
    }
    // the model's metadata names the grid when the option does not
    const fromMetadata = await fmriAdapter.decode([source], {}, [{ ...spec, metadata: { 'xai.affine': JSON.stringify(expected.targetAffine) } }]);
    expect((fromMetadata.metadata.resampled as { gridFrom: string }).gridFrom).toBe('model metadata xai.affine');
    // no affine anywhere: the input's field of view on the model's voxel count
    const fov = await fmriAdapter.decode([source], {}, [spec]);
    expect((fov.metadata.resampled as { text: string; gridFrom: string }).gridFrom).toMatch(/field of view/);
    expect((fov.metadata.resampled as { text: string }).text).toBe('resampled from 10×9×8 at 3×3×3.5 mm to 8×8×6 at 3.75×3.375×4.667 mm (trilinear)');
  });

  it("resample 'off' refuses the other grid, naming the option; a bad affine is named", async () => {
    await expect(fmriAdapter.decode([source], { resample: 'off' }, [spec])).rejects.toThrow(/source\.nii\.gz: the model expects \[8, 8, 6, 1\].*option resample/);
    await expect(fmriAdapter.decode([source], { gridAffine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]] }, [spec])).rejects.toThrow(/option gridAffine: the affine is singular/);
    await expect(fmriAdapter.decode([source], {}, [{ ...spec, metadata: { 'xai.affine': '[[1,2]]' } }])).rejects.toThrow(/model metadata xai\.affine: a voxel-to-world affine is 3 or 4 rows/);
  });

  it('a 4-D run: every volume resampled alike (batch of volumes on the model grid)', async () => {
    const volume = await readNifti(source.bytes, 'source.nii.gz');
    const run = new Float32Array(volume.data.length * 3);
    // NIfTI 4-D in nibabel order (i slowest … t fastest): volume t = (t + 1) × the source
    for (let p = 0; p < volume.data.length; p++) for (let t = 0; t < 3; t++) run[p * 3 + t] = (t + 1) * volume.data[p]!;
    const bytes = writeNifti({ data: run, shape: [10, 9, 8, 3], affine: volume.header.affine, timeStep: 2, temporalUnit: 's' });
    const decoded = await fmriAdapter.decode([{ name: 'run.nii', bytes }], { gridAffine: expected.targetAffine }, [spec]);
    expect(decoded.samples[0]!.shape).toEqual([3, 8, 8, 6, 1]);
    const per = 8 * 8 * 6;
    for (let t = 0; t < 3; t++) {
      decoded.samples[0]!.values.subarray(t * per, (t + 1) * per).forEach((v, p) => expect(Math.abs(v - (t + 1) * expected.trilinear[p]!)).toBeLessThan(1e-4 * (t + 1)));
    }
    // one volume of the run
    const one = await fmriAdapter.decode([{ name: 'run.nii', bytes }], { gridAffine: expected.targetAffine, volume: 2 }, [spec]);
    one.samples[0]!.values.forEach((v, p) => expect(Math.abs(v - 3 * expected.trilinear[p]!)).toBeLessThan(3e-4));
  });
});

describe('demo fMRI model on volumes of other grids', () => {
  let model: XaiModel;
  const demo = fmriDemoModels.find((m) => m.name === 'fmri-conv3d')!;
  beforeAll(async () => {
    await initBackend();
    model = await loadModel(FMRI_DEMO_MODELS.conv3d);
  });

  it('an activation map written at 2 mm, 48×48×24, LPS-flipped: resampled back, classified as activation, relevance on the model grid', async () => {
    const v = syntheticVolume(900_011, 1);
    const modelGrid: VoxelGrid = { dims: [...SYNTHETIC_SHAPE], affine: SYNTHETIC_AFFINE };
    // a 2 mm grid over the same field of view, stored with j flipped
    const fine: VoxelGrid = { dims: [48, 48, 24], affine: [[-2, 0, 0, 47], [0, -2, 0, 47], [0, 0, 2, -23], [0, 0, 0, 1]] };
    const data = resampleVolumes(v.values, modelGrid, fine, { interpolation: 'trilinear' });
    const bytes = writeNifti({ data, shape: [48, 48, 24], affine: fine.affine, gzip: true });
    const explained = await explainInput(model, fmriAdapter, [{ name: 'fine.nii.gz', bytes }], { method: 'lrp', composite: 'epsilon_plus', decodeOptions: demo.decodeOptions as Record<string, unknown>, classNames: demo.classNames });
    expect(explained.decoded.metadata.resampled).toMatchObject({ text: 'resampled from 48×48×24 at 2 mm to 32×32×16 at 3 mm (trilinear)', gridFrom: 'option gridAffine' });
    expect(explained.logits[1]!).toBeGreaterThan(explained.logits[0]!);
    const nifti = explained.artefacts.find((a) => a.name === 'relevance.nii.gz')!;
    expect(nifti.description).toMatch(/on the model grid .*32×32×16 at 3 mm.*resampled from 48×48×24 at 2 mm/);
    const back = await readNifti(nifti.bytes, 'relevance.nii.gz');
    expect(back.shape).toEqual([32, 32, 16]);
    back.header.affine.forEach((row, r) => row.forEach((x, c) => expect(x).toBeCloseTo(SYNTHETIC_AFFINE[r]![c]!, 4)));
    // the relevance lies in the planted activation: most positive relevance inside the mask
    let inside = 0;
    let all = 0;
    back.data.forEach((r, p) => {
      if (r <= 0) return;
      all += r;
      if (v.mask[p]) inside += r;
    });
    expect(inside / all).toBeGreaterThan(0.5);
  });

  it("the shared fixtures' functional.nii (4-D, 17×21×3 at 4×4×8 mm, 20 volumes) is resampled and explained volume by volume", async () => {
    const explained = await explainInput(model, fmriAdapter, [fixture('functional.nii')], { method: 'gradient', decodeOptions: demo.decodeOptions as Record<string, unknown>, classNames: demo.classNames });
    expect(explained.decoded.metadata.resampled).toMatchObject({ text: 'resampled from 17×21×3 at 4×4×8 mm to 32×32×16 at 3 mm (trilinear)' });
    expect(explained.decoded.samples[0]!.shape).toEqual([20, 32, 32, 16, 1]);
    expect(explained.logits).toHaveLength(40);
    const back = await readNifti(explained.artefacts.find((a) => a.name === 'relevance.nii.gz')!.bytes, 'relevance.nii.gz');
    expect(back.shape).toEqual([32, 32, 16, 20]);
    expect(back.header.pixdim[4]).toBeCloseTo(2, 6);
    const summary = JSON.parse(new TextDecoder().decode(explained.artefacts.find((a) => a.name === 'summary.json')!.bytes));
    expect(summary.resampled.text).toBe('resampled from 17×21×3 at 4×4×8 mm to 32×32×16 at 3 mm (trilinear)');
    // the 3-D anatomical.nii (33×41×25 at 2 mm, big-endian) too
    const anat = await fmriAdapter.decode([fixture('anatomical.nii')], demo.decodeOptions, modelInputSpecs(model));
    expect((anat.metadata.resampled as { text: string }).text).toBe('resampled from 33×41×25 at 2 mm to 32×32×16 at 3 mm (trilinear)');
  });

  it('the demo volumes are on the model grid: not resampled', async () => {
    const decoded = await fmriAdapter.decode([{ name: 'a.nii.gz', bytes: writeNifti({ data: syntheticVolume(5, 0).values, shape: [...SYNTHETIC_SHAPE], affine: SYNTHETIC_AFFINE, datatype: 'int16' }) }], demo.decodeOptions, modelInputSpecs(model));
    expect(decoded.metadata.resampled).toBeUndefined();
  });
});

/** NIfTI reading: the nibabel fixtures, every datatype in both byte orders, affines, axis orders, streaming. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { NIFTI_DATATYPES, readNifti, readNiftiFile } from '../src/index.js';
import { craftNifti, encodeValues } from './fmri-craft.js';

const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures/nifti');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  files: Record<string, {
    nifti_version: number; shape: number[]; datatype: string; endianness: string; pixdim: number[]; scl_slope: number; scl_inter: number;
    affine: number[][]; sum_scaled: number; mean_scaled: number; center_index: number[]; center_value_scaled: number; max_scaled: number;
    blob?: { index_ranges_half_open: [number, number][] };
  }>;
};
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
/** Index of the first differing element (−1: equal), fast on large typed arrays. */
const firstDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  if (a.length !== b.length) return -2;
  for (let n = 0; n < a.length; n++) if (a[n] !== b[n]) return n;
  return -1;
};
const rowMajor = (shape: readonly number[], index: readonly number[]) => index.reduce((s, c, k) => s * shape[k]! + c, 0);

describe('NIfTI fixtures (read by nibabel 5.0)', () => {
  for (const [name, e] of Object.entries(expected.files)) {
    it(`${name}: version, shape, datatype, byte order, pixdim, scaling, affine, sums`, async () => {
      const v = await readNifti(fixture(name), name);
      const h = v.header;
      expect(h.version).toBe(e.nifti_version);
      expect(v.shape).toEqual(e.shape);
      expect(h.datatype.name).toBe(e.datatype.replace('>i2', 'int16'));
      expect(h.littleEndian).toBe(e.endianness === 'little');
      h.pixdim.slice(1, 1 + e.shape.length).forEach((p, k) => expect(p).toBeCloseTo(e.pixdim[k]!, 6));
      expect(h.scaling?.slope ?? 1).toBeCloseTo(e.scl_slope, 12);
      expect(h.scaling?.inter ?? 0).toBeCloseTo(e.scl_inter, 9);
      // expected.json rounds the affine to 6 decimals
      h.affine.forEach((row, r) => row.forEach((x, c) => expect(Math.abs(x - e.affine[r]![c]!)).toBeLessThan(1e-5)));
      // float32 output, float64 sums: float32 precision
      let sum = 0;
      let max = -Infinity;
      for (const x of v.data) {
        sum += x;
        max = Math.max(max, x);
      }
      const n = e.shape.reduce((a, b) => a * b, 1);
      expect(Math.abs(sum - e.sum_scaled)).toBeLessThanOrEqual(1e-6 * Math.abs(e.sum_scaled));
      expect(Math.abs(sum / n - e.mean_scaled)).toBeLessThanOrEqual(1e-6 * Math.abs(e.mean_scaled));
      expect(Math.abs(max - e.max_scaled)).toBeLessThanOrEqual(6e-8 * Math.abs(e.max_scaled));
      const centre = v.data[rowMajor(v.shape, e.center_index)]!;
      expect(Math.abs(centre - e.center_value_scaled)).toBeLessThanOrEqual(6e-8 * Math.abs(e.center_value_scaled) + 1e-12);
    });
  }

  it('float64 output reproduces nibabel exactly; the scaled blob stands 200.5 above its surround', async () => {
    for (const name of ['functional.nii', 'scaled_blob.nii.gz']) {
      const v = await readNifti(fixture(name), name, { dtype: 'float64' });
      let sum = 0;
      for (const x of v.data) sum += x;
      expect(Math.abs(sum - expected.files[name]!.sum_scaled)).toBeLessThan(1e-6);
    }
    const blob = await readNifti(fixture('scaled_blob.nii.gz'), 'scaled_blob.nii.gz', { dtype: 'float64' });
    const [[i0, i1], [j0, j1], [k0, k1]] = expected.files['scaled_blob.nii.gz']!.blob!.index_ranges_half_open;
    let inside = 0;
    let ring = 0;
    let nIn = 0;
    let nRing = 0;
    for (let i = i0! - 1; i <= i1!; i++) for (let j = j0! - 1; j <= j1!; j++) for (let k = k0! - 1; k <= k1!; k++) {
      const v = blob.data[rowMajor(blob.shape, [i, j, k])]!;
      const isIn = i >= i0! && i < i1! && j >= j0! && j < j1! && k >= k0! && k < k1!;
      if (isIn) (inside += v, nIn++);
      else (ring += v, nRing++);
    }
    expect(inside / nIn - ring / nRing).toBeGreaterThan(150);
  });

  it('qform and sform agree where both are set; nibabel prefers the sform; extensions are listed', async () => {
    const anat = await readNifti(fixture('anatomical.nii'), 'anatomical.nii', { headerOnly: true });
    expect(anat.header.affineSource).toBe('sform');
    anat.header.qform!.forEach((row, r) => row.forEach((x, c) => expect(x).toBeCloseTo(anat.header.sform![r]![c]!, 5)));
    const ex = await readNifti(fixture('example4d.nii.gz'), 'example4d.nii.gz', { headerOnly: true });
    expect(ex.data).toHaveLength(0);
    expect(ex.header.hasExtensions).toBe(true);
    expect(ex.header.extensions.length).toBeGreaterThan(0);
    expect(ex.header.extensions[0]!.offset).toBe(352);
    expect(ex.header.spatialUnit).toBe('mm');
    expect(ex.header.temporalUnit).toBe('s'); // xyzt_units 10 (pixdim[4] = 2000 notwithstanding)
  });

  it('gzip and plain copies, in-memory and streamed from disk, read the same; axis orders transpose', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmri-read-'));
    try {
      const gz = fixture('example4d.nii.gz');
      writeFileSync(join(dir, 'plain.nii'), gunzipSync(gz));
      writeFileSync(join(dir, 'copy.nii.gz'), gz);
      const a = await readNifti(gz, 'example4d.nii.gz');
      const b = await readNifti(new Uint8Array(gunzipSync(gz)), 'plain.nii');
      const c = await readNiftiFile(join(dir, 'plain.nii'));
      const d = await readNiftiFile(join(dir, 'copy.nii.gz'));
      expect(a.data.length).toBe(128 * 96 * 24 * 2);
      expect(firstDifference(b.data, a.data)).toBe(-1);
      expect(firstDifference(c.data, a.data)).toBe(-1);
      expect(firstDifference(d.data, a.data)).toBe(-1);
      expect(d.compressed).toBe(true);
      // t first, then k, j, i: the file order reversed
      const t = await readNifti(gz, 'example4d.nii.gz', { axes: [3, 2, 1, 0] });
      expect(t.shape).toEqual([2, 24, 96, 128]);
      for (const [i, j, k, s] of [[64, 48, 12, 1], [3, 90, 0, 0], [127, 0, 23, 1]] as const) {
        expect(t.data[rowMajor(t.shape, [s, k, j, i])]).toBe(a.data[rowMajor(a.shape, [i, j, k, s])]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('NIfTI axis orders', () => {
  it('every permutation of a 4-D run matches the file-order data, with staging groups of any size', async () => {
    const bytes = fixture('example_nifti2.nii.gz');
    const disk = await readNifti(bytes, 'example_nifti2.nii.gz', { axes: [3, 2, 1, 0] });
    const shape = [32, 20, 12, 2];
    const perms = [[0, 1, 2, 3], [3, 0, 1, 2], [1, 0, 3, 2], [2, 3, 0, 1], [0, 3, 1, 2]];
    for (const axes of perms) {
      for (const stageElements of [1, 700, 7681, 1 << 24]) {
        const v = await readNifti(bytes, 'x.nii.gz', { axes, stageElements });
        expect(v.shape).toEqual(axes.map((a) => shape[a]));
        let bad = -1;
        for (let i = 0; i < 32 && bad < 0; i++) for (let j = 0; j < 20; j++) for (let k = 0; k < 12; k++) for (let t = 0; t < 2; t++) {
          const c = [i, j, k, t];
          const got = v.data[rowMajor(v.shape, axes.map((a) => c[a]!))];
          if (got !== disk.data[rowMajor(disk.shape, [t, k, j, i])]) bad = rowMajor(shape, c);
        }
        expect(bad, `axes [${axes}] stage ${stageElements}`).toBe(-1);
      }
    }
  });
});

describe('NIfTI datatypes and byte orders (crafted files)', () => {
  const values = [0, 1, 2, 3, 7, 100, 42, 5];
  const signed = [-3, 1, 2, -128, 7, 100, -42, 5];
  const cases = NIFTI_DATATYPES.filter((d) => d.kind !== 'bit' && d.kind !== 'rgb');
  for (const dt of cases) {
    for (const le of [true, false]) {
      for (const version of [1, 2] as const) {
        it(`${dt.name} ${le ? 'little' : 'big'}-endian NIfTI-${version}`, async () => {
          const src = dt.kind === 'uint' ? values : signed.map((v) => (dt.name === 'int8' ? Math.max(-128, v) : v));
          const stored = dt.kind === 'complex' ? src.flatMap((v) => [v, v / 2]) : src;
          const bytes = craftNifti({ version, littleEndian: le, dims: [2, 2, 2], datatype: dt.code, bitpix: dt.bits, data: encodeValues(dt.code, stored, le), sclSlope: 2, sclInter: -1 });
          const v = await readNifti(bytes, `${dt.name}.nii`);
          const want = src.map((x) => (dt.kind === 'complex' ? Math.hypot(x, x / 2) : x) * 2 - 1);
          // nibabel order data[i][j][k] from file order (i fastest)
          const reordered = [0, 1, 2, 3, 4, 5, 6, 7].map((p) => want[((p & 1) << 2) | (p & 2) | (p >> 2)]!);
          [...v.data].forEach((x, n) => expect(x).toBeCloseTo(reordered[n]!, 5));
        });
      }
    }
  }

  it('complex parts, RGB components, scaling off for slope 0 and for RGB', async () => {
    const complex = craftNifti({ dims: [2, 1, 1], datatype: 32, bitpix: 64, data: encodeValues(32, [3, 4, -1, 0]) });
    expect([...(await readNifti(complex, 'c.nii', { complex: 'real' })).data]).toEqual([3, -1]);
    expect([...(await readNifti(complex, 'c.nii', { complex: 'imaginary' })).data]).toEqual([4, 0]);
    expect([...(await readNifti(complex, 'c.nii')).data]).toEqual([5, 1]);
    expect((await readNifti(complex, 'c.nii', { complex: 'phase' })).data[1]).toBeCloseTo(Math.PI, 6);
    const rgb = craftNifti({ dims: [2, 1, 1], datatype: 128, bitpix: 24, data: new Uint8Array([10, 20, 30, 40, 50, 60]), sclSlope: 3 });
    const r = await readNifti(rgb, 'rgb.nii');
    expect(r.shape).toEqual([2, 1, 1, 3]);
    expect([...r.data]).toEqual([10, 20, 30, 40, 50, 60]);
    const noScale = craftNifti({ dims: [2, 1, 1], datatype: 4, data: encodeValues(4, [5, 6]), sclSlope: 0, sclInter: 9 });
    expect([...(await readNifti(noScale, 'zero-slope.nii')).data]).toEqual([5, 6]);
  });
});

describe('NIfTI affines', () => {
  it('qform only: quaternion, voxel sizes and qfac −1 (nifti1.h method 2)', async () => {
    // 90° about z: quaternion (a, 0, 0, d) with a = d = √½
    const s = Math.SQRT1_2;
    const bytes = craftNifti({ dims: [2, 2, 2], data: encodeValues(4, new Array(8).fill(1)), qformCode: 1, quatern: [0, 0, s], qoffset: [10, 20, 30], pixdim: [-1, 2, 3, 4] });
    const h = (await readNifti(bytes, 'q.nii')).header;
    expect(h.affineSource).toBe('qform');
    const want = [[0, -3, 0, 10], [2, 0, 0, 20], [0, 0, -4, 30], [0, 0, 0, 1]];
    h.affine.forEach((row, r) => row.forEach((x, c) => expect(x).toBeCloseTo(want[r]![c]!, 5)));
  });

  it('sform wins over qform even when qform_code is larger (nibabel; nifti-reader-js picks the qform)', async () => {
    const srow = [[1.5, 0, 0, -5], [0, 2.5, 0, 6], [0, 0, 3.5, 7]];
    const bytes = craftNifti({ dims: [2, 2, 2], data: encodeValues(4, new Array(8).fill(1)), qformCode: 4, sformCode: 1, quatern: [0, 0, 0], srow });
    const h = (await readNifti(bytes, 's.nii')).header;
    expect(h.affineSource).toBe('sform');
    expect(h.affine.slice(0, 3)).toEqual(srow);
  });

  it('neither form: voxel sizes, x flipped, origin at the centre (nibabel get_base_affine)', async () => {
    const bytes = craftNifti({ dims: [4, 6, 8], data: encodeValues(4, new Array(192).fill(0)), pixdim: [1, 2, 3, 4] });
    const h = (await readNifti(bytes, 'none.nii')).header;
    expect(h.affineSource).toBe('fallback');
    expect(h.affine).toEqual([[-2, 0, 0, 3], [0, 3, 0, -7.5], [0, 0, 4, -14], [0, 0, 0, 1]]);
  });
});

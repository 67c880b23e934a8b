/** The NIfTI writer: round trips (geometry, units, datatype, gzip), raw header bytes against the spec, nibabel when present. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { affineToQform, qformAffine, readNifti, writeNifti, type Matrix4 } from '../src/index.js';
import { PYTHON, requireTool } from './reference-tools.js';

const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures/nifti');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const relevanceLike = (n: number) => Float32Array.from({ length: n }, (_, p) => Math.sin(p * 0.37) * (p % 11 === 0 ? 1e-7 : 3.5));

describe('NIfTI writer', () => {
  it('relevance on the grid of a 4-D input: float32, qform/sform/codes, pixdim, units, values; gzip', async () => {
    const input = await readNifti(fixture('functional.nii'), 'functional.nii');
    const data = relevanceLike(input.data.length);
    for (const gzip of [false, true]) {
      const bytes = writeNifti({ data, shape: input.header.shape, like: input.header, gzip, description: 'xai lrp relevance', intentName: 'relevance' });
      expect(bytes[0] === 0x1f && bytes[1] === 0x8b).toBe(gzip);
      const back = await readNifti(bytes, gzip ? 'r.nii.gz' : 'r.nii');
      const h = back.header;
      expect(h.version).toBe(1);
      expect(h.datatype.name).toBe('float32');
      expect(h.littleEndian).toBe(true);
      expect(back.shape).toEqual([17, 21, 3, 20]);
      expect([h.qformCode, h.sformCode]).toEqual([input.header.qformCode, input.header.sformCode]);
      h.affine.forEach((row, r) => row.forEach((x, c) => expect(x).toBeCloseTo(input.header.affine[r]![c]!, 5)));
      h.qform!.forEach((row, r) => row.forEach((x, c) => expect(x).toBeCloseTo(input.header.qform![r]![c]!, 5)));
      expect(h.pixdim.slice(0, 5)).toEqual(input.header.pixdim.slice(0, 5));
      expect([h.spatialUnit, h.temporalUnit]).toEqual(['mm', 's']);
      expect(h.scaling).toBeNull();
      expect(h.description).toBe('xai lrp relevance');
      expect(h.intentName).toBe('relevance');
      expect(h.calMax).toBeCloseTo(3.5, 2);
      let diff = 0;
      for (let p = 0; p < data.length; p++) diff = Math.max(diff, Math.abs(back.data[p]! - data[p]!));
      expect(diff).toBe(0); // float32 in, float32 out
    }
  });

  it('raw header bytes sit where nifti1.h puts them', () => {
    const bytes = writeNifti({ data: new Float32Array(24).fill(2.5), shape: [2, 3, 4], affine: [[2, 0, 0, -1], [0, 2, 0, -2], [0, 0, 2, -3], [0, 0, 0, 1]], temporalUnit: 'ms' });
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    expect(bytes.length).toBe(352 + 24 * 4);
    expect(dv.getInt32(0, true)).toBe(348); // sizeof_hdr
    expect([0, 1, 2, 3].map((k) => dv.getInt16(40 + 2 * k, true))).toEqual([3, 2, 3, 4]); // dim
    expect(dv.getInt16(70, true)).toBe(16); // datatype DT_FLOAT32
    expect(dv.getInt16(72, true)).toBe(32); // bitpix
    expect([1, 2, 3].map((k) => dv.getFloat32(76 + 4 * k, true))).toEqual([2, 2, 2]); // pixdim
    expect(dv.getFloat32(108, true)).toBe(352); // vox_offset
    expect(dv.getFloat32(112, true)).toBe(1); // scl_slope
    expect(bytes[123]).toBe(2 | 16); // xyzt_units: mm | ms
    expect([dv.getInt16(252, true), dv.getInt16(254, true)]).toEqual([2, 2]); // qform_code, sform_code
    expect([0, 1, 2, 3].map((c) => dv.getFloat32(280 + 4 * c, true))).toEqual([2, 0, 0, -1]); // srow_x
    expect([...bytes.subarray(344, 352)]).toEqual([0x6e, 0x2b, 0x31, 0, 0, 0, 0, 0]); // magic 'n+1\0', no extensions
    expect(dv.getFloat32(352, true)).toBe(2.5);
  });

  it('affine → qform → affine is exact for rotations with any handedness', () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const cases: Matrix4[] = [
      [[c * 2, -s * 3, 0, 10], [s * 2, c * 3, 0, -20], [0, 0, 4, 30], [0, 0, 0, 1]],
      [[-3, 0, 0, 46.5], [0, 3, 0, -46.5], [0, 0, 3, -22.5], [0, 0, 0, 1]],
      [[0, 0, -1.5, 5], [-1.5, 0, 0, 6], [0, 2, 0, 7], [0, 0, 0, 1]],
    ];
    for (const m of cases) {
      const back = qformAffine(affineToQform(m))!;
      back.forEach((row, r) => row.forEach((x, k) => expect(x).toBeCloseTo(m[r]![k]!, 10)));
    }
  });

  it('data in another axis order are written in file order; int16 and uint8 storage', async () => {
    const shape = [3, 4, 5];
    const ijk = Float32Array.from({ length: 60 }, (_, p) => p);
    // the same values laid out k, j, i
    const kji = new Float32Array(60);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 5; k++) kji[(k * 4 + j) * 3 + i] = ijk[(i * 4 + j) * 5 + k]!;
    const back = await readNifti(writeNifti({ data: kji, shape, axes: [2, 1, 0] }), 'kji.nii');
    expect([...back.data]).toEqual([...ijk]);
    const i16 = await readNifti(writeNifti({ data: ijk.map((v) => v * 0.01 - 0.2), shape, datatype: 'int16', gzip: true }), 'i16.nii.gz');
    expect(i16.header.datatype.name).toBe('int16');
    i16.data.forEach((v, p) => expect(Math.abs(v - (p * 0.01 - 0.2))).toBeLessThan(0.4 / 32767));
    const u8 = await readNifti(writeNifti({ data: ijk, shape, datatype: 'uint8' }), 'u8.nii');
    expect([...u8.data]).toEqual([...ijk]);
  });

  it('refuses shapes NIfTI-1 cannot hold and data of the wrong length', () => {
    expect(() => writeNifti({ data: new Float32Array(2), shape: [40000, 1, 1] })).toThrow(/1\.\.32767/);
    expect(() => writeNifti({ data: new Float32Array(5), shape: [2, 3] })).toThrow(/needs 6/);
    expect(() => writeNifti({ data: new Float32Array(6), shape: [2, 3], axes: [0, 0] })).toThrow(/permutation/);
  });

  it('nibabel reads the written files with the same affine, zooms, units and data', async () => {
    requireTool('nibabel');
    const dir = mkdtempSync(join(tmpdir(), 'fmri-nib-'));
    try {
      const input = await readNifti(fixture('example4d.nii.gz'), 'example4d.nii.gz', { axes: [3, 2, 1, 0] });
      const data = relevanceLike(input.data.length);
      writeFileSync(join(dir, 'r.nii.gz'), writeNifti({ data, shape: input.header.shape, axes: input.axes, like: input.header, gzip: true }));
      const script = [
        'import nibabel as nib, numpy as np, json, sys',
        `img = nib.load(${JSON.stringify(join(dir, 'r.nii.gz'))}); ref = nib.load(${JSON.stringify(join(FIXTURES, 'example4d.nii.gz'))})`,
        'd = img.get_fdata()',
        'print(json.dumps({"dtype": str(img.get_data_dtype()), "shape": list(img.shape), "affine": float(np.abs(img.affine - ref.affine).max()),',
        '  "qform": float(np.abs(img.get_qform() - ref.get_qform()).max()), "zooms": [float(z) for z in img.header.get_zooms()],',
        '  "units": list(img.header.get_xyzt_units()), "v": float(d[64, 48, 12, 1]), "sum": float(d.sum())}))',
      ].join('\n');
      const out = JSON.parse(execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' })) as Record<string, unknown>;
      expect(out.dtype).toBe('float32');
      expect(out.shape).toEqual([128, 96, 24, 2]);
      expect(out.affine).toBeLessThan(1e-5);
      expect(out.qform).toBeLessThan(1e-5);
      expect(out.zooms).toEqual([2, 2, expect.closeTo(2.2, 5), 2000]);
      expect(out.units).toEqual(['mm', 'sec']);
      // data[t][k][j][i] in the written layout
      expect(out.v).toBeCloseTo(data[((1 * 24 + 12) * 96 + 48) * 128 + 64]!, 5);
      let sum = 0;
      for (const v of data) sum += v;
      expect(out.sum as number).toBeCloseTo(sum, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a gzip member is a complete standalone .nii', () => {
    const gz = writeNifti({ data: new Float32Array(8).fill(1), shape: [2, 2, 2], gzip: true });
    expect(gunzipSync(gz).length).toBe(352 + 32);
  });
});

/**
 * Crafted bad NIfTI files: each must fail with an InvalidNiftiError naming the file and the field,
 * without crashing, hanging or allocating what the header claims.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fmriAdapter, InvalidNiftiError, readNifti } from '../src/index.js';
import { craftNifti, encodeValues } from './fmri-craft.js';

const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures/nifti');
const good = () => craftNifti({ dims: [4, 4, 4], data: encodeValues(4, new Array(64).fill(7)) });

/** Reads `bytes` and returns the error, checking it is an InvalidNiftiError naming file and field. */
async function failure(bytes: Uint8Array, field: string | RegExp, file = 'bad.nii'): Promise<InvalidNiftiError> {
  const err = await readNifti(bytes, file).then(() => null, (e: unknown) => e);
  expect(err, `expected ${file} to be refused (${String(field)})`).toBeInstanceOf(InvalidNiftiError);
  const e = err as InvalidNiftiError;
  expect(e.file).toBe(file);
  if (typeof field === 'string') expect(e.field).toBe(field);
  else expect(e.field).toMatch(field);
  expect(e.message.startsWith(`${file}: ${e.field}: `)).toBe(true);
  return e;
}

describe('NIfTI robustness', () => {
  it('reads the well-formed crafted file the other cases break', async () => {
    expect([...(await readNifti(good(), 'good.nii')).data.slice(0, 3)]).toEqual([7, 7, 7]);
  });

  it('not NIfTI at all: empty, tiny, text, wrong sizeof_hdr', async () => {
    await failure(new Uint8Array(0), 'sizeof_hdr');
    await failure(new Uint8Array([1, 2, 3]), 'sizeof_hdr');
    expect((await failure(new TextEncoder().encode('hello, this is not a volume at all'.repeat(20)), 'sizeof_hdr')).message).toMatch(/expected 348 \(NIfTI-1\) or 540 \(NIfTI-2\)/);
    await failure(gzipSync(new TextEncoder().encode('plain text inside gzip'.repeat(30))), 'sizeof_hdr', 'text.nii.gz');
  });

  it('wrong magic: garbage, Analyze 7.5 (none), .hdr/.img pair, NIfTI-2 line-ending damage', async () => {
    expect((await failure(craftNifti({ dims: [2, 2, 2], magic: [0x78, 0x79, 0x7a, 0] }), 'magic')).message).toMatch(/'n\+1\\0' at byte 344/);
    expect((await failure(craftNifti({ dims: [2, 2, 2], magic: [0, 0, 0, 0] }), 'magic')).message).toMatch(/Analyze/);
    expect((await failure(craftNifti({ dims: [2, 2, 2], magic: [0x6e, 0x69, 0x31, 0] }), 'magic')).message).toMatch(/\.hdr\/\.img pair/);
    expect((await failure(craftNifti({ version: 2, dims: [2, 2, 2], magic: [0x6e, 0x2b, 0x32, 0, 0x0a, 0x0a, 0x1a, 0x0a] }), 'magic')).message).toMatch(/altered/);
  });

  it('truncated: inside the header, inside the data (plain and gzip), inside the gzip stream', async () => {
    const bytes = good();
    expect((await failure(bytes.subarray(0, 200), 'header')).message).toMatch(/truncated.*348.*200/);
    expect((await failure(bytes.subarray(0, 400), 'data')).message).toMatch(/declares 128 bytes from vox_offset 352, the file holds 48/);
    expect((await failure(gzipSync(bytes.subarray(0, 400)), 'data', 'cut.nii.gz')).message).toMatch(/the file holds 48/);
    const gz = gzipSync(craftNifti({ dims: [64, 64, 16], data: encodeValues(4, Array.from({ length: 65536 }, (_, n) => (n * 7919) % 3001)) }));
    await failure(gz.subarray(0, Math.floor(gz.length / 2)), /^(gzip|data)$/, 'half.nii.gz');
    await failure(gz.subarray(0, 30), /^(gzip|header|sizeof_hdr)$/, 'head.nii.gz');
  });

  it('corrupt gzip stream', async () => {
    const gz = new Uint8Array(gzipSync(craftNifti({ dims: [32, 32, 8], data: encodeValues(4, Array.from({ length: 8192 }, (_, n) => n % 1000)) })));
    for (let p = 40; p < 80; p++) gz[p] ^= 0x5a;
    expect((await failure(gz, 'gzip', 'corrupt.nii.gz')).message).toMatch(/corrupt compressed stream|truncated/);
  });

  it('inconsistent headers: dim[0], zero/negative dims, datatype, bitpix, vox_offset, pixdim, quaternion, srow', async () => {
    const data = encodeValues(4, new Array(8).fill(1));
    await failure(craftNifti({ dims: [2, 2, 2], dim0: 0, data }), 'dim[0]');
    await failure(craftNifti({ dims: [2, 2, 2], dim0: 9, data }), 'dim[0]');
    await failure(craftNifti({ dims: [2, 0, 2], data }), 'dim[2]');
    await failure(craftNifti({ dims: [2, 2, -5], data }), 'dim[3]');
    expect((await failure(craftNifti({ dims: [2, 2, 2], datatype: 3, data }), 'datatype')).message).toMatch(/unknown datatype code 3/);
    expect((await failure(craftNifti({ dims: [2, 2, 2], datatype: 1, bitpix: 1, data }), 'datatype')).message).toMatch(/DT_BINARY/);
    expect((await failure(craftNifti({ dims: [2, 2, 2], bitpix: 8, data }), 'bitpix')).message).toMatch(/is 8 but datatype int16 \(code 4\) has 16 bits/);
    await failure(craftNifti({ dims: [2, 2, 2], voxOffset: 100, data }), 'vox_offset');
    await failure(craftNifti({ dims: [2, 2, 2], voxOffset: 352.5, data }), 'vox_offset');
    await failure(craftNifti({ dims: [2, 2, 2], pixdim: [1, NaN, 1, 1], data }), 'pixdim[1]');
    await failure(craftNifti({ dims: [2, 2, 2], qformCode: 1, quatern: [0.9, 0.9, 0.9], data }), 'quatern_b/c/d');
    await failure(craftNifti({ dims: [2, 2, 2], qformCode: 1, pixdim: [1, -2, 1, 1], data }), 'pixdim[1]');
    await failure(craftNifti({ dims: [2, 2, 2], sformCode: 2, srow: [[1, 0, 0, 0], [0, Infinity, 0, 0], [0, 0, 1, 0]], data }), 'srow_y');
  });

  it('bad extensions: esize not a multiple of 16, negative, running past vox_offset (no endless loop)', async () => {
    const ext = (esize: number) => {
      const b = new Uint8Array(32);
      new DataView(b.buffer).setInt32(0, esize, true);
      return b;
    };
    const data = encodeValues(4, new Array(8).fill(1));
    await failure(craftNifti({ dims: [2, 2, 2], extension: ext(20), data }), 'extension 0 esize');
    await failure(craftNifti({ dims: [2, 2, 2], extension: ext(-16), data }), 'extension 0 esize');
    await failure(craftNifti({ dims: [2, 2, 2], extension: ext(4096), data }), 'extension 0 esize');
    const ok = await readNifti(craftNifti({ dims: [2, 2, 2], extension: ext(32), data }), 'ext.nii');
    expect(ok.header.extensions).toEqual([{ code: 0, size: 32, offset: 352 }]);
  });

  it('huge declared sizes are refused before anything is allocated', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    // 32767³ int16 voxels: over the voxel limit
    expect((await failure(craftNifti({ dims: [32767, 32767, 32767] }), 'dim[1..3]')).message).toMatch(/more than the limit/);
    // NIfTI-2 with 2^40 voxels
    await failure(craftNifti({ version: 2, dims: [2 ** 20, 2 ** 20, 1] }), 'dim[1..3]');
    // under the voxel limit but far more than the file holds: plain → truncated before allocation
    expect((await failure(craftNifti({ dims: [1024, 1024, 400] }), 'data')).message).toMatch(/declares 838860800 bytes/);
    // gzip: more than deflate can expand 300 bytes to
    const gz = gzipSync(craftNifti({ dims: [1024, 1024, 400] }));
    expect((await failure(gz, 'dim[1..3]', 'bomb.nii.gz')).message).toMatch(/cannot come from a \d+-byte gzip stream/);
    // a caller's lower limit
    const limited = await readNifti(good(), 'small.nii', { maxVoxels: 10 }).catch((e: unknown) => e);
    expect((limited as InvalidNiftiError).field).toBe('dim[1..3]');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('the adapter passes the reader errors on, and names files it cannot read', async () => {
    const file = { name: 'broken.nii.gz', bytes: new Uint8Array(readFileSync(join(FIXTURES, 'example4d.nii.gz'))).subarray(0, 5000) };
    await expect(fmriAdapter.decode([file])).rejects.toThrow(/^broken\.nii\.gz: (gzip|data): /);
    await expect(fmriAdapter.decode([{ name: 'scan.img', bytes: good() }])).rejects.toThrow(/scan\.img: the fmri modality reads \.nii, \.nii\.gz/);
    await expect(fmriAdapter.decode([{ name: 'slice.nii', bytes: craftNifti({ dims: [4, 4], data: encodeValues(4, new Array(16).fill(1)) }) }])).rejects.toThrow(/slice\.nii: dim\[0\]: an fMRI input has 3/);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { readInputFile, type ReadInputOptions } from '../src/io/read-input.js';
import { colormapPalette, encodeIndexedPng } from '../src/render/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xai-read-input-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Write `bytes` to a temp file and read it back as an input. */
async function roundTrip(name: string, bytes: Uint8Array | string, options?: ReadInputOptions) {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return readInputFile(path, options);
}

async function rejects(name: string, bytes: Uint8Array | string, message: RegExp, options?: ReadInputOptions) {
  const err = await roundTrip(name, bytes, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidArgumentError);
  expect((err as Error).message).toContain(join(dir, name));
  expect((err as Error).message).toMatch(message);
}

const arr = (a: ArrayLike<number>) => Array.from(a);

describe('PNG', () => {
  // 2×1 pixels.
  const rgb = new Uint8Array([255, 0, 51, 0, 128, 255]);

  it('reads RGB as [h, w, 3] scaled to [0, 1], or 0..255 on request', async () => {
    const png = encode({ width: 2, height: 1, data: rgb, channels: 3, depth: 8 });
    const a = await roundTrip('rgb.png', png);
    expect(a.shape).toEqual([1, 2, 3]);
    expect(arr(a.values)).toEqual(arr(Float32Array.from(rgb, (v) => v / 255)));
    const b = await roundTrip('rgb.png', png, { scale: '0-255', shape: [1, 2, 3] });
    expect(arr(b.values)).toEqual(arr(rgb));
  });

  it('drops alpha (RGBA and grey + alpha)', async () => {
    const rgba = encode({ width: 2, height: 1, data: new Uint8Array([255, 0, 51, 7, 0, 128, 255, 0]), channels: 4, depth: 8 });
    const a = await roundTrip('rgba.png', rgba, { scale: '0-255' });
    expect([a.shape, arr(a.values)]).toEqual([[1, 2, 3], arr(rgb)]);
    const ga = encode({ width: 2, height: 1, data: new Uint8Array([10, 255, 20, 0]), channels: 2, depth: 8 });
    const b = await roundTrip('ga.png', ga, { scale: '0-255' });
    expect([b.shape, arr(b.values)]).toEqual([[1, 2, 1], [10, 20]]);
  });

  it('replicates grey to 3 channels when the model expects 3, and fits a 2-D sample shape', async () => {
    const grey = encode({ width: 2, height: 2, data: new Uint8Array([0, 51, 102, 255]), channels: 1, depth: 8 });
    const own = await roundTrip('grey.png', grey);
    expect([own.shape, arr(own.values)]).toEqual([[2, 2, 1], arr(Float32Array.from([0, 0.2, 0.4, 1]))]);
    const three = await roundTrip('grey.png', grey, { shape: [2, 2, 3], scale: '0-255' });
    expect([three.shape, arr(three.values)]).toEqual([[2, 2, 3], [0, 0, 0, 51, 51, 51, 102, 102, 102, 255, 255, 255]]);
    const flat = await roundTrip('grey.png', grey, { shape: [2, 2], scale: '0-255' });
    expect([flat.shape, arr(flat.values)]).toEqual([[2, 2], [0, 51, 102, 255]]);
  });

  it('takes one channel of an RGB image whose channels are equal when the model expects 1; colour is a mismatch', async () => {
    const greyish = encode({ width: 2, height: 1, data: new Uint8Array([9, 9, 9, 200, 200, 200]), channels: 3, depth: 8 });
    const a = await roundTrip('greyish.png', greyish, { shape: [1, 2, 1], scale: '0-255' });
    expect([a.shape, arr(a.values)]).toEqual([[1, 2, 1], [9, 200]]);
    const colour = encode({ width: 2, height: 1, data: rgb, channels: 3, depth: 8 });
    await rejects('colour.png', colour, /input has shape \[1, 2, 3\] but the model expects \[1, 2, 1\].*has colour/, { shape: [1, 2, 1] });
  });

  it('reads 16-bit images', async () => {
    const data = new Uint16Array([65535, 0, 257, 32768, 1, 65535]);
    const png = encode({ width: 2, height: 1, data, channels: 3, depth: 16 });
    const a = await roundTrip('16.png', png);
    expect([a.shape, arr(a.values)]).toEqual([[1, 2, 3], arr(Float32Array.from(data, (v) => v / 65535))]);
    const b = await roundTrip('16.png', png, { scale: '0-255' });
    expect(arr(b.values)).toEqual(arr(Float32Array.from(data, (v) => v / 257)));
    const grey16 = encode({ width: 1, height: 2, data: new Uint16Array([0, 65535]), channels: 1, depth: 16 });
    expect(arr((await roundTrip('g16.png', grey16, { shape: [2, 1, 3] })).values)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('reads 1- and 4-bit greyscale', async () => {
    // 3×2 at 1 bit: rows 1,0,1 and 0,1,1, each row padded to a byte.
    const one = encode({ width: 3, height: 2, data: new Uint8Array([0b10100000, 0b01100000]), channels: 1, depth: 1 });
    const a = await roundTrip('1bit.png', one);
    expect([a.shape, arr(a.values)]).toEqual([[2, 3, 1], [1, 0, 1, 0, 1, 1]]);
    const four = encode({ width: 3, height: 1, data: new Uint8Array([0xf7, 0x30]), channels: 1, depth: 4 });
    const b = await roundTrip('4bit.png', four, { scale: '0-255' });
    expect(arr(b.values)).toEqual([255, 7 * 17, 3 * 17]);
  });

  it('reads palette PNGs as RGB', async () => {
    const palette = colormapPalette('bwr');
    const png = encodeIndexedPng({ indices: new Uint8Array([0, 128, 255]), palette, width: 3, height: 1 });
    const a = await roundTrip('indexed.png', png, { scale: '0-255' });
    expect([a.shape, arr(a.values)]).toEqual([[1, 3, 3], [0, 0, 255, 255, 255, 255, 255, 0, 0]]);
  });

  it('names the file and both shapes on a size mismatch (no resizing)', async () => {
    const png = encode({ width: 2, height: 1, data: rgb, channels: 3, depth: 8 });
    await rejects('small.png', png, /input has shape \[1, 2, 3\] but the model expects \[32, 32, 3\] \(images are not resized/, { shape: [32, 32, 3] });
    await rejects('small.png', png, /expects \[1, 2, 3, 1\]/, { shape: [1, 2, 3, 1] });
  });

  it('rejects a corrupt PNG', async () => {
    const png = encode({ width: 2, height: 1, data: rgb, channels: 3, depth: 8 });
    await rejects('garbage.png', new Uint8Array([1, 2, 3, 4, 5]), /not a valid PNG file/);
    const flipped = png.slice();
    flipped[png.length - 20] ^= 0xff; // inside IDAT: CRC mismatch
    await rejects('flipped.png', flipped, /not a valid PNG file/);
  });
});

describe('JPEG', () => {
  it('decodes with jpeg-js to [h, w, 3] in [0, 1]', async () => {
    const width = 16;
    const height = 8;
    const rgba = new Uint8Array(width * height * 4);
    for (let p = 0; p < width * height; p++) rgba.set([200, 100, 50, 255], p * 4);
    const jpg = jpeg.encode({ data: rgba, width, height }, 100).data;
    const a = await roundTrip('flat.jpg', jpg, { shape: [8, 16, 3] });
    expect(a.shape).toEqual([8, 16, 3]);
    for (const [c, v] of [200, 100, 50].entries()) expect(Math.abs(a.values[c]! - v / 255)).toBeLessThan(3 / 255);
    const b = await roundTrip('FLAT.JPEG', jpg, { scale: '0-255' });
    expect(Math.abs(b.values[0]! - 200)).toBeLessThan(3);
    await rejects('broken.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]), /not a valid JPEG file/);
    await rejects('flat.jpg', jpg, /input has shape \[8, 16, 3\] but the model expects \[16, 8, 3\]/, { shape: [16, 8, 3] });
  });
});

// ---- .npy, written by hand per the format spec (numpy/lib/format.py) ----------------------------

function npy(
  descr: string,
  shape: readonly number[],
  data: Uint8Array,
  { version = 1, fortran = false, header }: { version?: 1 | 2 | 3; fortran?: boolean; header?: string } = {},
): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = header ?? `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  let text = new TextEncoder().encode(dict);
  const pad = (64 - ((pre + text.length + 1) % 64)) % 64; // total header a multiple of 64, ending in '\n'
  text = new TextEncoder().encode(`${dict}${' '.repeat(pad)}\n`);
  const out = new Uint8Array(pre + text.length + data.length);
  out.set([0x93, ...[...'NUMPY'].map((c) => c.charCodeAt(0)), version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, pre);
  out.set(data, pre + text.length);
  expect((pre + text.length) % 64).toBe(0);
  return out;
}

type Setter = (view: DataView, at: number, v: number, little: boolean) => void;
const SETTERS: Record<string, [size: number, set: Setter]> = {
  f2: [2, (d, at, v, le) => d.setUint16(at, v, le)], // v is the raw half-precision bit pattern
  f4: [4, (d, at, v, le) => d.setFloat32(at, v, le)],
  f8: [8, (d, at, v, le) => d.setFloat64(at, v, le)],
  i1: [1, (d, at, v) => d.setInt8(at, v)],
  i2: [2, (d, at, v, le) => d.setInt16(at, v, le)],
  i4: [4, (d, at, v, le) => d.setInt32(at, v, le)],
  i8: [8, (d, at, v, le) => d.setBigInt64(at, BigInt(v), le)],
  u1: [1, (d, at, v) => d.setUint8(at, v)],
  u2: [2, (d, at, v, le) => d.setUint16(at, v, le)],
  u4: [4, (d, at, v, le) => d.setUint32(at, v, le)],
  u8: [8, (d, at, v, le) => d.setBigUint64(at, BigInt(v), le)],
  b1: [1, (d, at, v) => d.setUint8(at, v)],
};

function pack(descr: string, values: readonly number[]): Uint8Array {
  const [size, set] = SETTERS[descr.slice(1)]!;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => set(view, i * size, v, descr[0] !== '>'));
  return out;
}

describe('.npy', () => {
  const cases: [descr: string, stored: number[], expected: number[]][] = [
    ['<f4', [1.5, -2.25, 3e-8], [1.5, -2.25, Math.fround(3e-8)]],
    ['>f4', [1.5, -2.25, 3e-8], [1.5, -2.25, Math.fround(3e-8)]],
    ['<f8', [0.1, -1e10], [Math.fround(0.1), -1e10]],
    ['>f8', [0.1, -1e10], [Math.fround(0.1), -1e10]],
    ['<f2', [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001], [1, -2, 0.5, 65504, 2 ** -24]],
    ['>f2', [0x3c00, 0xfc00], [1, Number.NEGATIVE_INFINITY]],
    ['|i1', [-128, 127, 0], [-128, 127, 0]],
    ['<i2', [-300, 300], [-300, 300]],
    ['>i2', [-300, 300], [-300, 300]],
    ['<i4', [-70000, 5], [-70000, 5]],
    ['>i4', [-70000, 5], [-70000, 5]],
    ['<i8', [-(2 ** 40), 7], [-(2 ** 40), 7]],
    ['>i8', [-(2 ** 40), 7], [-(2 ** 40), 7]],
    ['|u1', [0, 255], [0, 255]],
    ['<u1', [3], [3]],
    ['<u2', [65535, 1], [65535, 1]],
    ['>u2', [65535, 1], [65535, 1]],
    ['<u4', [4e9, 3], [Math.fround(4e9), 3]],
    ['>u4', [4e9, 3], [Math.fround(4e9), 3]],
    ['<u8', [2 ** 50, 9], [2 ** 50, 9]],
    ['>u8', [2 ** 50, 9], [2 ** 50, 9]],
    ['|b1', [1, 0, 1], [1, 0, 1]],
  ];

  it.each(cases)('%s', async (descr, stored, expected) => {
    const a = await roundTrip(`a${descr.replace(/\W/g, '_')}.npy`, npy(descr, [stored.length], pack(descr, stored)));
    expect(a.shape).toEqual([stored.length]);
    expect(arr(a.values)).toEqual(expected);
  });

  it('reads format versions 2.0 and 3.0 and multi-dimensional C-order arrays', async () => {
    const values = Array.from({ length: 24 }, (_, i) => i - 12);
    for (const version of [1, 2, 3] as const) {
      const a = await roundTrip(`v${version}.npy`, npy('<f4', [2, 3, 4], pack('<f4', values), { version }), { shape: [2, 3, 4] });
      expect([a.shape, arr(a.values)]).toEqual([[2, 3, 4], values]);
    }
    // Version 3.0 allows UTF-8 in the header.
    const utf8 = npy('<f4', [], pack('<f4', [2]), { version: 3, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (), 'note': 'µ'}" });
    expect(await roundTrip('v3utf8.npy', utf8)).toEqual({ values: Float32Array.from([2]), shape: [] });
  });

  it('accepts size-1 axes around the expected shape (a batch of one) and rejects other shapes', async () => {
    const values = Array.from({ length: 6 }, (_, i) => i);
    const file = npy('<f4', [1, 2, 3], pack('<f4', values));
    const a = await roundTrip('batch.npy', file, { shape: [2, 3] });
    expect([a.shape, arr(a.values)]).toEqual([[2, 3], values]);
    expect((await roundTrip('batch.npy', file, { shape: [2, 3, 1] })).shape).toEqual([2, 3, 1]);
    await rejects('batch.npy', file, /input has shape \[1, 2, 3\] but the model expects \[3, 2\]/, { shape: [3, 2] });
    await rejects('batch.npy', file, /input has shape \[1, 2, 3\] but the model expects \[2, 3, 3\]/, { shape: [2, 3, 3] });
  });

  it('rejects Fortran order with a clear message, but not where it equals C order', async () => {
    await rejects('f.npy', npy('<f4', [2, 3], pack('<f4', [1, 2, 3, 4, 5, 6]), { fortran: true }), /Fortran-order \(column-major\) .npy arrays are not supported/);
    const vector = await roundTrip('fvec.npy', npy('<f4', [1, 3], pack('<f4', [1, 2, 3]), { fortran: true }));
    expect(arr(vector.values)).toEqual([1, 2, 3]);
  });

  it('rejects corrupt files and unsupported dtypes', async () => {
    const good = npy('<f4', [4], pack('<f4', [1, 2, 3, 4]));
    await rejects('magic.npy', good.slice(1), /not a valid .npy file \(missing the \\x93NUMPY magic/);
    await rejects('short.npy', good.subarray(0, good.length - 1), /truncated data: shape \[4\] of '<f4' needs 16 bytes, the file has 15/);
    await rejects('hdr.npy', good.subarray(0, 40), /truncated header/);
    const v9 = good.slice();
    v9[6] = 9;
    await rejects('v9.npy', v9, /unsupported format version 9.0/);
    await rejects('c8.npy', npy('<c8', [1], new Uint8Array(8)), /unsupported .npy dtype '<c8'; supported dtypes/);
    await rejects('obj.npy', npy('|O', [1], new Uint8Array(8)), /unsupported .npy dtype '\|O'/);
    await rejects('u3.npy', npy('<u3', [1], new Uint8Array(3)), /unsupported .npy dtype/);
    await rejects('rec.npy', npy('', [1], new Uint8Array(8), { header: "{'descr': [('a', '<f4'), ('b', '<f4')], 'fortran_order': False, 'shape': (1,), }" }), /structured .npy dtypes are not supported/);
    await rejects('dict.npy', npy('', [1], new Uint8Array(4), { header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1,) " }), /not a valid .npy file/);
    await rejects('noshape.npy', npy('', [1], new Uint8Array(4), { header: "{'descr': '<f4', 'fortran_order': False}" }), /shape missing/);
  });
});

describe('JSON', () => {
  it('reads a nested number array', async () => {
    const a = await roundTrip('nested.json', JSON.stringify([[[1, 2], [3, 4], [5, 6]]]), { shape: [3, 2] });
    expect([a.shape, arr(a.values)]).toEqual([[3, 2], [1, 2, 3, 4, 5, 6]]);
    expect((await roundTrip('nested.json', JSON.stringify([[[1, 2], [3, 4], [5, 6]]]))).shape).toEqual([1, 3, 2]);
  });

  it('reads { shape, data } with flat or nested data', async () => {
    const a = await roundTrip('obj.json', JSON.stringify({ shape: [2, 2, 1], data: [0.5, -1, 2, 3] }), { shape: [2, 2, 1] });
    expect([a.shape, arr(a.values)]).toEqual([[2, 2, 1], [0.5, -1, 2, 3]]);
    const b = await roundTrip('obj2.json', JSON.stringify({ shape: [2, 2], data: [[1, 2], [3, 4]] }));
    expect([b.shape, arr(b.values)]).toEqual([[2, 2], [1, 2, 3, 4]]);
    // The relevance JSON this package writes ("values") reads back too.
    const c = await roundTrip('rel.json', JSON.stringify({ format: 'xai-relevance', shape: [2], values: [1, 2] }));
    expect(arr(c.values)).toEqual([1, 2]);
  });

  it('rejects bad JSON input, naming the file and the fault', async () => {
    await rejects('syntax.json', '[1, 2', /not valid JSON/);
    await rejects('ragged.json', '[[1, 2], [3]]', /element \[1\] is not an array of length 2/);
    await rejects('nan.json', '[[1, "x"]]', /element \[0\]\[1\] is "x", expected a number/);
    await rejects('count.json', JSON.stringify({ shape: [2, 3], data: [1, 2, 3] }), /"data" has 3 values but "shape" is \[2, 3\]/);
    await rejects('nshape.json', JSON.stringify({ shape: [3, 2], data: [[1, 2, 3], [4, 5, 6]] }), /"data" has shape \[2, 3\] but "shape" is \[3, 2\]/);
    await rejects('noshape.json', JSON.stringify({ data: [1] }), /"shape" must be an array/);
    await rejects('nodata.json', JSON.stringify({ shape: [1] }), /expected a "data" array/);
    await rejects('scalar.json', '3', /expected a nested number array/);
    await rejects('mismatch.json', '[1, 2, 3]', /input has shape \[3\] but the model expects \[4\]/, { shape: [4] });
  });
});

describe('files', () => {
  it('rejects unknown extensions and missing files, naming them', async () => {
    await rejects('image.bmp', new Uint8Array(4), /unsupported input file type ".bmp"; supported: .png, .jpg, .jpeg, .npy, .json/);
    await rejects('noext', new Uint8Array(4), /unsupported input file type \(no extension\)/);
    const missing = join(dir, 'missing.png');
    await expect(readInputFile(missing)).rejects.toThrow(new RegExp(`${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read input file.*ENOENT`));
  });

  it('validates options', async () => {
    await expect(roundTrip('opt.json', '[1]', { scale: '0-2' as '0-1' })).rejects.toThrow(/scale must be '0-1' or '0-255'/);
    await expect(roundTrip('opt.json', '[1]', { shape: [0] })).rejects.toThrow(/expected shape must hold positive integers/);
  });
});

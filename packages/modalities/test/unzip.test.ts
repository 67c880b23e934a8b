/**
 * The project's one zip unpacker (model uploads, data sets): entries by their cleaned paths, limits
 * on files, inflated bytes (shared by the zips of one budget) and the ratio, counted on the bytes
 * really inflated; entries outside the archive refused; errors name the zip and the entry.
 */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { InvalidZipError, unzipBytes, unzipStream, ZipLimitError, type UnzipLimits } from '../src/zip/index.js';

const enc = new TextEncoder();
const MB = 1024 * 1024;
const LOOSE: UnzipLimits = { maxFiles: 100, maxBytes: 64 * MB, maxZipRatio: 1000 };

/** Seeded bytes that do not compress (an LCG). */
function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) out[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
  return out;
}

/** Rewrites every declared uncompressed size (local headers and central directory) to `size`. */
function lieAboutSizes(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50) view.setUint32(i + 22, size, true);
    else if (signature === 0x02014b50) view.setUint32(i + 24, size, true);
  }
  return out;
}

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const stoppedAfter = (message: string) => Number(/stopped after (\d+) bytes/.exec(message)?.[1] ?? NaN);

describe('unzip', () => {
  it('gives every file by its cleaned path, leaving out folders, hidden files and __MACOSX/; a stream gives the same', async () => {
    const a = noise(70_000, 1);
    const zip = zipSync({ 'set/': new Uint8Array(), 'set/a.bin': a, 'set/./sub/b.txt': enc.encode('bee'), 'set/.DS_Store': enc.encode('x'), '__MACOSX/set/._a.bin': enc.encode('fork') });
    const entries = unzipBytes(zip, 'set.zip', LOOSE);
    expect(entries.map((e) => e.path)).toEqual(['set/a.bin', 'set/sub/b.txt']);
    expect(entries[0]!.bytes).toEqual(a);
    expect(new TextDecoder().decode(entries[1]!.bytes)).toBe('bee');
    const streamed = await unzipStream(chunksOf(zip, 1000), zip.byteLength, 'set.zip', LOOSE);
    expect(streamed.map((e) => [e.path, e.bytes.byteLength])).toEqual(entries.map((e) => [e.path, e.bytes.byteLength]));
  });

  it('refuses an entry that points outside the archive, naming it', () => {
    for (const name of ['../evil.txt', 'a/../../evil.txt', '/etc/evil', 'C:/evil.txt']) {
      const zip = zipSync({ 'ok.txt': enc.encode('ok'), [name]: enc.encode('evil') });
      let error: unknown;
      try {
        unzipBytes(zip, 'bad.zip', LOOSE);
      } catch (err) {
        error = err;
      }
      expect(error, name).toBeInstanceOf(InvalidZipError);
      expect(error, name).not.toBeInstanceOf(ZipLimitError);
      expect((error as Error).message).toBe(`bad.zip: entry '${name}' points outside the archive`);
    }
  });

  it('limits the files, naming the first one over and the setting', () => {
    const zip = zipSync(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.txt`, enc.encode(String(i))])));
    expect(unzipBytes(zip, 'five.zip', { ...LOOSE, maxFiles: 5 })).toHaveLength(5);
    expect(() => unzipBytes(zip, 'five.zip', { ...LOOSE, maxFiles: 4 }, { what: 'one upload', settings: { files: 'XAI_MAX_FILES' } })).toThrow(
      new ZipLimitError('five.zip', "holds more than 4 files, the limit for one upload (XAI_MAX_FILES) (at 'f4.txt')"),
    );
  });

  it('counts files and inflated bytes over all zips of one budget', () => {
    const part = (i: number) => zipSync({ [`part${i}.bin`]: noise(300_000, i) });
    const limits = { maxFiles: 10, maxBytes: 800_000, maxZipRatio: 1000 };
    const budget = { files: 0, bytes: 0 };
    unzipBytes(part(1), 'p1.zip', limits, { budget });
    unzipBytes(part(2), 'p2.zip', limits, { budget });
    expect(budget).toEqual({ files: 2, bytes: 600_000 });
    const third = () => unzipBytes(part(3), 'p3.zip', limits, { budget, what: 'one upload', settings: { bytes: 'XAI_MAX_UNZIPPED_MB' } });
    expect(third).toThrow(ZipLimitError);
    expect(third).toThrow(/^p3\.zip: unpacks to more than the limit of 800000 bytes for one upload \(XAI_MAX_UNZIPPED_MB\); stopped after \d+ bytes, in 'part3\.bin'$/);
    expect(budget).toEqual({ files: 2, bytes: 600_000 }); // a refused zip adds nothing
  });

  it('stops a zip whose headers lie about its sizes at the ratio, after bounded work', async () => {
    const liar = lieAboutSizes(zipSync({ 'zeros.bin': new Uint8Array(16 * MB) }, { level: 9 }), 1000);
    expect(liar.byteLength).toBeLessThan(40_000); // 16 MiB of zeros: far over 100 × its size
    const limits = { maxFiles: 10, maxBytes: 1024 * MB, maxZipRatio: 100 };
    let message = '';
    try {
      await unzipStream(chunksOf(liar, 64 * 1024), liar.byteLength, 'bomb.zip', limits, { settings: { ratio: 'XAI_MAX_ZIP_RATIO' } });
    } catch (err) {
      expect(err).toBeInstanceOf(ZipLimitError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^bomb\.zip: unpacks to more than 100 times its size of \d+ bytes \(XAI_MAX_ZIP_RATIO\): a zip bomb\? stopped after \d+ bytes, in 'zeros\.bin'$/);
    // the ratio allows max(1 MiB, 100 × size); one 4 KiB compressed step inflates at most ~4.2 MB more
    expect(stoppedAfter(message)).toBeLessThanOrEqual(Math.max(MB, 100 * liar.byteLength) + 4.2 * MB);
  });

  it('names the zip for what is no zip or an empty one, and throws the caller\'s error kinds', async () => {
    expect(() => unzipBytes(enc.encode('hello, not a zip'), 'x.zip', LOOSE)).toThrow(/^x\.zip: not a readable zip archive/);
    expect(() => unzipBytes(zipSync({ 'd/': new Uint8Array() }), 'empty.zip', LOOSE)).toThrow(/^empty\.zip: not a readable zip archive, or an empty one/);
    class Invalid extends Error {
      constructor(file: string, detail: string) {
        super(`${file}: ${detail}`);
      }
    }
    class Limit extends Invalid {}
    const errors = { invalid: Invalid, limit: Limit };
    expect(() => unzipBytes(enc.encode('nope'), 'y.zip', LOOSE, { errors })).toThrow(Invalid);
    expect(() => unzipBytes(zipSync({ a: enc.encode('1'), b: enc.encode('2') }), 'z.zip', { ...LOOSE, maxFiles: 1 }, { errors })).toThrow(Limit);
    await expect(
      unzipStream(
        (async function* () {
          yield new Uint8Array([0x50, 0x4b]);
          throw new Error('disk gone');
        })(),
        10,
        's.zip',
        LOOSE,
        { errors },
      ),
    ).rejects.toThrow(new Invalid('s.zip', 'cannot be read (disk gone)'));
  });
});

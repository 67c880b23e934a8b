/**
 * Issue 15's parser findings, each on an edited committed file: omggif's LZW loops (our decoder
 * ends and matches omggif on the demo GIFs), GIF canvas caps, EDF/BDF physical ranges that overflow,
 * NIfTI scaling as nibabel reads it, float32 overflow of scaled values, and a .nii.gz whose header
 * declares more than its stream holds (refused before the output is allocated).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GifReader } from 'omggif';
import { describe, expect, it } from 'vitest';
import { composeGif } from '../src/video/gif-read.js';
import { InvalidVideoError } from '../src/video/errors.js';
import { readEdfBytes } from '../src/eeg/edf-reader.js';
import { InvalidEegFileError } from '../src/eeg/errors.js';
import { readNifti } from '../src/fmri/nifti-read.js';
import { InvalidNiftiError } from '../src/fmri/errors.js';

const DEMO = join(import.meta.dirname, '../demo');
const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures');
const read = (path: string) => new Uint8Array(readFileSync(path));
const GIFS = ['flash-right.gif', 'motion-left.gif'].map((n) => read(join(DEMO, 'video/inputs', n)));

describe('GIF', () => {
  it('our LZW decoder composes the demo GIFs exactly as omggif does', () => {
    for (const bytes of GIFS) {
      const reader = new GifReader(bytes);
      const canvas = new Uint8Array(reader.width * reader.height * 4);
      const gif = composeGif(bytes, 'demo.gif');
      expect(gif.frames.length).toBe(reader.numFrames());
      for (let n = 0; n < reader.numFrames(); n++) {
        expect(reader.frameInfo(n).disposal).toBeLessThan(2); // frames drawn over the previous canvas
        reader.decodeAndBlitFrameRGBA(n, canvas);
        expect(Buffer.from(gif.frames[n]!).equals(Buffer.from(canvas))).toBe(true);
      }
    }
  });

  it('the single-field edits that sent omggif into an endless loop end in a result or an InvalidVideoError', () => {
    const reader = new GifReader(GIFS[0]!);
    const lzwMin = GIFS[0]!.slice();
    lzwMin[reader.frameInfo(0).data_offset] = 2; // lzw.min = 2 on 8-bit codes
    const packed = GIFS[0]!.slice();
    packed[10] = 135; // logical screen packed fields: global colour table of 256 entries
    for (const edited of [lzwMin, packed]) {
      try {
        const gif = composeGif(edited, 'edited.gif');
        expect(gif.frames.length).toBeGreaterThan(0);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidVideoError);
      }
    }
    expect(() => composeGif(lzwMin, 'edited.gif')).toThrow(/edited\.gif: frame 0 cannot be decoded \(LZW code \d+ is not in the table/);
  });

  it('a canvas of 57866 × 40764 from the header is refused before allocation; the caps are options too', () => {
    const big = GIFS[0]!.slice();
    new DataView(big.buffer).setUint16(6, 57866, true);
    new DataView(big.buffer).setUint16(8, 40764, true);
    expect(() => composeGif(big, 'big.gif')).toThrow(/big\.gif: logical screen 57866 × 40764 exceeds the limit of 33554432 pixels \(XAI_MAX_IMAGE_PIXELS\)/);
    expect(() => composeGif(GIFS[0]!, 'small.gif', undefined, { maxDecodedBytes: 10_000 })).toThrow(/more than the limit of 10000 bytes \(XAI_MAX_DECODED_BYTES\)/);
  });
});

describe('EDF/BDF physical ranges', () => {
  /** Writes `text` (left-aligned, space padded) into signal s's 8-byte field at `fieldStart` (bytes per signal before it × ns). */
  function editField(bytes: Uint8Array, fieldOffsetPerSignal: number, s: number, text: string): Uint8Array {
    const out = bytes.slice();
    const ns = Number(new TextDecoder().decode(out.subarray(252, 256)));
    out.set(new TextEncoder().encode(text.padEnd(8, ' ')), 256 + ns * fieldOffsetPerSignal + s * 8);
    return out;
  }
  const PHYS_MIN = 104;
  const PHYS_MAX = 112;

  it.each(['recording.edf', 'recording.bdf'])('%s with physical range ±1e308 is refused naming the signal and the field', (name) => {
    const bytes = read(join(FIXTURES, 'eeg', name));
    expect(readEdfBytes(name, bytes).channels.length).toBeGreaterThan(0);
    const edited = editField(editField(bytes, PHYS_MIN, 1, '-1e308'), PHYS_MAX, 1, '1e308');
    expect(() => readEdfBytes(name, edited)).toThrow(InvalidEegFileError);
    expect(() => readEdfBytes(name, edited)).toThrow(/field 'physical maximum of signal 2 \(".*"\)': physical range \[-1e\+308, 1e\+308\] .* beyond the float32 range/);
    expect(() => readEdfBytes(name, editField(bytes, PHYS_MAX, 0, '1e39'))).toThrow(/physical maximum of signal 1 .* beyond the float32 range/);
    expect(readEdfBytes(name, editField(bytes, PHYS_MAX, 0, '1e37')).channels[0]!.physicalMax).toBe(1e37); // large but representable
  });
});

describe('NIfTI scaling and sizes', () => {
  const functional = read(join(FIXTURES, 'nifti/functional.nii')); // int16, little-endian, scl_slope 0.0754, scl_inter 3100.76
  const withScaling = (slope: number, inter: number) => {
    const out = functional.slice();
    const view = new DataView(out.buffer);
    view.setFloat32(112, slope, true);
    view.setFloat32(116, inter, true);
    return out;
  };

  it('a valid slope with a non-finite scl_inter is refused (nibabel: "Valid slope but invalid intercept")', async () => {
    await expect(readNifti(withScaling(1, Number.NaN), 'f.nii')).rejects.toThrow(InvalidNiftiError);
    await expect(readNifti(withScaling(2, Number.POSITIVE_INFINITY), 'f.nii')).rejects.toThrow(/f\.nii: scl_inter: must be finite when scl_slope is 2, got Infinity/);
  });

  it('a zero or non-finite slope means no scaling, whatever the intercept (nibabel returns None, None)', async () => {
    const raw = await readNifti(withScaling(0, 0), 'f.nii');
    for (const slope of [0, Number.NaN, Number.POSITIVE_INFINITY]) {
      const v = await readNifti(withScaling(slope, Number.NaN), 'f.nii');
      expect(v.header.scaling).toBeNull();
      expect(v.data).toEqual(raw.data);
    }
  });

  it('slope and intercept of 1e38 overflow float32: refused naming scl_slope; read exactly as float64', async () => {
    const edited = withScaling(1e38, 1e38);
    await expect(readNifti(edited, 'f.nii')).rejects.toThrow(/f\.nii: scl_slope: value -?\d+ × scl_slope .* overflows float32 output \(read with dtype 'float64'\)/);
    const raw = await readNifti(withScaling(0, 0), 'f.nii');
    const wide = await readNifti(edited, 'f.nii', { dtype: 'float64' });
    const s = Math.fround(1e38);
    for (let i = 0; i < raw.data.length; i += 97) expect(wide.data[i]).toBe(raw.data[i]! * s + s);
  });

  it('a .nii.gz whose dim[1] declares more than the stream holds is refused without allocating the declared output', async () => {
    const inflated = new Uint8Array(gunzipSync(read(join(DEMO, 'fmri/anatomical.nii.gz'))));
    new DataView(inflated.buffer).setInt16(42, 20000, true); // dim[1]: 64 → 20000 (41 M voxels, 164 MB as float32; within deflate's 1032:1 of the file)
    const gz = new Uint8Array(gzipSync(inflated));
    const before = process.memoryUsage().arrayBuffers;
    await expect(readNifti(gz, 'a.nii.gz')).rejects.toThrow(/a\.nii\.gz: data: truncated: dim \[20000, 64, 32\] of uint8 declares 40960000 bytes from vox_offset 352, the stream inflates to 131424 bytes/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
  });
});

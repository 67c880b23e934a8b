/**
 * Image headers that declare huge sizes are refused from the header, before anything is allocated
 * (issue 15: PNG dimensions of 2^24 or 2^31−1 allocated 1.6–3.2 GB before failing), and the caps
 * are configurable by option and by environment variable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import jpeg from 'jpeg-js';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeInput, InvalidArgumentError, sizeLimit } from '../src/index.js';

const PNG = new Uint8Array(readFileSync(join(import.meta.dirname, '../demo/inputs/cross.png')));

/** The PNG with IHDR's width and height replaced (and its CRC fixed, so only the sizes are wrong). */
function withSize(width: number, height: number): Uint8Array {
  const out = PNG.slice();
  const view = new DataView(out.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

afterEach(() => {
  delete process.env.XAI_MAX_IMAGE_PIXELS;
});

describe('image size caps', () => {
  it('the demo PNG decodes at its size', () => {
    expect(decodeInput(PNG, 'cross.png').shape).toEqual([32, 32, 3]);
  });

  it.each([
    [2 ** 24, 2 ** 24, /width × height 16777216 × 16777216 exceeds the limit of 33554432 pixels \(XAI_MAX_IMAGE_PIXELS\)/],
    [2 ** 31 - 1, 1, /width × height 2147483647 × 1 exceeds the limit/],
    [2 ** 31, 1, /2147483648 × 1 is not a valid size/],
    [4096, 4096, /need \d+ bytes of scanlines, more than \d+ bytes of image data can inflate to/],
  ])('a PNG header of %i × %i is refused before decoding', (w, h, message) => {
    const start = process.memoryUsage().arrayBuffers;
    expect(() => decodeInput(withSize(w, h), 'big.png')).toThrow(InvalidArgumentError);
    expect(() => decodeInput(withSize(w, h), 'big.png')).toThrow(message);
    expect(process.memoryUsage().arrayBuffers - start).toBeLessThan(2 ** 20);
  });

  it('the cap comes from the option, else XAI_MAX_IMAGE_PIXELS, else 2^25', () => {
    expect(sizeLimit('XAI_MAX_IMAGE_PIXELS')).toBe(2 ** 25);
    expect(() => decodeInput(PNG, 'cross.png', { maxPixels: 1023 })).toThrow(/32 × 32 exceeds the limit of 1023 pixels/);
    process.env.XAI_MAX_IMAGE_PIXELS = '1000';
    expect(() => decodeInput(PNG, 'cross.png')).toThrow(/exceeds the limit of 1000 pixels/);
    expect(decodeInput(PNG, 'cross.png', { maxPixels: 1024 }).shape).toEqual([32, 32, 3]);
    process.env.XAI_MAX_IMAGE_PIXELS = 'lots';
    expect(() => decodeInput(PNG, 'cross.png')).toThrow(/XAI_MAX_IMAGE_PIXELS must be a positive number, got "lots"/);
  });

  it('a JPEG whose frame header declares 65535 × 65535 is refused by its resolution cap', () => {
    const rgba = new Uint8Array(16 * 16 * 4).fill(200);
    const bytes = new Uint8Array(jpeg.encode({ data: rgba, width: 16, height: 16 }, 90).data);
    const sof = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xc0);
    expect(sof).toBeGreaterThan(0);
    bytes.set([0xff, 0xff, 0xff, 0xff], sof + 5); // height, width
    expect(() => decodeInput(bytes, 'big.jpg')).toThrow(/big\.jpg: not a valid JPEG file \(maxResolutionInMP limit exceeded/);
  });
});

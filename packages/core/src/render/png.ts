import { encode } from 'fast-png';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import type { RGB } from './colormaps.js';

/** A palette image: one palette index per pixel, row-major. */
export interface IndexedImage {
  indices: Uint8Array;
  palette: readonly RGB[];
  width: number;
  height: number;
}

export interface IndexedPngOptions {
  /** tEXt chunks (Latin-1 keywords of 1–79 characters). */
  text?: Record<string, string>;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309 / ITU-T V.42, as PNG uses) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function checkPalette(palette: readonly RGB[]): void {
  if (palette.length < 1 || palette.length > 256) throw new RangeError(`palette must have 1..256 entries, got ${palette.length}`);
  palette.forEach((c, i) => {
    if (c.length !== 3 || !c.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
      throw new RangeError(`palette entry ${i} is not three bytes: ${JSON.stringify(c)}`);
    }
  });
}

/**
 * Encode a palette PNG (colour type 3, bit depth 8): the pixels are palette indices and the
 * colours live only in the PLTE chunk, so `replacePngPalette` can recolour the file without
 * touching the image data.
 */
export function encodeIndexedPng({ indices, palette, width, height }: IndexedImage, options: IndexedPngOptions = {}): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`Invalid image size ${height}x${width}`);
  }
  if (indices.length !== width * height) throw new RangeError(`indices has length ${indices.length}, expected ${width * height}`);
  checkPalette(palette);
  for (let i = 0; i < indices.length; i++) {
    if (indices[i]! >= palette.length) throw new RangeError(`pixel ${i} has index ${indices[i]} but the palette has ${palette.length} entries`);
  }
  return encode({ width, height, data: indices, channels: 1, depth: 8, palette: palette.map((c) => [c[0], c[1], c[2]]), text: options.text });
}

/**
 * Return a copy of a palette PNG with its PLTE chunk replaced by `palette` (same number of
 * entries) and a fresh CRC; every other byte, the image data included, is unchanged.
 */
export function replacePngPalette(png: Uint8Array, palette: readonly RGB[]): Uint8Array {
  checkPalette(palette);
  if (png.length < 8 || SIGNATURE.some((b, i) => png[i] !== b)) throw new Error('not a PNG file (bad signature)');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let pos = 8; pos + 12 <= png.length; ) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const end = pos + 12 + length;
    if (end > png.length) throw new Error(`PNG chunk ${type} at byte ${pos} runs past the end of the file`);
    if (type === 'PLTE') {
      if (length !== palette.length * 3) {
        throw new RangeError(`the PNG palette has ${length / 3} entries, the new one ${palette.length}`);
      }
      const out = png.slice();
      out.set(palette.flat(), pos + 8);
      new DataView(out.buffer).setUint32(pos + 8 + length, crc32(out.subarray(pos + 4, pos + 8 + length)));
      return out;
    }
    if (type === 'IDAT' || type === 'IEND') break; // PLTE must come before the image data
    pos = end;
  }
  throw new Error('the PNG has no PLTE chunk (not a palette image)');
}

/** Write a palette PNG atomically (see `writeFileAtomic`). */
export async function writeIndexedPng(path: string, image: IndexedImage, options?: IndexedPngOptions): Promise<void> {
  await writeFileAtomic(path, encodeIndexedPng(image, options));
}

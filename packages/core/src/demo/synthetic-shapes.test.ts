import { describe, expect, it } from 'vitest';
import { CHANNELS, CLASS_NAMES, IMAGE_SIZE, generateShapes } from './synthetic-shapes.js';

const PX = IMAGE_SIZE * IMAGE_SIZE;
const N = 400;
const data = generateShapes(N, 123);

/** Byte equality; much faster than toEqual on ~10^6-element typed arrays. */
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Bounding box of image n's mask. */
function bbox(masks: Uint8Array, n: number) {
  let [r0, r1, c0, c1] = [IMAGE_SIZE, -1, IMAGE_SIZE, -1];
  for (let r = 0; r < IMAGE_SIZE; r++)
    for (let c = 0; c < IMAGE_SIZE; c++)
      if (masks[n * PX + r * IMAGE_SIZE + c]) {
        [r0, r1, c0, c1] = [Math.min(r0, r), Math.max(r1, r), Math.min(c0, c), Math.max(c1, c)];
      }
  return { r0, r1, c0, c1 };
}

describe('generateShapes', () => {
  it('has the documented array sizes', () => {
    expect(CLASS_NAMES).toEqual(['square', 'cross', 'ring', 'triangle']);
    expect(data.images).toBeInstanceOf(Float32Array);
    expect(data.images.length).toBe(N * PX * CHANNELS);
    expect(data.labels).toBeInstanceOf(Int32Array);
    expect(data.labels.length).toBe(N);
    expect(data.masks).toBeInstanceOf(Uint8Array);
    expect(data.masks.length).toBe(N * PX);
  });

  it('is deterministic for the same seed', () => {
    const again = generateShapes(N, 123);
    expect(sameBytes(again.images, data.images)).toBe(true);
    expect(sameBytes(again.labels, data.labels)).toBe(true);
    expect(sameBytes(again.masks, data.masks)).toBe(true);
  });

  it('differs for different seeds', () => {
    const other = generateShapes(N, 124);
    expect(sameBytes(other.images, data.images)).toBe(false);
    expect(sameBytes(other.labels, data.labels)).toBe(false);
    expect(sameBytes(other.masks, data.masks)).toBe(false);
  });

  it('has roughly uniform labels', () => {
    const big = generateShapes(2000, 7).labels;
    const counts = CLASS_NAMES.map((_, k) => big.filter((l) => l === k).length);
    for (const c of counts) expect(Math.abs(c - 500)).toBeLessThan(75); // ~4 sigma
  });

  it('has pixel values in [0,1]', () => {
    let [min, max] = [Infinity, -Infinity];
    for (const v of data.images) [min, max] = [Math.min(min, v), Math.max(max, v)];
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.5); // objects are visible
  });

  it('has binary, non-empty masks of a whole shape inside the image', () => {
    expect(data.masks.every((m) => m === 0 || m === 1)).toBe(true);
    for (let n = 0; n < N; n++) {
      let area = 0;
      for (let p = 0; p < PX; p++) area += data.masks[n * PX + p]!;
      expect(area).toBeGreaterThanOrEqual(15);
      expect(area).toBeLessThan(PX / 2);
      // Size is 10..20 px: a bbox far smaller would mean the shape was clipped by the border.
      const { r0, r1, c0, c1 } = bbox(data.masks, n);
      expect(Math.max(r1 - r0, c1 - c0) + 1).toBeGreaterThanOrEqual(9);
      expect(Math.max(r1 - r0, c1 - c0) + 1).toBeLessThanOrEqual(21);
    }
  });

  it('puts the evidence where the mask is: object pixels stand out from the background', () => {
    for (let n = 0; n < N; n++) {
      let [onMin, offMax] = [Infinity, -Infinity];
      for (let p = 0; p < PX; p++) {
        const px = data.images.subarray((n * PX + p) * CHANNELS, (n * PX + p + 1) * CHANNELS);
        const brightest = Math.max(...px);
        if (data.masks[n * PX + p]) onMin = Math.min(onMin, brightest);
        else offMax = Math.max(offMax, brightest);
      }
      expect(offMax).toBeLessThanOrEqual(0.1);
      expect(onMin).toBeGreaterThan(0.4);
    }
  });

  it('draws the shape named by the label', () => {
    for (let n = 0; n < N; n++) {
      const { r0, r1, c0, c1 } = bbox(data.masks, n);
      const at = (r: number, c: number) => data.masks[n * PX + r * IMAGE_SIZE + c]!;
      const rowWidth = (r: number) => Array.from({ length: IMAGE_SIZE }, (_, c) => at(r, c)).reduce((a, b) => a + b);
      const [cr, cc] = [Math.round((r0 + r1) / 2), Math.round((c0 + c1) / 2)];
      let area = 0;
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) area += at(r, c);
      const fill = area / ((r1 - r0 + 1) * (c1 - c0 + 1));
      switch (CLASS_NAMES[data.labels[n]!]) {
        case 'square':
          expect(fill).toBe(1);
          break;
        case 'cross': // filled centre, empty bbox corners
          expect(at(cr, cc)).toBe(1);
          expect(at(r0, c0) + at(r0, c1) + at(r1, c0) + at(r1, c1)).toBe(0);
          break;
        case 'ring': // hollow centre
          expect(at(cr, cc)).toBe(0);
          break;
        case 'triangle': // apex up: widens downwards
          expect(rowWidth(r1)).toBeGreaterThan(rowWidth(r0) + 4);
          break;
        default:
          throw new Error('bad label');
      }
    }
  });
});

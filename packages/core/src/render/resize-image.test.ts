import { describe, expect, it } from 'vitest';
import { resizeImage } from './resize-image.js';

describe('resizeImage', () => {
  it('area: integer factors give block means per channel', () => {
    // 2×4 image, 2 channels: channel 0 = x, channel 1 = 10·y
    const data = Float32Array.from({ length: 2 * 4 * 2 }, (_, i) => (i % 2 === 0 ? (i >> 1) % 4 : 10 * Math.floor(i / 8)));
    const out = resizeImage(data, 2, 4, 2, 1, 2, 'area');
    expect(Array.from(out)).toEqual([0.5, 5, 2.5, 5]);
  });

  it('area: a fractional factor keeps the mean (each output the mean of the area it covers)', () => {
    const data = Float32Array.from([3, 0, 6, 0, 0, 0, 3, 0, 6]); // 3×3, one channel
    const out = resizeImage(data, 3, 3, 1, 2, 2, 'area');
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(mean(data), 6);
    expect(out[0]).toBeCloseTo((3 + 0.5 * 0 + 0.5 * 0 + 0.25 * 0) / 2.25, 6);
  });

  it('bilinear: half-pixel centres, edges clamped; the same size returns the input', () => {
    const data = Float32Array.from([0, 4]); // 1×2
    expect(Array.from(resizeImage(data, 1, 2, 1, 1, 4, 'bilinear'))).toEqual([0, 1, 3, 4]);
    expect(resizeImage(data, 1, 2, 1, 1, 2, 'area')).toBe(data);
  });
});

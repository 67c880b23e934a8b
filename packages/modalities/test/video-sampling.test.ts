/**
 * Video decoding arithmetic: frame sampling (start/end/fps/frames over constant and variable frame
 * timelines), resizing (bilinear and area against hand-computed values), natural file order, and
 * the clip shape from options and the model (with errors naming the option).
 */
import { describe, expect, it } from 'vitest';
import {
  clipValues, compareNatural, constantRateTimeline, frameAt, InvalidVideoError, resizeFrame, resolveClipShape, resolveResize, selectFrames, sortNatural, type RgbFrame,
} from '../src/index.js';

const grey = (width: number, height: number, value: (x: number, y: number) => number): RgbFrame => {
  const rgb = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.fill(value(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { rgb, width, height };
};
const channel0 = (f: RgbFrame) => Array.from({ length: f.width * f.height }, (_, p) => f.rgb[p * 3]!);

describe('frame sampling', () => {
  const tl = constantRateTimeline(30, 10); // 3 s at 10 fps

  it('takes every frame by default, and the frames shown during start…end', () => {
    expect(selectFrames(tl, {}, 'a.mp4').indices).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const s = selectFrames(tl, { start: 0.95, end: 1.3 }, 'a.mp4');
    expect(s.indices).toEqual([9, 10, 11, 12]);
    expect(s.times[0]).toBeCloseTo(0.95);
    expect(s.times[1]).toBeCloseTo(1.0);
  });

  it('fps resamples: t_k = start + k / fps, the frame shown at t_k', () => {
    expect(selectFrames(tl, { fps: 4 }, 'a.mp4').indices).toEqual([0, 2, 5, 7, 10, 12, 15, 17, 20, 22, 25, 27]);
    expect(selectFrames(tl, { fps: 5, start: 1 }, 'a.mp4').indices).toEqual([10, 12, 14, 16, 18, 20, 22, 24, 26, 28]);
    // faster than the source: frames repeat
    expect(selectFrames(constantRateTimeline(3, 1), { fps: 2 }, 'a.mp4').indices).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('frames alone spread evenly over start…end; with fps they start at start', () => {
    expect(selectFrames(tl, { frames: 6 }, 'a.mp4').indices).toEqual([0, 5, 10, 15, 20, 25]);
    expect(selectFrames(tl, { frames: 4, start: 1, end: 2 }, 'a.mp4').indices).toEqual([10, 12, 15, 17]);
    expect(selectFrames(tl, { frames: 3, fps: 2, start: 0.5 }, 'a.mp4').times).toEqual([0.5, 1, 1.5]);
    expect(selectFrames(constantRateTimeline(16, 8), { frames: 16 }, 'a.mp4').indices).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  it('follows variable frame durations (GIF delays)', () => {
    const vfr = { starts: [0, 0.1, 0.5, 0.6], duration: 1, fps: 4 };
    expect(frameAt(vfr, 0.45)).toBe(1);
    expect(selectFrames(vfr, { fps: 5 }, 'a.gif').indices).toEqual([0, 1, 1, 3, 3]); // t = 0, 0.2, 0.4, 0.6, 0.8
    expect(selectFrames(vfr, { start: 0.3 }, 'a.gif').indices).toEqual([1, 2, 3]);
  });

  it('refuses impossible requests, naming the option and the file', () => {
    expect(() => selectFrames(tl, { start: 3 }, 'clip.mp4')).toThrow(InvalidVideoError);
    expect(() => selectFrames(tl, { start: 3 }, 'clip.mp4')).toThrow(/clip\.mp4: option start: 3 s is not before the end of the clip \(3 s\)/);
    expect(() => selectFrames(tl, { start: 2, end: 1 }, 'clip.mp4')).toThrow(/option end: must be after start/);
    expect(() => selectFrames(tl, { frames: 16, fps: 5 }, 'clip.mp4')).toThrow(/clip\.mp4: option frames: 16 frames at 5 fps need 3 s/);
    expect(() => selectFrames(tl, { fps: -1 }, 'clip.mp4')).toThrow(/option fps: must be a positive number/);
    expect(() => selectFrames(tl, { frames: 2.5 }, 'clip.mp4')).toThrow(/option frames: must be a positive integer/);
  });
});

describe('resizing', () => {
  it('area: integer factors give block means; fractional factors weight covered parts', () => {
    const f = grey(4, 2, (x, y) => x + 4 * y); // rows 0 1 2 3 / 4 5 6 7
    expect(channel0(resizeFrame(f, 2, 1, 'area'))).toEqual([(0 + 1 + 4 + 5) / 4, (2 + 3 + 6 + 7) / 4]);
    const line = grey(3, 1, (x) => [0, 3, 6][x]!);
    // 3 → 2: output 0 covers [0, 1.5): (0 + 0.5·3) / 1.5 = 1; output 1 covers [1.5, 3): (0.5·3 + 6) / 1.5 = 5
    const out = channel0(resizeFrame(line, 2, 1, 'area'));
    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[1]).toBeCloseTo(5, 6);
  });

  it('bilinear: half-pixel centres, clamped at the edges', () => {
    const line = grey(2, 1, (x) => [0, 1][x]!);
    // 2 → 4: source x = (j + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1
    expect(channel0(resizeFrame(line, 4, 1, 'bilinear'))).toEqual([0, 0.25, 0.75, 1]);
    const f = grey(3, 3, (x, y) => x + y);
    expect(resizeFrame(f, 3, 3, 'bilinear')).toBe(f);
    const up = resizeFrame(grey(5, 7, () => 0.4), 9, 4, 'bilinear');
    expect(channel0(up).every((v) => Math.abs(v - 0.4) < 1e-6)).toBe(true);
  });

  it('auto is area when shrinking, bilinear otherwise', () => {
    expect(resolveResize('auto', { width: 64, height: 64 }, { width: 32, height: 32 })).toBe('area');
    expect(resolveResize('auto', { width: 16, height: 64 }, { width: 32, height: 32 })).toBe('bilinear');
  });
});

describe('frame order and clip shape', () => {
  it('orders file names naturally', () => {
    const names = ['frame-10.png', 'frame-2.png', 'frame-1.png', 'Frame-3.png', 'frame-100.png', 'frame-02b.png'];
    expect(sortNatural(names, (n) => n)).toEqual(['frame-1.png', 'frame-2.png', 'frame-02b.png', 'Frame-3.png', 'frame-10.png', 'frame-100.png']);
    expect(compareNatural('img9.jpg', 'img10.jpg')).toBeLessThan(0);
  });

  it('takes fixed sizes from the model and refuses options that contradict it', () => {
    const spec = { shape: [12, 32, 32, 3], dtype: 'float32' as const };
    expect(resolveClipShape({}, { width: 640, height: 480 }, spec)).toEqual({ frames: 12, height: 32, width: 32, channels: 3 });
    expect(() => resolveClipShape({ frames: 16 }, { width: 64, height: 64 }, spec)).toThrow(/option frames: 16 contradicts the model, whose input \[12, 32, 32, 3\].*frames 12/);
    expect(() => resolveClipShape({ width: 48 }, { width: 64, height: 64 }, spec)).toThrow(/option width: 48 contradicts the model/);
    expect(() => resolveClipShape({}, { width: 64, height: 64 }, { shape: [32, 32, 3], dtype: 'float32' })).toThrow(/not a clip/);
    expect(() => resolveClipShape({}, { width: 64, height: 64 }, { shape: [8, 32, 32, 2], dtype: 'float32' })).toThrow(/2 channels/);
    // free sizes: options, else the source; one side keeps the aspect ratio
    expect(resolveClipShape({ width: 32 }, { width: 640, height: 480 })).toEqual({ frames: undefined, width: 32, height: 24, channels: 3 });
    expect(resolveClipShape({}, { width: 20, height: 10 }, { shape: [null, null, null, 1], dtype: 'float32' })).toEqual({ frames: undefined, width: 20, height: 10, channels: 1 });
  });

  it('builds [T, H, W, C] with Rec. 601 luma for grey models', () => {
    const rgb = Float32Array.from([1, 0, 0, 0, 1, 0]);
    expect(Array.from(clipValues([rgb, rgb], 1, 2, 3))).toEqual([...rgb, ...rgb]);
    const luma = clipValues([rgb], 1, 2, 1);
    expect(luma[0]).toBeCloseTo(0.299, 6);
    expect(luma[1]).toBeCloseTo(0.587, 6);
  });
});

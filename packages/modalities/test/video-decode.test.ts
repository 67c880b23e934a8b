/**
 * Reading clips: animated GIFs (crafted with omggif: offsets, transparency, the three disposal
 * methods, delays), video files through ffmpeg (a lossless FFV1 .mkv made here for exact pixels, a
 * lossless H.264 MP4, the committed demo MP4 within codec tolerance), folders of frames (natural
 * order, grey frames, size mismatch), and the errors that name the file or the missing binary.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GifWriter } from 'omggif';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePng } from '@xai/core';
import {
  CLIP_SHAPE, composeGif, FfmpegUnavailableError, InvalidVideoError, syntheticClip, VIDEO_DEMO_FILES, videoAdapter, videoDemoFrameFiles,
} from '../src/index.js';

const file = (path: string) => ({ name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(path)) });
const CLIP_SPEC = [{ shape: [...CLIP_SHAPE], dtype: 'float32' as const }];
const work = mkdtempSync(join(tmpdir(), 'xai-video-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const [BLACK, RED, GREEN, BLUE] = [0x000000, 0xff0000, 0x00ff00, 0x0000ff];

/** 4×4 GIF: full red frame (keep) → 2×2 green at (1,1) with a transparent corner (restore to background) → blue dot at (0,0) (restore previous) → green dot at (3,3). */
function craftedGif(): Uint8Array {
  const buf = new Uint8Array(4096);
  const gif = new GifWriter(buf, 4, 4, { palette: [BLACK, RED, GREEN, BLUE], loop: 0 });
  gif.addFrame(0, 0, 4, 4, new Array(16).fill(1), { delay: 10, disposal: 1 });
  gif.addFrame(1, 1, 2, 2, [0, 2, 2, 2], { delay: 20, disposal: 2, transparent: 0 });
  gif.addFrame(0, 0, 1, 1, [3], { delay: 0, disposal: 3 });
  gif.addFrame(3, 3, 1, 1, [2], { delay: 30 });
  return buf.slice(0, gif.end());
}

const pixel = (rgba: Uint8Array, x: number, y: number) => Array.from(rgba.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 3));

describe('animated GIF', () => {
  it('composes frames with offsets, transparency and disposal 1/2/3', () => {
    const gif = composeGif(craftedGif(), 'crafted.gif');
    expect(gif.frames).toHaveLength(4);
    expect(gif.delays).toEqual([10, 20, 0, 30]);
    expect(gif.disposals).toEqual([1, 2, 3, 0]);
    expect(gif.loopCount).toBe(0);
    const [f0, f1, f2, f3] = gif.frames as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    expect(pixel(f0, 2, 2)).toEqual([255, 0, 0]);
    expect(pixel(f1, 1, 1)).toEqual([255, 0, 0]); // transparent: the red frame below shows
    expect(pixel(f1, 2, 2)).toEqual([0, 255, 0]);
    expect(pixel(f2, 0, 0)).toEqual([0, 0, 255]);
    expect(pixel(f2, 2, 2)).toEqual([0, 0, 0]); // frame 1's rectangle was restored to (transparent) background
    expect(pixel(f2, 3, 0)).toEqual([255, 0, 0]);
    expect(pixel(f3, 0, 0)).toEqual([255, 0, 0]); // frame 2 restored to what was before it
    expect(pixel(f3, 3, 3)).toEqual([0, 255, 0]);
    expect(pixel(f3, 1, 2)).toEqual([0, 0, 0]);
  });

  it('decodes through the adapter: frame times follow the delays (0 cs plays as 10 cs)', async () => {
    const decoded = await videoAdapter.decode([{ name: 'crafted.gif', bytes: craftedGif() }]);
    expect(decoded.samples[0]!.shape).toEqual([4, 4, 4, 3]);
    expect(decoded.metadata.sampleTimes).toEqual([0, 0.1, 0.3, 0.4]);
    expect((decoded.metadata.source as { duration: number }).duration).toBeCloseTo(0.7, 9);
    const v = decoded.samples[0]!.values;
    const at = (t: number, x: number, y: number) => Array.from(v.subarray(((t * 4 + y) * 4 + x) * 3, ((t * 4 + y) * 4 + x) * 3 + 3));
    expect(at(1, 2, 2)).toEqual([0, 1, 0]);
    expect(at(3, 0, 0)).toEqual([1, 0, 0]);
    // sampled at 10 fps: 0, 0.1, …, 0.6 s → frames 0, 1, 1, 2, 3, 3, 3
    const sampled = await videoAdapter.decode([{ name: 'crafted.gif', bytes: craftedGif() }], { fps: 10 });
    expect(sampled.metadata.sampledFrames).toEqual([0, 1, 1, 2, 3, 3, 3]);
    expect(sampled.metadata.repeatedFrames).toBe(3);
  });

  it('reads the committed demo GIF as the clip it was made from (palette error only)', async () => {
    const decoded = await videoAdapter.decode([file(VIDEO_DEMO_FILES.motion.gif)], {}, CLIP_SPEC);
    const clip = syntheticClip('motion', 900_002, 0);
    expect(decoded.samples[0]!.shape).toEqual([...CLIP_SHAPE]);
    let max = 0;
    decoded.samples[0]!.values.forEach((x, i) => (max = Math.max(max, Math.abs(x - clip.values[i]!))));
    expect(max).toBeLessThan(0.15);
  });

  it('refuses bytes that are not a GIF, naming the file', async () => {
    await expect(videoAdapter.decode([{ name: 'fake.gif', bytes: new TextEncoder().encode('GIF? no') }])).rejects.toThrow(/fake\.gif: not a GIF file/);
  });
});

/** Raw RGB frames with distinct, exactly known values. */
function rampFrames(count: number, width: number, height: number): Uint8Array {
  const raw = new Uint8Array(count * width * height * 3);
  for (let t = 0; t < count; t++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const o = ((t * height + y) * width + x) * 3;
    raw[o] = (x * 16 + t * 10) % 256;
    raw[o + 1] = (y * 16) % 256;
    raw[o + 2] = (t * 20 + 5) % 256;
  }
  return raw;
}

function ffmpegEncode(raw: Uint8Array, width: number, height: number, fps: number, out: string, codec: string[]): Uint8Array {
  const path = join(work, out);
  const run = spawnSync('ffmpeg', ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0', ...codec, '-y', path], { input: raw });
  if (run.status !== 0) throw new Error(`ffmpeg: ${run.stderr}`);
  return new Uint8Array(readFileSync(path));
}

describe('video files through ffmpeg', () => {
  const [W, H, N, FPS] = [16, 8, 10, 5];
  const raw = rampFrames(N, W, H);

  it('decodes a lossless FFV1 .mkv to exactly its pixels, with size, rate and count from ffprobe', async () => {
    const bytes = ffmpegEncode(raw, W, H, FPS, 'ramp.mkv', ['-c:v', 'ffv1', '-pix_fmt', 'bgr0']);
    const decoded = await videoAdapter.decode([{ name: 'ramp.mkv', bytes }]);
    expect(decoded.samples[0]!.shape).toEqual([N, H, W, 3]);
    expect(decoded.metadata.source).toMatchObject({ kind: 'video', width: W, height: H, fps: FPS, frames: N, duration: 2, codec: 'ffv1' });
    expect(decoded.axes[0]).toEqual({ name: 'time', unit: 's', start: 0, step: 0.2 });
    const v = decoded.samples[0]!.values;
    let worst = 0;
    raw.forEach((b, i) => (worst = Math.max(worst, Math.abs(v[i]! * 255 - b))));
    expect(worst).toBeLessThan(1e-3);
    // sampling picks the right frames: 4 frames from 0.4 s at 2.5 fps → frames 2, 4, 6, 8
    const picked = await videoAdapter.decode([{ name: 'ramp.mkv', bytes }], { start: 0.4, fps: 2.5, frames: 4 });
    expect(picked.metadata.sampledFrames).toEqual([2, 4, 6, 8]);
    const blueOfFirstPixel = (t: number) => Math.round(picked.samples[0]!.values[t * H * W * 3 + 2]! * 255);
    expect([0, 1, 2, 3].map(blueOfFirstPixel)).toEqual([2, 4, 6, 8].map((i) => raw[i * H * W * 3 + 2]));
  });

  it('decodes an MP4 (H.264, lossless -qp 0 in 4:4:4) within rounding of YUV conversion', async () => {
    const bytes = ffmpegEncode(raw, W, H, FPS, 'ramp.mp4', ['-c:v', 'libx264', '-qp', '0', '-pix_fmt', 'yuv444p']);
    const decoded = await videoAdapter.decode([{ name: 'ramp.mp4', bytes }]);
    expect(decoded.samples[0]!.shape).toEqual([N, H, W, 3]);
    let worst = 0;
    raw.forEach((b, i) => (worst = Math.max(worst, Math.abs(decoded.samples[0]!.values[i]! * 255 - b))));
    expect(worst).toBeLessThanOrEqual(4); // RGB → YUV → RGB in 8 bits
  });

  it('decodes the committed demo MP4 (64×64 H.264 4:2:0) to the 32×32 clip it was made from', async () => {
    const decoded = await videoAdapter.decode([file(VIDEO_DEMO_FILES.motion.mp4)], {}, CLIP_SPEC);
    expect(decoded.metadata.source).toMatchObject({ width: 64, height: 64, frames: 12, fps: 8, codec: 'h264' });
    expect(decoded.metadata.resize).toBe('area');
    const clip = syntheticClip('motion', 900_001, 1);
    let [max, sum] = [0, 0];
    decoded.samples[0]!.values.forEach((x, i) => {
      const d = Math.abs(x - clip.values[i]!);
      max = Math.max(max, d);
      sum += d;
    });
    expect(max).toBeLessThan(0.12);
    expect(sum / clip.values.length).toBeLessThan(0.02);
  });

  it('names the file when ffmpeg cannot decode it, and the binary when it is missing', async () => {
    const junk = { name: 'broken.mp4', bytes: new Uint8Array(2000).fill(7) };
    await expect(videoAdapter.decode([junk])).rejects.toThrow(InvalidVideoError);
    await expect(videoAdapter.decode([junk])).rejects.toThrow(/^broken\.mp4: not a video ffprobe can read \(.+\)/);
    const missing = videoAdapter.decode([file(VIDEO_DEMO_FILES.motion.mp4)], { ffmpeg: '/nonexistent/bin/ffmpeg' });
    await expect(missing).rejects.toThrow(FfmpegUnavailableError);
    await expect(videoAdapter.decode([file(VIDEO_DEMO_FILES.motion.mp4)], { ffmpeg: '/nonexistent/bin/ffmpeg' })).rejects.toThrow(/motion-right\.mp4: needs ffprobe .* '\/nonexistent\/bin\/ffprobe' was not found \(install Debian's 'ffmpeg' package/);
  });

  it('without ffmpeg on PATH the error names ffmpeg/ffprobe (PATH stripped in a child process)', () => {
    const script = `
      import { videoAdapter } from './src/index.ts';
      import { readFileSync } from 'node:fs';
      const bytes = new Uint8Array(readFileSync(${JSON.stringify(VIDEO_DEMO_FILES.motion.mp4)}));
      videoAdapter.decode([{ name: 'clip.mp4', bytes }]).then(() => console.log('decoded'), (e) => console.log(e.constructor.name + ': ' + e.message));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..'), env: { ...process.env, PATH: '/nonexistent', XAI_FFMPEG: '' }, encoding: 'utf8',
    });
    expect(run.stdout.trim()).toMatch(/^FfmpegUnavailableError: clip\.mp4: needs ffprobe to be decoded or encoded, but 'ffprobe' was not found/);
  });
});

describe('folders of frames', () => {
  const frame = (value: number, size = 4, channels: 1 | 3 = 3) => {
    const rgba = new Uint8Array(size * size * 4);
    for (let p = 0; p < size * size; p++) rgba.set([value, channels === 1 ? value : 255 - value, channels === 1 ? value : 7, 255], p * 4);
    return encodePng({ rgba, width: size, height: size });
  };

  it('orders frames naturally, whatever order they arrive in', async () => {
    const files = [10, 2, 1, 11, 3].map((n) => ({ name: `f-${n}.png`, bytes: frame(n * 10) }));
    const decoded = await videoAdapter.decode(files, { frameRate: 2 });
    expect((decoded.metadata.source as { files: string[] }).files).toEqual(['f-1.png', 'f-2.png', 'f-3.png', 'f-10.png', 'f-11.png']);
    const firstRed = Array.from({ length: 5 }, (_, t) => Math.round(decoded.samples[0]!.values[t * 16 * 3]! * 255));
    expect(firstRed).toEqual([10, 20, 30, 100, 110]);
    expect(decoded.axes[0]).toEqual({ name: 'time', unit: 's', start: 0, step: 0.5 });
  });

  it('reads the committed frame folder (12 PNGs) as the clip it was made from', async () => {
    const decoded = await videoAdapter.decode(videoDemoFrameFiles().map(file), {}, CLIP_SPEC);
    const clip = syntheticClip('flash', 900_005, 1);
    let max = 0;
    decoded.samples[0]!.values.forEach((x, i) => (max = Math.max(max, Math.abs(x - clip.values[i]!))));
    expect(max).toBeLessThanOrEqual(0.5 / 255 + 1e-6); // 8-bit rounding only
  });

  it('refuses frames of different sizes, naming the file', async () => {
    const files = [{ name: 'a1.png', bytes: frame(1) }, { name: 'a2.png', bytes: frame(2, 6) }];
    await expect(videoAdapter.decode(files)).rejects.toThrow(/^a2\.png: frame is 6×6, but the first frame \(a1\.png\) is 4×4/);
  });

  it('resizes to the requested size and keeps grey frames as RGB for drawing', async () => {
    const files = [1, 2].map((n) => ({ name: `g${n}.png`, bytes: frame(100, 8, 1) }));
    const decoded = await videoAdapter.decode(files, { width: 4, height: 2, resize: 'area' }, [{ shape: [2, null, null, 1], dtype: 'float32' }]);
    expect(decoded.samples[0]!.shape).toEqual([2, 2, 4, 1]);
    expect(decoded.samples[0]!.values.every((v) => Math.abs(v - 100 / 255) < 1e-6)).toBe(true);
    await expect(videoAdapter.decode(files, { resize: 'cubic' })).rejects.toThrow(/option 'resize' of modality 'video' must be one of auto, bilinear, area, got 'cubic'/);
  });
});

describe('demo inputs', () => {
  it('every demo input file exists and decodes for its model', async () => {
    for (const input of videoAdapter.demos!.inputs) {
      expect(input.files.length, input.name).toBeGreaterThan(0);
      const decoded = await videoAdapter.decode(input.files.map(file), {}, CLIP_SPEC);
      expect(decoded.samples[0]!.shape, input.name).toEqual([...CLIP_SHAPE]);
    }
  });
});

/**
 * MP4 (H.264, yuv420p, +faststart: plays in browsers) of RGBA frames through ffmpeg: raw RGB
 * frames go to ffmpeg's stdin, the file comes back from a temporary directory. Odd sizes are
 * padded by one pixel (yuv420p needs even ones). When ffmpeg is missing the caller gets the reason
 * instead of bytes, so artefact lists can say why there is no MP4.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RgbaImage } from '@xai/core';
import { ffmpegProblem, lastLine, runProcess, type FfmpegBinaries } from './ffmpeg-process.js';

export type Mp4Result = { readonly bytes: Uint8Array } | { readonly skipped: string };

export interface Mp4Options {
  /** x264 constant rate factor: 0 lossless (in YUV), 18 visually lossless (default), 23 x264's default. */
  readonly crf?: number;
  /** Names the output in error messages. */
  readonly name?: string;
}

export async function encodeMp4(frames: readonly RgbaImage[], fps: number, bin: FfmpegBinaries, options: Mp4Options = {}): Promise<Mp4Result> {
  const name = options.name ?? 'overlay.mp4';
  const problem = ffmpegProblem(bin.ffmpeg);
  if (problem) return { skipped: `no MP4: ${problem}` };
  const { width, height } = frames[0]!;
  const raw = new Uint8Array(width * height * 3 * frames.length);
  frames.forEach((f, n) => {
    for (let p = 0; p < width * height; p++) raw.set(f.rgba.subarray(p * 4, p * 4 + 3), (n * width * height + p) * 3);
  });
  const dir = await mkdtemp(join(tmpdir(), 'xai-video-out-'));
  try {
    const out = join(dir, name);
    const args = [
      '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0',
      '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-c:v', 'libx264', '-preset', 'medium', '-crf', String(options.crf ?? 18), '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-y', out,
    ];
    const { status, stderr } = await runProcess(bin.ffmpeg, args, name, raw);
    if (status !== 0) return { skipped: `no MP4: ffmpeg failed (${lastLine(stderr)})` };
    return { bytes: new Uint8Array(await readFile(out)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

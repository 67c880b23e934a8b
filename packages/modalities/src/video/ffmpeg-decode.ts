/**
 * Video files (MP4, MKV, WebM, AVI, MOV …) through ffmpeg: ffprobe gives size, frame rate, frame
 * count and codec; ffmpeg decodes the first video stream to raw RGB (`-f rawvideo -pix_fmt rgb24`)
 * over a pipe, and only the frames the sampler chose are kept (decoding stops after the last one),
 * so a long video is never held in memory. Frames are taken at a constant rate (the stream's
 * average rate, `-vsync passthrough`): frame i starts at i / fps.
 *
 * ffmpeg reads from a temporary copy of the bytes (MP4 needs a seekable input), removed on close.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { constantRateTimeline, frameFromBytes, type FrameSource, type RgbFrame } from './frames.js';
import { InvalidVideoError } from './errors.js';
import { lastLine, runProcess, startProcess, type FfmpegBinaries } from './ffmpeg-process.js';

export interface VideoProbe {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frames: number;
  readonly duration: number;
  readonly codec: string;
  readonly container: string;
}

interface ProbeJson {
  streams?: { width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; nb_frames?: string; duration?: string; codec_name?: string }[];
  format?: { duration?: string; format_name?: string };
}

const rate = (text: string | undefined): number => {
  const [num, den = '1'] = (text ?? '').split('/');
  const value = Number(num) / Number(den);
  return Number.isFinite(value) && value > 0 ? value : NaN;
};

export async function probeVideo(path: string, file: string, bin: FfmpegBinaries): Promise<VideoProbe> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,avg_frame_rate,r_frame_rate,nb_frames,duration,codec_name:format=duration,format_name', '-of', 'json', path];
  const { status, stdout, stderr } = await runProcess(bin.ffprobe, args, file);
  if (status !== 0) throw new InvalidVideoError(file, `not a video ffprobe can read (${lastLine(stderr)})`);
  const json = JSON.parse(stdout.toString('utf8')) as ProbeJson;
  const stream = json.streams?.[0];
  if (!stream?.width || !stream.height) throw new InvalidVideoError(file, 'the file holds no video stream');
  let fps = rate(stream.avg_frame_rate);
  if (Number.isNaN(fps)) fps = rate(stream.r_frame_rate);
  if (Number.isNaN(fps)) throw new InvalidVideoError(file, `the video stream has no frame rate (avg ${stream.avg_frame_rate}, r ${stream.r_frame_rate})`);
  const duration = Number(stream.duration ?? json.format?.duration);
  const counted = Number(stream.nb_frames);
  const frames = Number.isInteger(counted) && counted > 0 ? counted : Math.round(duration * fps);
  if (!(frames > 0)) throw new InvalidVideoError(file, 'the video stream declares neither a frame count nor a duration');
  return { width: stream.width, height: stream.height, fps, frames, duration: frames / fps, codec: stream.codec_name ?? 'unknown', container: json.format?.format_name ?? 'unknown' };
}

/**
 * Decodes the frames at `indices` (any order, repeats allowed). Indices beyond the frames actually
 * decoded (a declared count can be off by one) take the last decoded frame.
 */
async function decodeFrames(path: string, file: string, probe: VideoProbe, indices: readonly number[], bin: FfmpegBinaries): Promise<{ frames: RgbFrame[]; decoded: number }> {
  const wanted = new Set(indices);
  const lastWanted = Math.max(...indices);
  const frameBytes = probe.width * probe.height * 3;
  const args = ['-v', 'error', '-nostdin', '-i', path, '-map', '0:v:0', '-an', '-sn', '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const { child, done } = startProcess(bin.ffmpeg, args, file);
  child.stdin.end();
  const kept = new Map<number, Uint8Array>();
  let last: Uint8Array | null = null;
  let buffer = new Uint8Array(frameBytes);
  let filled = 0;
  let index = 0;
  let stopped = false;
  child.stdout.on('data', (chunk: Buffer) => {
    let at = 0;
    while (at < chunk.length && !stopped) {
      const n = Math.min(frameBytes - filled, chunk.length - at);
      buffer.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled < frameBytes) break;
      if (wanted.has(index)) kept.set(index, buffer);
      last = buffer;
      buffer = new Uint8Array(frameBytes);
      filled = 0;
      index++;
      if (index > lastWanted) {
        // every chosen frame is in: no need to decode the rest
        stopped = true;
        child.kill('SIGTERM');
      }
    }
  });
  const { status, stderr } = await done;
  if (!stopped && status !== 0) throw new InvalidVideoError(file, `ffmpeg cannot decode it (${lastLine(stderr)})`);
  if (index === 0 || last === null) throw new InvalidVideoError(file, `ffmpeg decoded no frames (${lastLine(stderr)})`);
  const lastFrame: Uint8Array = last;
  return { frames: indices.map((i) => frameFromBytes(kept.get(i) ?? lastFrame, probe.width, probe.height)), decoded: index };
}

/** A video file as a frame source (close() removes the temporary copy). */
export async function openFfmpegSource(bytes: Uint8Array, file: string, bin: FfmpegBinaries): Promise<FrameSource & { close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'xai-video-'));
  const path = join(dir, `input${extname(file).toLowerCase() || '.bin'}`);
  const close = () => rm(dir, { recursive: true, force: true });
  try {
    await writeFile(path, bytes);
    const probe = await probeVideo(path, file, bin);
    const info: Record<string, unknown> = { container: probe.container, codec: probe.codec, frames: probe.frames, fps: probe.fps, decoder: bin.ffmpeg };
    return {
      width: probe.width,
      height: probe.height,
      timeline: constantRateTimeline(probe.frames, probe.fps),
      info,
      async read(indices: readonly number[]): Promise<RgbFrame[]> {
        const { frames, decoded } = await decodeFrames(path, file, probe, indices, bin);
        info.framesRead = decoded; // decoding stops after the last frame chosen
        return frames;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * A folder of frame images (PNG or JPEG, decoded by core's `decodeInput`) as a video: the files
 * are ordered naturally by name (frame-2.png before frame-10.png) and shown at `frameRate`.
 * Grey frames become RGB; every frame used must have the size of the first. Only the first frame
 * and the frames the sampler chooses are decoded.
 */
import { decodeInput } from '@xai/core';
import type { InputFile } from '../adapter.js';
import { constantRateTimeline, type FrameSource, type RgbFrame } from './frames.js';
import { InvalidVideoError } from './errors.js';
import { sortNatural } from './natural-order.js';

export const FRAME_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;
export const DEFAULT_FRAME_RATE = 25;

export const isFrameImage = (name: string) => FRAME_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

function toRgbFrame(file: InputFile): RgbFrame {
  const { values, shape } = decodeInput(file.bytes, file.name);
  const [height, width, channels = 1] = shape as [number, number, number?];
  if (channels === 3) return { rgb: values, width, height };
  const rgb = new Float32Array(width * height * 3);
  for (let p = 0; p < width * height; p++) rgb.fill(values[p * channels]!, p * 3, p * 3 + 3);
  return { rgb, width, height };
}

export function openFrameFolder(files: readonly InputFile[], frameRate = DEFAULT_FRAME_RATE): FrameSource {
  const ordered = sortNatural(files, (f) => f.name);
  const first = toRgbFrame(ordered[0]!);
  const { width, height } = first;
  const decoded = new Map<number, RgbFrame>([[0, first]]);
  const frameAt = (i: number): RgbFrame => {
    let f = decoded.get(i);
    if (!f) {
      f = toRgbFrame(ordered[i]!);
      if (f.width !== width || f.height !== height) {
        throw new InvalidVideoError(ordered[i]!.name, `frame is ${f.width}×${f.height}, but the first frame (${ordered[0]!.name}) is ${width}×${height}; all frames of a folder must have one size`);
      }
      decoded.set(i, f);
    }
    return f;
  };
  return {
    width,
    height,
    timeline: constantRateTimeline(ordered.length, frameRate),
    info: { container: 'frame folder', frames: ordered.length, frameRate, files: ordered.map((f) => f.name) },
    async read(indices: readonly number[]): Promise<RgbFrame[]> {
      return indices.map(frameAt);
    },
  };
}

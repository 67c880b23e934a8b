/**
 * The clip shape [frames, height, width, channels] from the decode options and the model's input:
 * a size the model fixes wins, an option that contradicts it is an error naming the option; sizes
 * neither gives come from the source (a single given side keeps the aspect ratio).
 */
import { InvalidArgumentError } from '@xai/core';
import type { ModelInputSpec } from '../adapter.js';

export interface ClipShapeRequest {
  readonly frames?: number;
  readonly width?: number;
  readonly height?: number;
}

export interface ClipShape {
  /** Frame count the model or the options fix (undefined: the sampler decides). */
  readonly frames?: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
}

const shapeText = (spec: ModelInputSpec) => `[${spec.shape.map((d) => d ?? 'any').join(', ')}]`;

function agree(option: string, asked: number | undefined, fixed: number | null | undefined, spec: ModelInputSpec | undefined): number | undefined {
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 1)) throw new InvalidArgumentError(`option ${option}: must be a positive integer, got ${asked}`);
  if (fixed === null || fixed === undefined) return asked;
  if (asked !== undefined && asked !== fixed) {
    throw new InvalidArgumentError(`option ${option}: ${asked} contradicts the model, whose input ${shapeText(spec!)} (frames, height, width, channels) has ${option} ${fixed}; leave ${option} out or set it to ${fixed}`);
  }
  return fixed;
}

export function resolveClipShape(request: ClipShapeRequest, source: { width: number; height: number }, spec?: ModelInputSpec): ClipShape {
  if (spec && spec.shape.length !== 4) {
    throw new InvalidArgumentError(`the model's input ${shapeText(spec)} is not a clip: the video modality feeds [frames, height, width, channels] (Conv3D, or TimeDistributed CNN + recurrent)`);
  }
  if (spec && spec.dtype !== 'float32') throw new InvalidArgumentError(`the model's input is ${spec.dtype}; video clips are float32`);
  const channels = spec?.shape[3] ?? 3;
  if (channels !== 1 && channels !== 3) throw new InvalidArgumentError(`the model's input ${shapeText(spec!)} has ${channels} channels; video frames give 3 (RGB) or 1 (grey)`);
  const frames = agree('frames', request.frames, spec?.shape[0], spec);
  let width = agree('width', request.width, spec?.shape[2], spec);
  let height = agree('height', request.height, spec?.shape[1], spec);
  if (width === undefined && height === undefined) [width, height] = [source.width, source.height];
  else if (width === undefined) width = Math.max(1, Math.round((height! * source.width) / source.height));
  else if (height === undefined) height = Math.max(1, Math.round((width * source.height) / source.width));
  return { frames, height: height!, width: width!, channels };
}

/** The clip as the model reads it: frames [H·W·3] RGB → [T, H, W, C] (grey = Rec. 601 luma). */
export function clipValues(frames: readonly Float32Array[], height: number, width: number, channels: 1 | 3): Float32Array {
  const n = height * width;
  const out = new Float32Array(frames.length * n * channels);
  frames.forEach((rgb, t) => {
    if (channels === 3) out.set(rgb, t * n * 3);
    else for (let p = 0; p < n; p++) out[t * n + p] = 0.299 * rgb[p * 3]! + 0.587 * rgb[p * 3 + 1]! + 0.114 * rgb[p * 3 + 2]!;
  });
  return out;
}

/**
 * Frame sampling: which source frames make up the clip, from the decode options `start`, `end`
 * (seconds), `fps` and `frames`. A sample at time t takes the frame being shown at t (the last
 * frame that starts at or before t), so sampling works the same for constant-rate video,
 * GIFs with per-frame delays and frame folders.
 *
 * - `frames` and `fps`: t_k = start + k / fps for k < frames (must fit before `end`).
 * - `frames` only: evenly spread over [start, end): t_k = start + k · (end − start) / frames.
 * - `fps` only: t_k = start + k / fps while t_k < end.
 * - neither: every source frame shown during [start, end).
 * More samples than source frames repeat frames (metadata `repeatedFrames`).
 */
import { InvalidArgumentError } from '@xai/core';
import type { FrameTimeline } from './frames.js';
import { InvalidVideoError } from './errors.js';

export interface SamplingOptions {
  readonly start?: number;
  readonly end?: number;
  readonly fps?: number;
  readonly frames?: number;
}

export interface FrameSelection {
  /** Source frame index of every sample. */
  readonly indices: number[];
  /** Sample time of every sample, in seconds of the source. */
  readonly times: number[];
  /** The range sampled, after defaults and clipping to the duration. */
  readonly start: number;
  readonly end: number;
}

/** Tolerance for times computed as k / fps landing on a frame boundary. */
const EPS = 1e-6;

/** The index of the frame shown at time t (binary search over the start times). */
export function frameAt(timeline: FrameTimeline, t: number): number {
  const { starts } = timeline;
  let [lo, hi] = [0, starts.length - 1];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= t + EPS) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function checkPositive(name: string, value: number | undefined, integer: boolean): void {
  if (value === undefined) return;
  if (!(Number.isFinite(value) && value > 0) || (integer && !Number.isInteger(value))) {
    throw new InvalidArgumentError(`option ${name}: must be a positive ${integer ? 'integer' : 'number'}, got ${value}`);
  }
}

export function selectFrames(timeline: FrameTimeline, options: SamplingOptions, file: string): FrameSelection {
  const { duration } = timeline;
  const { fps, frames } = options;
  checkPositive('fps', fps, false);
  checkPositive('frames', frames, true);
  const start = options.start ?? 0;
  if (!(Number.isFinite(start) && start >= 0)) throw new InvalidArgumentError(`option start: must be a number of seconds ≥ 0, got ${start}`);
  if (start >= duration) throw new InvalidVideoError(file, `option start: ${start} s is not before the end of the clip (${round(duration)} s)`);
  const end = Math.min(options.end ?? duration, duration);
  if (!(end > start)) throw new InvalidArgumentError(`option end: must be after start (${start} s), got ${options.end}`);

  let times: number[];
  if (frames !== undefined && fps !== undefined) {
    times = Array.from({ length: frames }, (_, k) => start + k / fps);
    if (times[frames - 1]! >= end - EPS) {
      throw new InvalidVideoError(file, `option frames: ${frames} frames at ${fps} fps need ${round((frames - 1) / fps)} s after start, but ${start}…${round(end)} s holds ${round(end - start)} s (lower fps or frames, or move start)`);
    }
  } else if (frames !== undefined) {
    times = Array.from({ length: frames }, (_, k) => start + (k * (end - start)) / frames);
  } else if (fps !== undefined) {
    const count = Math.max(1, Math.ceil((end - start) * fps - EPS));
    times = Array.from({ length: count }, (_, k) => start + k / fps);
  } else {
    const first = frameAt(timeline, start);
    let last = frameAt(timeline, end);
    if (last > first && timeline.starts[last]! >= end - EPS) last--; // a frame starting at `end` is outside
    const indices = Array.from({ length: last - first + 1 }, (_, k) => first + k);
    return { indices, times: indices.map((i) => Math.max(start, timeline.starts[i]!)), start, end };
  }
  return { indices: times.map((t) => frameAt(timeline, t)), times, start, end };
}

const round = (s: number) => Math.round(s * 1000) / 1000;

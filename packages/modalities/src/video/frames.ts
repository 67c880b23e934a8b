/** Decoded video frames before sampling: what every reader (ffmpeg, GIF, frame folder) returns. */

/** One frame: interleaved RGB, row-major, `width × height × 3` values in [0, 1]. */
export interface RgbFrame {
  readonly rgb: Float32Array;
  readonly width: number;
  readonly height: number;
}

/** When each source frame is shown: frame i from `starts[i]` until the next start (or `duration`). */
export interface FrameTimeline {
  /** Start time of every source frame in seconds, ascending, the first 0. */
  readonly starts: readonly number[];
  /** Total length in seconds. */
  readonly duration: number;
  /** Nominal frame rate (frames per second) of the source. */
  readonly fps: number;
}

/** A source whose frames can be fetched by index once the sampler has chosen them. */
export interface FrameSource {
  readonly width: number;
  readonly height: number;
  readonly timeline: FrameTimeline;
  /** Facts for the metadata (container, codec, loop count …). */
  readonly info: Readonly<Record<string, unknown>>;
  /** The frames at these source indices (in this order; an index may repeat). */
  read(indices: readonly number[]): Promise<RgbFrame[]>;
}

/** A timeline of `count` frames at a constant rate. */
export function constantRateTimeline(count: number, fps: number): FrameTimeline {
  return { starts: Array.from({ length: count }, (_, i) => i / fps), duration: count / fps, fps };
}

/** RGB bytes (3 per pixel, or RGBA with `stride` 4) → an RgbFrame in [0, 1]. */
export function frameFromBytes(bytes: Uint8Array, width: number, height: number, stride: 3 | 4 = 3): RgbFrame {
  const rgb = new Float32Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = bytes[p * stride + c]! / 255;
  }
  return { rgb, width, height };
}

import { InvalidArgumentError } from '@xai/core';

/**
 * Where a sample keeps its channels: 'last' (channels-last, as Keras and this project) or 'none'
 * (every element is its own position: greyscale images without a channel axis, token-id sequences).
 */
export type ChannelAxis = 'last' | 'none';

/**
 * How one sample is laid out: its shape (no batch axis) and channel axis. Metrics work on
 * *positions* — all axes but the channel axis (pixels, voxels, time steps, tokens) — and perturb a
 * position in all its channels at once.
 */
export interface Layout {
  readonly shape: readonly number[];
  /** Elements of one sample. */
  readonly size: number;
  /** Channels per position (1 without a channel axis). */
  readonly channels: number;
  /** Positions of one sample (size / channels). */
  readonly positions: number;
  /** The position grid: the shape without its channel axis. */
  readonly grid: readonly number[];
}

export const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/**
 * The layout of samples of `shape`. Without `channels`, rank ≥ 3 means channels-last
 * ([H, W, C], [T, H, W, C] …) and rank ≤ 2 means no channel axis ([H, W], [T]); pass 'last' for
 * rank-2 data with channels ([T, C] signals, [T, D] token embeddings).
 */
export function layoutOf(shape: readonly number[], channels?: ChannelAxis): Layout {
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InvalidArgumentError(`sample shape must be a list of positive integers, got [${shape}]`);
  }
  const axis = channels ?? (shape.length >= 3 ? 'last' : 'none');
  const size = product(shape);
  const c = axis === 'last' ? shape[shape.length - 1]! : 1;
  const grid = axis === 'last' ? shape.slice(0, -1) : [...shape];
  return { shape: [...shape], size, channels: c, positions: size / c, grid: grid.length ? grid : [1] };
}

/** Checks that `values` holds `count` samples of `layout`; returns count. */
export function checkBatch(values: ArrayLike<number>, layout: Layout, what: string, count?: number): number {
  const n = count ?? values.length / layout.size;
  if (!Number.isInteger(n) || n * layout.size !== values.length) {
    throw new InvalidArgumentError(`${what} has ${values.length} values, not a whole number of samples of shape [${layout.shape}]${count !== undefined ? ` × ${count}` : ''}`);
  }
  return n;
}

/** Row-major strides of a grid. */
export function stridesOf(grid: readonly number[]): number[] {
  const strides = new Array<number>(grid.length);
  let s = 1;
  for (let a = grid.length - 1; a >= 0; a--) {
    strides[a] = s;
    s *= grid[a]!;
  }
  return strides;
}

/** Grid coordinates of a flat position index. */
export function coordsOf(index: number, grid: readonly number[]): number[] {
  const out = new Array<number>(grid.length);
  for (let a = grid.length - 1; a >= 0; a--) {
    out[a] = index % grid[a]!;
    index = Math.floor(index / grid[a]!);
  }
  return out;
}

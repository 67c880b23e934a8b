/**
 * SpRAy's heatmap preprocessing: one relevance tensor → a small normalised 2-D map, so that heatmaps
 * of different samples compare by where the relevance is, not by its magnitude.
 */
import { InvalidArgumentError, resizeImage } from '@xai/core';

export interface PreprocessOptions {
  /** Shape of one relevance sample without batch axis: [H, W, C] (channels-last), [C, H, W] or [H, W]. */
  readonly shape: readonly number[];
  /** Where the channel axis is (default 'last'; 'none' for [H, W]). */
  readonly channelAxis?: 'last' | 'first' | 'none';
  /** Take |R| after the channel sum (default false: positive and negative evidence stay apart). */
  readonly absolute?: boolean;
  /** Side of the downsampled map (default 32; a map already at most that size is kept). */
  readonly size?: number;
  /** 'max' (default): divide by max|·|; 'l2': unit Euclidean norm; 'sum': divide by Σ|·|. */
  readonly normalise?: 'max' | 'l2' | 'sum';
}

/** Output side of a preprocessed map for these options: [height, width]. */
export function preprocessedSize(o: PreprocessOptions): [number, number] {
  const [h, w] = spatial(o);
  const size = o.size ?? 32;
  return [Math.min(h, size), Math.min(w, size)];
}

function spatial(o: PreprocessOptions): [number, number, number] {
  const axis = o.channelAxis ?? 'last';
  const s = o.shape;
  if (axis === 'none') {
    if (s.length !== 2) throw new InvalidArgumentError(`preprocess: channelAxis 'none' needs a shape [H, W], got [${s}]`);
    return [s[0]!, s[1]!, 1];
  }
  if (s.length !== 3) throw new InvalidArgumentError(`preprocess: shape must be [H, W, C] or [C, H, W], got [${s}]`);
  return axis === 'last' ? [s[0]!, s[1]!, s[2]!] : [s[1]!, s[2]!, s[0]!];
}

/** Area-average downsampling of a single-channel [h, w] map to [oh, ow] (each output the exact mean of the area it covers). */
export function downsampleArea(map: Float32Array, h: number, w: number, oh: number, ow: number): Float32Array {
  return resizeImage(map, h, w, 1, oh, ow, 'area');
}

/** Channel sum, optional |·|, area downsampling, normalisation. */
export function preprocessHeatmap(relevance: ArrayLike<number>, o: PreprocessOptions): Float32Array {
  const [h, w, c] = spatial(o);
  if (relevance.length !== h * w * c) throw new InvalidArgumentError(`preprocess: relevance has ${relevance.length} values, shape [${o.shape}] needs ${h * w * c}`);
  const first = (o.channelAxis ?? 'last') === 'first';
  const map = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += first ? relevance[k * h * w + p]! : relevance[p * c + k]!;
    map[p] = o.absolute ? Math.abs(s) : s;
  }
  const [oh, ow] = preprocessedSize(o);
  const small = downsampleArea(map, h, w, oh, ow);
  let norm = 0;
  const mode = o.normalise ?? 'max';
  for (const v of small) norm = mode === 'max' ? Math.max(norm, Math.abs(v)) : mode === 'l2' ? norm + v * v : norm + Math.abs(v);
  if (mode === 'l2') norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < small.length; i++) small[i]! /= norm;
  return small;
}

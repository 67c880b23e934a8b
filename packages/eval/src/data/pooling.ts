import { InvalidArgumentError } from '@xai/core';
import type { Layout } from './layout.js';

/**
 * How relevance of several channels becomes one value per position. The six non-negative poolings
 * are those of CLEVR-XAI (Arras, Osman & Samek 2022): 'sum,abs' = |Σ_c R_c|,
 * 'sum,pos' = max(0, Σ_c R_c), 'max-norm' = max_c |R_c|, 'l1-norm' = Σ_c |R_c|,
 * 'l2-norm' = √Σ_c R_c², 'l2-norm,sq' = Σ_c R_c². 'sum' = Σ_c R_c keeps the sign (what ordering
 * metrics such as pixel flipping rank by).
 */
export const POOLINGS = ['sum', 'sum,abs', 'sum,pos', 'max-norm', 'l1-norm', 'l2-norm', 'l2-norm,sq'] as const;
export type ChannelPooling = (typeof POOLINGS)[number];
/** The poolings that give a non-negative map (what mass and rank accuracy need). */
export const NONNEGATIVE_POOLINGS = POOLINGS.filter((p) => p !== 'sum') as Exclude<ChannelPooling, 'sum'>[];

/** Pools sample `index` of a batch (channels-last) to one value per position, in float64. */
export function poolChannels(values: ArrayLike<number>, layout: Layout, pooling: ChannelPooling, index = 0): Float64Array {
  const { channels: C, positions: P } = layout;
  const base = index * layout.size;
  const out = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    let acc = 0;
    const o = base + p * C;
    switch (pooling) {
      case 'sum':
      case 'sum,abs':
      case 'sum,pos':
        for (let c = 0; c < C; c++) acc += values[o + c]!;
        out[p] = pooling === 'sum' ? acc : pooling === 'sum,abs' ? Math.abs(acc) : Math.max(0, acc);
        break;
      case 'max-norm':
        for (let c = 0; c < C; c++) acc = Math.max(acc, Math.abs(values[o + c]!));
        out[p] = acc;
        break;
      case 'l1-norm':
        for (let c = 0; c < C; c++) acc += Math.abs(values[o + c]!);
        out[p] = acc;
        break;
      case 'l2-norm':
      case 'l2-norm,sq':
        for (let c = 0; c < C; c++) acc += values[o + c]! * values[o + c]!;
        out[p] = pooling === 'l2-norm' ? Math.sqrt(acc) : acc;
        break;
      default:
        throw new InvalidArgumentError(`unknown channel pooling '${pooling as string}'; choose one of ${POOLINGS.join(', ')}`);
    }
  }
  return out;
}

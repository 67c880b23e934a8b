import { layoutOf, type ChannelAxis } from '../data/layout.js';
import { poolChannels, POOLINGS, type ChannelPooling } from '../data/pooling.js';

export interface MagnitudeOptions {
  /** 'none' (default): every element of the relevance; else pool channels first. */
  readonly pooling?: ChannelPooling | 'none';
  readonly channels?: ChannelAxis;
}

/** |R| of one sample as float64, after optional channel pooling. */
export function magnitudes(relevance: ArrayLike<number>, shape: readonly number[] | undefined, options: MagnitudeOptions): Float64Array {
  const pooling = options.pooling ?? 'none';
  if (pooling === 'none' || !shape) return Float64Array.from({ length: relevance.length }, (_, i) => Math.abs(relevance[i]!));
  return poolChannels(relevance, layoutOf(shape, options.channels), pooling).map(Math.abs);
}

export const MAGNITUDE_POOLING_OPTION = {
  type: 'string',
  enum: ['none', ...POOLINGS],
  default: 'none',
  description: "'none': every element; else pool channels first",
} as const;

import { InvalidArgumentError } from '@xai/core';
import { EmptyMaskError } from '../errors.js';
import { layoutOf, type ChannelAxis, type Layout } from '../data/layout.js';
import type { MetricContext } from '../registry/metric.js';

/** Options every localisation metric takes. */
export interface LocalisationOptions {
  /** Channel axis of the relevance (default from the shape, see layoutOf). */
  readonly channels?: ChannelAxis;
  /** Index of the sample, for error messages. */
  readonly sample?: number;
}

/**
 * Checks a ground-truth mask (one value per position, non-zero = on the object) against the
 * layout; returns the number of positions it selects. An empty mask is an EmptyMaskError: the
 * metrics are undefined for it (Quantus counts it as a pointing-game hit).
 */
export function checkMask(mask: ArrayLike<number>, layout: Layout, metric: string, sample = 0): number {
  if (mask.length !== layout.positions) {
    throw new InvalidArgumentError(`${metric}: the mask of sample ${sample} has ${mask.length} values, the relevance has ${layout.positions} positions (grid [${layout.grid}])`);
  }
  let on = 0;
  for (let p = 0; p < mask.length; p++) if (mask[p]) on++;
  if (on === 0) throw new EmptyMaskError(sample, metric);
  return on;
}

/** Runs a per-sample localisation function over the benchmark's samples and masks. */
export function perMaskedSample(
  ctx: MetricContext,
  metric: string,
  fn: (relevance: Float32Array, mask: Uint8Array, options: LocalisationOptions) => number,
): number[] {
  if (!ctx.masks) throw new InvalidArgumentError(`${metric} needs ground-truth masks; the samples have none`);
  const layout = layoutOf(ctx.shape, ctx.channels);
  if (ctx.masks.length !== ctx.count * layout.positions) {
    throw new InvalidArgumentError(`${metric}: masks have ${ctx.masks.length} values, expected ${ctx.count} × ${layout.positions} positions`);
  }
  return Array.from({ length: ctx.count }, (_, i) =>
    fn(ctx.relevance.subarray(i * layout.size, (i + 1) * layout.size), ctx.masks!.subarray(i * layout.positions, (i + 1) * layout.positions), {
      channels: ctx.channels,
      sample: i,
    }),
  );
}

export const POOLING_DESCRIPTION = 'how relevance is pooled over channels (CLEVR-XAI poolings, or signed sum)';

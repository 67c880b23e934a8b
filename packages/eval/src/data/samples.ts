import { InvalidArgumentError } from '@xai/core';
import { checkBatch, layoutOf, type ChannelAxis, type Layout } from './layout.js';

/** Inputs with their relevance, as plain data: what most metrics take. */
export interface AttributedSamples {
  /** count × size, row-major (channels-last where there are channels). */
  readonly inputs: Float32Array;
  /** Relevance of the inputs, same layout. */
  readonly relevance: Float32Array;
  /** Shape of one sample (no batch axis). */
  readonly shape: readonly number[];
  /** Channel axis (default: 'last' for rank ≥ 3, else 'none'; see layoutOf). */
  readonly channels?: ChannelAxis;
  /** The explained class per sample. */
  readonly targets: readonly number[];
  /** True class per sample, for accuracy-based metrics (default: the targets). */
  readonly labels?: readonly number[];
}

/** Layout and sample count of attributed samples, checking that everything agrees. */
export function checkSamples(data: AttributedSamples, layout: Layout = layoutOf(data.shape, data.channels)): { layout: Layout; count: number } {
  const count = checkBatch(data.inputs, layout, 'inputs');
  checkBatch(data.relevance, layout, 'relevance', count);
  if (data.targets.length !== count) throw new InvalidArgumentError(`got ${data.targets.length} targets for ${count} samples`);
  if (data.labels && data.labels.length !== count) throw new InvalidArgumentError(`got ${data.labels.length} labels for ${count} samples`);
  return { layout, count };
}

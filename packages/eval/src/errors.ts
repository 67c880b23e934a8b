/** Typed errors of the evaluation package; each names the sample, option or layer at fault. */
import { InvalidArgumentError } from '@xai/core';

/** A ground-truth mask selects no position: localisation metrics are undefined for it (not a hit, not a miss). */
export class EmptyMaskError extends InvalidArgumentError {
  constructor(
    readonly sample: number,
    readonly metric: string,
  ) {
    super(`${metric}: the ground-truth mask of sample ${sample} is empty; the metric is undefined for it`);
  }
}

/** A metric cannot be applied to this model or input (e.g. input invariance behind a 'same'-padded convolution). */
export class NotApplicableError extends InvalidArgumentError {
  constructor(
    readonly metric: string,
    detail: string,
  ) {
    super(`${metric}: ${detail}`);
  }
}

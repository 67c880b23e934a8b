import { InvalidArgumentError } from '@xai/core';
import type { BenchmarkSamples } from '@xai/eval';

/** Samples [start, end) of a benchmark's samples (a chunk of a queued benchmark; see jobs/chunk-plan.ts). */
export function sampleRange(samples: BenchmarkSamples, range: { readonly start: number; readonly end: number }): BenchmarkSamples {
  const count = samples.labels.length;
  const { start, end } = range;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= count)) {
    throw new InvalidArgumentError(`chunk [${start}, ${end}) is outside the benchmark's ${count} samples`);
  }
  if (samples.heldInputs) throw new InvalidArgumentError('benchmarks of multi-input models run as one chunk');
  const size = samples.inputs.length / count;
  const positions = samples.masks ? samples.masks.length / count : 0;
  return {
    ...samples,
    inputs: samples.inputs.slice(start * size, end * size),
    labels: Array.from(samples.labels).slice(start, end),
    ...(samples.masks ? { masks: Array.from(samples.masks).slice(start * positions, end * positions) } : {}),
  };
}

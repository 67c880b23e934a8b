import { generateShapes, InvalidArgumentError } from '@xai/core';
import type { BenchmarkSamples } from '@xai/eval';

/** A generated data set a benchmark can run on (`POST benchmarks` with `dataset`). */
export interface DatasetDefinition {
  readonly name: string;
  readonly description: string;
  /** Shape of one sample (the model must take it). */
  readonly shape: readonly number[];
  readonly hasMasks: boolean;
  readonly maxCount: number;
  generate(count: number, seed: number): BenchmarkSamples;
}

export const DATASETS: readonly DatasetDefinition[] = [
  {
    name: 'shapes',
    description: 'generated 32×32×3 shapes (square, cross, ring, triangle) with object masks, as the image demo model was trained on',
    shape: [32, 32, 3],
    hasMasks: true,
    maxCount: 1024,
    generate(count, seed) {
      const data = generateShapes(count, seed);
      return { inputs: data.images, shape: [32, 32, 3], labels: data.labels, masks: data.masks };
    },
  },
];

export function datasetByName(name: string): DatasetDefinition {
  const d = DATASETS.find((x) => x.name === name);
  if (!d) throw new InvalidArgumentError(`unknown data set '${name}'; available: ${DATASETS.map((x) => x.name).join(', ')}`);
  return d;
}

import type { Progress } from '@xai/core';
import type { BatchExplainer } from '../data/explainer.js';
import { deriveSeed, seededRandom } from '../random/seeded.js';

export interface NeighbourhoodOptions {
  /** Perturbed copies per sample (default 10). */
  readonly samples?: number;
  /** 'uniform' (default): i.i.d. in [−radius, radius] per element; 'gaussian': N(0, radius²). */
  readonly noise?: 'uniform' | 'gaussian';
  /** Default 0.05. */
  readonly radius?: number;
  readonly seed?: number;
  readonly onProgress?: (progress: Progress) => void;
}

/**
 * For each sample, explains `samples` seeded random neighbours x' of x and returns
 * max_{x'} ‖R(x) − R(x')‖_p / ‖x − x'‖₂ with the given numerator norm p. All neighbours of all
 * samples go to the explainer in one call (it batches).
 */
export async function maxExplanationRatio(
  explain: BatchExplainer,
  data: { readonly inputs: Float32Array; readonly relevance: Float32Array; readonly targets: readonly number[] },
  norm: 1 | 2,
  options: NeighbourhoodOptions,
  salt: string,
): Promise<number[]> {
  const count = data.targets.length;
  const size = data.inputs.length / count;
  const m = options.samples ?? 10;
  const radius = options.radius ?? 0.05;
  const neighbours = new Float32Array(count * m * size);
  const targets: number[] = [];
  for (let i = 0; i < count; i++) {
    const random = seededRandom(deriveSeed(options.seed ?? 0, salt, i));
    for (let j = 0; j < m; j++) {
      const o = (i * m + j) * size;
      for (let k = 0; k < size; k++) {
        const d = options.noise === 'gaussian' ? radius * random.normal() : random.uniform(-radius, radius);
        neighbours[o + k] = data.inputs[i * size + k]! + d;
      }
      targets.push(data.targets[i]!);
    }
  }
  const explained = await explain(neighbours, count * m, targets);
  const scores = Array.from({ length: count }, (_, i) => {
    let best = 0;
    for (let j = 0; j < m; j++) {
      const o = (i * m + j) * size;
      let num = 0;
      let den = 0;
      for (let k = 0; k < size; k++) {
        const dr = data.relevance[i * size + k]! - explained[o + k]!;
        num += norm === 1 ? Math.abs(dr) : dr * dr;
        const dx = data.inputs[i * size + k]! - neighbours[o + k]!;
        den += dx * dx;
      }
      const ratio = (norm === 1 ? num : Math.sqrt(num)) / Math.sqrt(den);
      if (den > 0) best = Math.max(best, ratio);
    }
    options.onProgress?.({ done: i + 1, total: count, unit: 'samples' });
    return best;
  });
  return scores;
}

export const NEIGHBOURHOOD_PROPERTIES = {
  samples: { type: 'integer', minimum: 1, default: 10, description: 'perturbed neighbours per sample' },
  noise: { type: 'string', enum: ['uniform', 'gaussian'], default: 'uniform', description: 'uniform in [−radius, radius] or N(0, radius²) per element' },
  radius: { type: 'number', exclusiveMinimum: 0, default: 0.05, description: 'size of the neighbourhood' },
} as const;

import { gaussianBlurValues, InvalidArgumentError, type OptionSchema } from '@xai/core';
import type { Layout } from '../data/layout.js';
import type { Random } from '../random/seeded.js';

/**
 * What a perturbed position is replaced with:
 * - 'uniform': i.i.d. uniform noise in [low, high] (Samek et al. 2017's region perturbation);
 *   default range the sample's own [min, max];
 * - 'constant': one value (default 0) — not min(x), as Quantus's "black" is;
 * - 'mean': the sample's per-channel mean;
 * - 'blur': the same position of a Gaussian-blurred copy of the sample (σ in positions, default 2).
 */
export type Perturbation =
  | { readonly kind: 'uniform'; readonly low?: number; readonly high?: number }
  | { readonly kind: 'constant'; readonly value?: number }
  | { readonly kind: 'mean' }
  | { readonly kind: 'blur'; readonly sigma?: number };

export const PERTURBATION_KINDS = ['uniform', 'constant', 'mean', 'blur'] as const;

/** JSON schema of a Perturbation option, with its default. */
export function perturbationSchema(fallback: Perturbation, description = 'what perturbed positions are replaced with'): OptionSchema {
  return {
    type: 'object',
    properties: {
      kind: { type: 'string', enum: PERTURBATION_KINDS, description: 'uniform noise, a constant, the per-channel mean, or a blurred copy' },
      low: { type: 'number', description: "'uniform': lower bound (default the sample's minimum)" },
      high: { type: 'number', description: "'uniform': upper bound (default the sample's maximum)" },
      value: { type: 'number', description: "'constant': the value (default 0)" },
      sigma: { type: 'number', exclusiveMinimum: 0, description: "'blur': Gaussian σ in positions (default 2)" },
    },
    default: { ...fallback },
    description,
  };
}

/**
 * The replacement of every element of one sample (`x`, one sample's values): a perturbation step
 * copies a region's elements from here. Drawn once per sample, so each position is perturbed once.
 */
export function replacementValues(x: ArrayLike<number>, layout: Layout, perturbation: Perturbation, random: Random): Float32Array {
  const out = new Float32Array(layout.size);
  switch (perturbation.kind) {
    case 'uniform': {
      let lo = perturbation.low;
      let hi = perturbation.high;
      if (lo === undefined || hi === undefined) {
        let min = Infinity;
        let max = -Infinity;
        for (let i = 0; i < layout.size; i++) {
          min = Math.min(min, x[i]!);
          max = Math.max(max, x[i]!);
        }
        lo ??= min;
        hi ??= max;
      }
      if (!(hi >= lo)) throw new InvalidArgumentError(`uniform perturbation needs low ≤ high, got [${lo}, ${hi}]`);
      for (let i = 0; i < layout.size; i++) out[i] = random.uniform(lo, hi);
      return out;
    }
    case 'constant':
      return out.fill(perturbation.value ?? 0);
    case 'mean': {
      const C = layout.channels;
      const means = new Float64Array(C);
      for (let i = 0; i < layout.size; i++) means[i % C]! += x[i]!;
      for (let i = 0; i < layout.size; i++) out[i] = means[i % C]! / layout.positions;
      return out;
    }
    case 'blur': {
      const sigma = perturbation.sigma ?? 2;
      const values = Float32Array.from({ length: layout.size }, (_, i) => x[i]!);
      return gaussianBlurValues(values, [1, ...layout.grid, layout.channels], sigma);
    }
    default:
      throw new InvalidArgumentError(`unknown perturbation '${(perturbation as { kind: string }).kind}'; choose one of ${PERTURBATION_KINDS.join(', ')}`);
  }
}

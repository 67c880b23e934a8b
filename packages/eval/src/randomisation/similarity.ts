import { layoutOf, type ChannelAxis } from '../data/layout.js';
import { poolChannels } from '../data/pooling.js';
import { spearman } from '../stats/spearman.js';
import { ssim } from '../stats/ssim.js';

export type Similarity = 'spearman' | 'ssim';

export interface SimilarityOptions {
  /** 'spearman' (default) rank correlation or 'ssim' structural similarity of the heatmaps. */
  readonly similarity?: Similarity;
  /** Compare |heatmaps| (default true; Adebayo et al. report both with and without). */
  readonly absolute?: boolean;
  readonly channels?: ChannelAxis;
}

/**
 * Similarity of two explanations of one sample, as Adebayo et al. (2018) compare them: channels
 * summed to a heatmap, optionally its absolute value, then Spearman's ρ of the values, or SSIM of
 * the heatmaps each scaled by its maximum |value| (range 1 for absolute maps, 2 for signed ones).
 */
export function explanationSimilarity(a: ArrayLike<number>, b: ArrayLike<number>, shape: readonly number[], options: SimilarityOptions = {}): number {
  const layout = layoutOf(shape, options.channels);
  const absolute = options.absolute ?? true;
  const heat = (r: ArrayLike<number>) => {
    const m = poolChannels(r, layout, 'sum');
    return absolute ? m.map(Math.abs) : m;
  };
  const ha = heat(a);
  const hb = heat(b);
  if ((options.similarity ?? 'spearman') === 'spearman') return spearman(ha, hb);
  const scale = (m: Float64Array) => {
    const max = m.reduce((acc, v) => Math.max(acc, Math.abs(v)), 0);
    return max > 0 ? m.map((v) => v / max) : m;
  };
  return ssim(scale(ha), scale(hb), layout.grid, { dataRange: absolute ? 1 : 2 });
}

export const SIMILARITY_PROPERTIES = {
  similarity: { type: 'string', enum: ['spearman', 'ssim'], default: 'spearman', description: 'Spearman rank correlation or SSIM of the heatmaps' },
  absolute: { type: 'boolean', default: true, description: 'compare absolute heatmaps' },
} as const;

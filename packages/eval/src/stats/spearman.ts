import { pearson } from './pearson.js';
import { averageRanks } from './ranks.js';

/**
 * Spearman's rank correlation ρ (Spearman 1904): Pearson's r of the average ranks, so ties are
 * handled exactly as `scipy.stats.spearmanr` does. NaN when either side is constant. Used by the
 * model parameter randomisation test (Adebayo et al. 2018) to compare explanations.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`spearman: ${x.length} vs ${y.length} values`);
  return pearson(averageRanks(x), averageRanks(y));
}

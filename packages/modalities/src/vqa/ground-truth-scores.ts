/**
 * Relevance mass accuracy and relevance rank accuracy (Arras, Osman & Samek 2022) of one image
 * heatmap against one mask, for the adapter's ground-truth artefact. The same definitions as
 * @xai/eval's metrics of those names (checked against them in the tests), here without the
 * dependency: relevance is pooled over channels as max(0, Σ_c R_c) ('sum,pos').
 */

/** max(0, Σ_c R_c) per pixel of a channels-last [H, W, C] relevance. */
export function positiveChannelSum(relevance: ArrayLike<number>, channels: number): Float64Array {
  const out = new Float64Array(relevance.length / channels);
  for (let p = 0; p < out.length; p++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += relevance[p * channels + c]!;
    out[p] = Math.max(0, s);
  }
  return out;
}

/** Share of the pooled relevance inside the mask (NaN when there is none). */
export function massAccuracy(pooled: ArrayLike<number>, mask: ArrayLike<number>): number {
  let inside = 0;
  let total = 0;
  for (let p = 0; p < pooled.length; p++) {
    total += pooled[p]!;
    if (mask[p]) inside += pooled[p]!;
  }
  return total > 0 ? inside / total : NaN;
}

/** Share of the K highest pixels inside the K-pixel mask (ties to the lower index; NaN for an empty mask). */
export function rankAccuracy(pooled: ArrayLike<number>, mask: ArrayLike<number>): number {
  let k = 0;
  for (let p = 0; p < mask.length; p++) if (mask[p]) k++;
  if (k === 0) return NaN;
  const order = Array.from({ length: pooled.length }, (_, p) => p).sort((a, b) => pooled[b]! - pooled[a]! || a - b);
  let hits = 0;
  for (let i = 0; i < k; i++) if (mask[order[i]!]) hits++;
  return hits / k;
}

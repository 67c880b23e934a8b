/** Image relevance as the dashboard draws it: one value per pixel, the channels summed. */

/** Σ over channels per pixel of a relevance shaped [h, w, c] ([h, w] or flat: one channel). */
export function channelSums(values: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const c = shape.length >= 3 ? shape.at(-1)! : 1;
  const out = new Float64Array(Math.floor(values.length / c));
  for (let p = 0; p < out.length; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += values[p * c + k] ?? 0;
    out[p] = s;
  }
  return out;
}

/** The largest |value|: the colour scale of a heatmap (0 for none). */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

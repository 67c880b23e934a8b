/**
 * The colouring of Arras et al. (2017; `code/util/heatmap.py` of ArrasL/LRP_for_LSTM): scores of one
 * sentence are mapped to [0, 1] by 0.5 + 0.5·R/max|R| (symmetric: zero is the middle, the largest
 * magnitude of either sign reaches an end) and coloured with matplotlib's `bwr` (blue → white → red,
 * linear in each channel). Red: relevance for the explained class; blue: against it.
 */
export type Rgb = readonly [number, number, number];

/** max |score| over the scores that exist (0 when none is non-zero). */
export function symmetricScale(scores: readonly (number | null)[]): number {
  let max = 0;
  for (const s of scores) if (s !== null && Number.isFinite(s)) max = Math.max(max, Math.abs(s));
  return max;
}

/** 0.5 + 0.5·score/scale, clipped to [0, 1]; 0.5 (white) when the scale is 0. */
export function rescaleByAbs(score: number, scale: number): number {
  if (!(scale > 0) || !Number.isFinite(score)) return 0.5;
  return Math.min(1, Math.max(0, 0.5 + (0.5 * score) / scale));
}

/** matplotlib `bwr` at x ∈ [0, 1]: (0,0,1) at 0, (1,1,1) at 0.5, (1,0,0) at 1; channels 0–255. */
export function bwr(x: number): Rgb {
  const t = Math.min(1, Math.max(0, x));
  const c = (v: number) => Math.round(255 * v);
  return t <= 0.5 ? [c(2 * t), c(2 * t), 255] : [255, c(2 * (1 - t)), c(2 * (1 - t))];
}

/** The colour of `score` on a symmetric scale. */
export function scoreColour(score: number, scale: number): Rgb {
  return bwr(rescaleByAbs(score, scale));
}

export const hexColour = ([r, g, b]: Rgb): string => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** Black or white, whichever reads better on `background` (WCAG relative luminance). */
export function textColourOn([r, g, b]: Rgb): Rgb {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return luminance < 0.179 ? [255, 255, 255] : [0, 0, 0];
}

/** A score for people: 4 significant digits with its sign. */
export function formatScore(score: number): string {
  if (score === 0) return '0';
  const s = Math.abs(score) >= 1e-3 && Math.abs(score) < 1e4 ? Number(score.toPrecision(4)).toString() : score.toExponential(3);
  return score > 0 ? `+${s}` : s;
}

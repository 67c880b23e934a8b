/**
 * A 3×5 pixel font for plot labels (axis ticks, units, titles): digits, the lower-case letters,
 * a few capitals and punctuation. Rows top to bottom, 3 bits each (4 = left column).
 * Characters it lacks are drawn as blanks.
 */
const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  a: [0, 6, 1, 5, 7], b: [4, 4, 6, 5, 6], c: [0, 3, 4, 4, 3], d: [1, 1, 3, 5, 3], e: [0, 2, 5, 6, 3],
  f: [1, 2, 7, 2, 2], g: [0, 3, 5, 3, 6], h: [4, 4, 6, 5, 5], i: [2, 0, 2, 2, 2], j: [1, 0, 1, 5, 2],
  k: [4, 5, 6, 5, 5], l: [6, 2, 2, 2, 7], m: [0, 0, 7, 7, 5], n: [0, 0, 6, 5, 5], o: [0, 0, 2, 5, 2],
  p: [0, 6, 5, 6, 4], q: [0, 3, 5, 3, 1], r: [0, 0, 3, 4, 4], s: [0, 3, 6, 1, 6], t: [2, 7, 2, 2, 1],
  u: [0, 0, 5, 5, 3], v: [0, 0, 5, 5, 2], w: [0, 0, 5, 7, 7], x: [0, 0, 5, 2, 5], y: [0, 5, 3, 1, 6],
  z: [0, 7, 1, 2, 7],
  H: [5, 5, 7, 5, 5], R: [6, 5, 6, 5, 5], L: [4, 4, 4, 4, 7], P: [6, 5, 6, 4, 4], G: [3, 4, 5, 5, 3],
  '-': [0, 0, 7, 0, 0], '+': [0, 2, 7, 2, 0], '.': [0, 0, 0, 0, 2], ',': [0, 0, 0, 2, 4], ':': [0, 2, 0, 2, 0],
  '(': [1, 2, 2, 2, 1], ')': [4, 2, 2, 2, 4], '/': [1, 1, 2, 4, 4], '|': [2, 2, 2, 2, 2], '_': [0, 0, 0, 0, 7],
  '=': [0, 7, 0, 7, 0], '%': [5, 1, 2, 4, 5], "'": [2, 2, 0, 0, 0], ' ': [0, 0, 0, 0, 0],
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

/** Width in pixels of `text` at `scale` (glyphs 3 px wide, 1 px apart). */
export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
}

/** Rows of the glyph for `ch` (upper-case letters without a glyph fall back to lower case). */
export function glyph(ch: string): readonly number[] {
  return GLYPHS[ch] ?? GLYPHS[ch.toLowerCase()] ?? GLYPHS[' ']!;
}

/**
 * The pixel font of every figure, in two faces: SMALL_FONT (3×5: digits, lower case, a little
 * punctuation; tick labels of colour bars and audio plots) and LABEL_FONT (5×7 with a descender
 * row: the printable ASCII and a few symbols such as µ and °; titles, channel names, axes of the
 * EEG, fMRI and video figures). Both advance by glyph width + 1 px.
 */
/** Any RGBA raster (an RgbaImage). */
type Raster = { readonly rgba: Uint8Array; readonly width: number; readonly height: number };

export interface PixelFont {
  /** Glyph width in pixels (characters advance by width + 1). */
  readonly width: number;
  /** Cell height in pixels: the capitals' height plus any descender rows. */
  readonly height: number;
  /** Height of capitals and digits (the cell without descender rows). */
  readonly capHeight: number;
  /** Pixels of one character (width × height, 1 = ink), or undefined when the font has no glyph for it. */
  glyph(ch: string): Uint8Array | undefined;
  /** What a character without a glyph is drawn as. */
  readonly fallback: Uint8Array;
}

// Rows top to bottom, 3 bits each (4 = left column).
const SMALL_GLYPHS: Readonly<Record<string, readonly number[]>> = {
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

// Rows top to bottom separated by spaces, '#' = ink; lower case with descenders uses an 8th row.
const LABEL_GLYPHS: Readonly<Record<string, string>> = {
  ' ': '..... ..... ..... ..... ..... ..... .....',
  '0': '.###. #...# #..## #.#.# ##..# #...# .###.',
  '1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
  '2': '.###. #...# ....# ...#. ..#.. .#... #####',
  '3': '##### ...#. ..#.. ...#. ....# #...# .###.',
  '4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.',
  '5': '##### #.... ####. ....# ....# #...# .###.',
  '6': '..##. .#... #.... ####. #...# #...# .###.',
  '7': '##### ....# ...#. ..#.. .#... .#... .#...',
  '8': '.###. #...# #...# .###. #...# #...# .###.',
  '9': '.###. #...# #...# .#### ....# ...#. .##..',
  A: '.###. #...# #...# ##### #...# #...# #...#',
  B: '####. #...# #...# ####. #...# #...# ####.',
  C: '.###. #...# #.... #.... #.... #...# .###.',
  D: '####. #...# #...# #...# #...# #...# ####.',
  E: '##### #.... #.... ####. #.... #.... #####',
  F: '##### #.... #.... ####. #.... #.... #....',
  G: '.###. #...# #.... #.### #...# #...# .####',
  H: '#...# #...# #...# ##### #...# #...# #...#',
  I: '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  J: '..### ...#. ...#. ...#. ...#. #..#. .##..',
  K: '#...# #..#. #.#.. ##... #.#.. #..#. #...#',
  L: '#.... #.... #.... #.... #.... #.... #####',
  M: '#...# ##.## #.#.# #.#.# #...# #...# #...#',
  N: '#...# #...# ##..# #.#.# #..## #...# #...#',
  O: '.###. #...# #...# #...# #...# #...# .###.',
  P: '####. #...# #...# ####. #.... #.... #....',
  Q: '.###. #...# #...# #...# #.#.# #..#. .##.#',
  R: '####. #...# #...# ####. #.#.. #..#. #...#',
  S: '.#### #.... #.... .###. ....# ....# ####.',
  T: '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  U: '#...# #...# #...# #...# #...# #...# .###.',
  V: '#...# #...# #...# #...# #...# .#.#. ..#..',
  W: '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.',
  X: '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
  Y: '#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..',
  Z: '##### ....# ...#. ..#.. .#... #.... #####',
  a: '..... ..... .###. ....# .#### #...# .####',
  b: '#.... #.... #.##. ##..# #...# #...# ####.',
  c: '..... ..... .###. #.... #.... #...# .###.',
  d: '....# ....# .##.# #..## #...# #...# .####',
  e: '..... ..... .###. #...# ##### #.... .###.',
  f: '..##. .#..# .#... ###.. .#... .#... .#...',
  g: '..... ..... .#### #...# #...# .#### ....# .###.',
  h: '#.... #.... #.##. ##..# #...# #...# #...#',
  i: '..#.. ..... .##.. ..#.. ..#.. ..#.. .###.',
  j: '...#. ..... ..##. ...#. ...#. ...#. #..#. .##..',
  k: '#.... #.... #..#. #.#.. ##... #.#.. #..#.',
  l: '.##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  m: '..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#',
  n: '..... ..... #.##. ##..# #...# #...# #...#',
  o: '..... ..... .###. #...# #...# #...# .###.',
  p: '..... ..... ####. #...# #...# ####. #.... #....',
  q: '..... ..... .#### #...# #...# .#### ....# ....#',
  r: '..... ..... #.##. ##..# #.... #.... #....',
  s: '..... ..... .###. #.... .###. ....# ####.',
  t: '.#... .#... ###.. .#... .#... .#..# ..##.',
  u: '..... ..... #...# #...# #...# #..## .##.#',
  v: '..... ..... #...# #...# #...# .#.#. ..#..',
  w: '..... ..... #...# #...# #.#.# #.#.# .#.#.',
  x: '..... ..... #...# .#.#. ..#.. .#.#. #...#',
  y: '..... ..... #...# #...# #...# .#### ....# .###.',
  z: '..... ..... ##### ...#. ..#.. .#... #####',
  '.': '..... ..... ..... ..... ..... .##.. .##..',
  ',': '..... ..... ..... ..... ..... .##.. ..#.. .#...',
  '-': '..... ..... ..... ##### ..... ..... .....',
  '+': '..... ..#.. ..#.. ##### ..#.. ..#.. .....',
  '/': '....# ....# ...#. ..#.. .#... #.... #....',
  '\\': '#.... #.... .#... ..#.. ...#. ....# ....#',
  ':': '..... .##.. .##.. ..... .##.. .##.. .....',
  ';': '..... .##.. .##.. ..... .##.. ..#.. .#...',
  '(': '...#. ..#.. .#... .#... .#... ..#.. ...#.',
  ')': '.#... ..#.. ...#. ...#. ...#. ..#.. .#...',
  '[': '.###. .#... .#... .#... .#... .#... .###.',
  ']': '.###. ...#. ...#. ...#. ...#. ...#. .###.',
  '%': '##..# ##..# ...#. ..#.. .#... #..## #..##',
  '=': '..... ..... ##### ..... ##### ..... .....',
  '_': '..... ..... ..... ..... ..... ..... #####',
  '|': '..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  '?': '.###. #...# ....# ...#. ..#.. ..... ..#..',
  '!': '..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..',
  '<': '...#. ..#.. .#... #.... .#... ..#.. ...#.',
  '>': '.#... ..#.. ...#. ....# ...#. ..#.. .#...',
  "'": '..#.. ..#.. .#... ..... ..... ..... .....',
  '"': '.#.#. .#.#. ..... ..... ..... ..... .....',
  '#': '.#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.',
  '*': '..... ..#.. #.#.# .###. #.#.# ..#.. .....',
  '~': '..... ..... .#... #.#.# ...#. ..... .....',
  '^': '..#.. .#.#. #...# ..... ..... ..... .....',
  '&': '.##.. #..#. #.#.. .#... #.#.# #..#. .##.#',
  '@': '.###. #...# #.### #.#.# #.### #.... .###.',
  '$': '..#.. .#### #.#.. .###. ..#.# ####. ..#..',
  'µ': '..... ..... #...# #...# #...# ##..# #.##. #....',
  '×': '..... #...# .#.#. ..#.. .#.#. #...# .....',
  '·': '..... ..... ..... ..#.. ..... ..... .....',
  '°': '.##.. #..#. .##.. ..... ..... ..... .....',
};

function face(width: number, height: number, capHeight: number, bitmaps: Map<string, Uint8Array>, fallback: string): PixelFont {
  const lookup = (ch: string) => bitmaps.get(ch);
  return {
    width,
    height,
    capHeight,
    // exact glyph, else the base letter of an accented one, else the other case
    glyph: (ch) => lookup(ch) ?? lookup(ch.normalize('NFD')[0] ?? '') ?? lookup(ch.toLowerCase()) ?? lookup(ch.toUpperCase()),
    fallback: bitmaps.get(fallback)!,
  };
}

/** The 3×5 face. Characters it lacks are drawn blank. */
export const SMALL_FONT: PixelFont = face(3, 5, 5, new Map(Object.entries(SMALL_GLYPHS).map(([ch, rows]) => {
  const bits = new Uint8Array(15);
  rows.forEach((row, y) => { for (let x = 0; x < 3; x++) bits[y * 3 + x] = (row & (4 >> x)) ? 1 : 0; });
  return [ch, bits];
})), ' ');

/** The 5×7 face with a descender row (cell 5×8). Characters it lacks are drawn as '?'. */
export const LABEL_FONT: PixelFont = face(5, 8, 7, new Map(Object.entries(LABEL_GLYPHS).map(([ch, art]) => {
  const bits = new Uint8Array(40);
  art.split(' ').forEach((row, y) => [...row].forEach((c, x) => (bits[y * 5 + x] = c === '#' ? 1 : 0)));
  return [ch, bits];
})), '?');

/** Width in pixels of `text` at integer `scale`. */
export function textWidth(text: string, scale = 1, font: PixelFont = LABEL_FONT): number {
  const n = [...text].length;
  return n === 0 ? 0 : (n * (font.width + 1) - 1) * scale;
}

/** The characters of `text` the font has no glyph for. */
export function missingGlyphs(text: string, font: PixelFont): string[] {
  return [...text].filter((ch) => !font.glyph(ch));
}

/** Draws `text` (opaque `color`) with its top-left corner at (x, y), rounded to whole pixels; clipped at the edges. */
export function drawText(
  image: Raster,
  x: number,
  y: number,
  text: string,
  color: readonly [number, number, number],
  scale = 1,
  font: PixelFont = LABEL_FONT,
): void {
  const { rgba, width, height } = image;
  let left = Math.round(x);
  const top = Math.round(y);
  for (const ch of text) {
    const bits = font.glyph(ch) ?? font.fallback;
    for (let gy = 0; gy < font.height; gy++) {
      for (let gx = 0; gx < font.width; gx++) {
        if (!bits[gy * font.width + gx]) continue;
        for (let py = top + gy * scale; py < top + (gy + 1) * scale; py++) {
          if (py < 0 || py >= height) continue;
          for (let px = left + gx * scale; px < left + (gx + 1) * scale; px++) {
            if (px < 0 || px >= width) continue;
            const o = (py * width + px) * 4;
            rgba[o] = color[0];
            rgba[o + 1] = color[1];
            rgba[o + 2] = color[2];
            rgba[o + 3] = 255;
          }
        }
      }
    }
    left += (font.width + 1) * scale;
  }
}

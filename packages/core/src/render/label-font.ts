import type { RGB } from './colormaps.js';

/** A 3×5 pixel font for numeric labels: rows top to bottom, 3 bits each (left = 4). */
const GLYPHS: Record<string, readonly number[]> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 1, 1, 1],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  '-': [0, 0, 7, 0, 0],
  '+': [0, 2, 7, 2, 0],
  '.': [0, 0, 0, 0, 2],
  e: [0, 2, 5, 6, 3],
  ' ': [0, 0, 0, 0, 0],
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

/** Characters the label font can draw. */
export const LABEL_CHARACTERS = Object.keys(GLYPHS).join('');

/** Width in pixels of `text` at `scale` (glyphs 3 px wide with 1 px between them). */
export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
}

/** Draw `text` with its top-left corner at (x, y) into an RGBA buffer; pixels outside are clipped. */
export function drawText(
  rgba: Uint8Array,
  width: number,
  height: number,
  x: number,
  y: number,
  text: string,
  color: RGB,
  scale = 1,
): void {
  [...text].forEach((ch, n) => {
    const glyph = GLYPHS[ch];
    if (!glyph) throw new RangeError(`label character "${ch}" is not in the label font (${LABEL_CHARACTERS})`);
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if (!(glyph[row]! & (4 >> col))) continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const px = x + (n * (GLYPH_WIDTH + 1) + col) * scale + dx;
            const py = y + row * scale + dy;
            if (px >= 0 && py >= 0 && px < width && py < height) rgba.set([color[0], color[1], color[2], 255], (py * width + px) * 4);
          }
        }
      }
    }
  });
}

/**
 * Short tick label: 3 significant digits without trailing zeros ("0", "-1.5", "0.125"), and
 * exponent form outside [1e-3, 1e4) ("2.5e-5", "1.2e6").
 */
export function formatTickLabel(value: number): string {
  if (value === 0 || Object.is(value, -0)) return '0';
  if (!Number.isFinite(value)) throw new RangeError(`cannot label ${value}`);
  const trim = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  const a = Math.abs(value);
  const fixed = value.toPrecision(3); // may itself switch to exponent form (9999.9 → "1.00e+4")
  if (a >= 1e-3 && a < 1e4 && !fixed.includes('e')) return trim(fixed);
  const [mantissa, exponent] = value.toExponential(2).split('e') as [string, string];
  return `${trim(mantissa)}e${exponent.replace('+', '')}`;
}

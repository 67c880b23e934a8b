import { describe, expect, it } from 'vitest';
import { BLACK, Canvas, WHITE } from './canvas.js';
import { LABEL_FONT, missingGlyphs, SMALL_FONT, textWidth } from './pixel-font.js';

const at = (c: Canvas, x: number, y: number) => [...c.rgba.subarray((y * c.width + x) * 4, (y * c.width + x) * 4 + 4)];
const inked = (c: Canvas) => {
  let n = 0;
  for (let p = 0; p < c.width * c.height; p++) if (c.rgba[p * 4] === 0) n++;
  return n;
};

describe('pixel font', () => {
  it('advances by glyph width + 1 in both faces', () => {
    expect(textWidth('10 Hz', 1)).toBe(5 * 6 - 1);
    expect(textWidth('10 Hz', 2, SMALL_FONT)).toBe((5 * 4 - 1) * 2);
    expect(textWidth('')).toBe(0);
  });

  it('finds accented letters and the other case; reports what it lacks', () => {
    expect(LABEL_FONT.glyph('é')).toBe(LABEL_FONT.glyph('e'));
    expect(SMALL_FONT.glyph('A')).toBe(SMALL_FONT.glyph('a'));
    expect(missingGlyphs('a#c', SMALL_FONT)).toEqual(['#']);
    expect(missingGlyphs('µV', LABEL_FONT)).toEqual([]);
  });
});

describe('Canvas', () => {
  it('draws text in its face: "1" of the 3×5 face has 8 ink pixels, ×4 at scale 2', () => {
    const small = new Canvas(20, 20, WHITE, SMALL_FONT);
    small.text(0, 0, '1', BLACK, 2);
    expect(inked(small)).toBe(8 * 4);
    const label = new Canvas(20, 20);
    label.text(0, 0, '1', BLACK);
    expect(inked(label)).toBe(10); // ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.
  });

  it('keeps centred text inside the canvas and right-aligns at the anchor', () => {
    const c = new Canvas(30, 10);
    c.text(0, 0, 'ab', BLACK, 1, 'center'); // would start at x = −5
    expect(Math.min(...[...Array(30).keys()].filter((x) => [...Array(10).keys()].some((y) => at(c, x, y)[0] === 0)))).toBe(0);
    const r = new Canvas(30, 10);
    r.text(20, 0, 'l', BLACK, 1, 'right');
    expect(Math.max(...[...Array(30).keys()].filter((x) => [...Array(10).keys()].some((y) => at(r, x, y)[0] === 0)))).toBeLessThan(20);
  });

  it('draws dashed and wide lines, and blends images by their alpha', () => {
    const c = new Canvas(20, 20);
    c.line(0, 0, 19, 0, BLACK, { dash: [4, 4] });
    expect([...Array(20).keys()].map((x) => (at(c, x, 0)[0] === 0 ? 1 : 0)).join('')).toBe('11110000111100001111');
    c.line(5, 10, 15, 10, BLACK, { width: 3 });
    expect([at(c, 10, 9)[0], at(c, 10, 10)[0], at(c, 10, 11)[0], at(c, 10, 12)[0]]).toEqual([0, 0, 0, 255]);
    c.draw({ width: 1, height: 1, rgba: new Uint8Array([0, 0, 0, 128]) }, 19, 19);
    expect(at(c, 19, 19)).toEqual([127, 127, 127, 255]);
  });
});

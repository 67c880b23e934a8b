import type { RgbaImage } from '@xai/core';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph, textWidth } from './plot-font.js';

export type Color = readonly [r: number, g: number, b: number];

export const BLACK: Color = [0, 0, 0];
export const WHITE: Color = [255, 255, 255];
export const GREY: Color = [150, 150, 150];

/** A small RGBA raster for plots: rectangles, lines, images, text and axis ticks. */
export class Canvas implements RgbaImage {
  readonly rgba: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Color = WHITE,
  ) {
    this.rgba = new Uint8Array(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  set(x: number, y: number, c: Color): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const p = (y * this.width + x) * 4;
    this.rgba[p] = c[0];
    this.rgba[p + 1] = c[1];
    this.rgba[p + 2] = c[2];
    this.rgba[p + 3] = 255;
  }

  fillRect(x: number, y: number, w: number, h: number, c: Color): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.set(xx, yy, c);
    }
  }

  /** Vertical line from y0 to y1 inclusive; `dash` > 0 draws dash-long dashes. */
  vline(x: number, y0: number, y1: number, c: Color, dash = 0): void {
    for (let y = Math.min(y0, y1); y <= Math.max(y0, y1); y++) if (!dash || Math.floor(y / dash) % 2 === 0) this.set(x, y, c);
  }

  hline(x0: number, x1: number, y: number, c: Color, dash = 0): void {
    for (let x = Math.min(x0, x1); x <= Math.max(x0, x1); x++) if (!dash || Math.floor(x / dash) % 2 === 0) this.set(x, y, c);
  }

  /** Copies an image with its top-left corner at (x, y). */
  blit(image: RgbaImage, x: number, y: number): void {
    for (let row = 0; row < image.height; row++) {
      const yy = y + row;
      if (yy < 0 || yy >= this.height) continue;
      for (let col = 0; col < image.width; col++) {
        const xx = x + col;
        if (xx < 0 || xx >= this.width) continue;
        const s = (row * image.width + col) * 4;
        this.rgba.set(image.rgba.subarray(s, s + 3), (yy * this.width + xx) * 4);
        this.rgba[(yy * this.width + xx) * 4 + 3] = 255;
      }
    }
  }

  /** Text with its top-left corner at (x, y). */
  text(text: string, x: number, y: number, c: Color = BLACK, scale = 1): void {
    [...text].forEach((ch, n) => {
      const rows = glyph(ch);
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          if (!(rows[row]! & (4 >> col))) continue;
          this.fillRect(x + (n * (GLYPH_WIDTH + 1) + col) * scale, y + row * scale, scale, scale, c);
        }
      }
    });
  }

  /** Text centred horizontally on x (kept inside the canvas). */
  textCentered(text: string, x: number, y: number, c: Color = BLACK, scale = 1): void {
    const w = textWidth(text, scale);
    this.text(text, Math.max(0, Math.min(this.width - w, Math.round(x - w / 2))), y, c, scale);
  }

  /** Text ending at x, centred vertically on y. */
  textRight(text: string, x: number, y: number, c: Color = BLACK, scale = 1): void {
    this.text(text, x - textWidth(text, scale), Math.round(y - (GLYPH_HEIGHT * scale) / 2), c, scale);
  }
}

/** Evenly spaced "nice" values (1, 2, 5 × 10^k apart) covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

/** A tick label: up to 3 decimals, trailing zeros dropped ("0.25", "1000", "-0.1"). */
export function tickLabel(v: number): string {
  const s = v.toFixed(3).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

import { encodePng, type RgbaImage } from '@xai/core';
import { ADVANCE, GLYPH_H, GLYPH_W, glyph, measureText } from './font.js';

export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
export const GREY: Rgb = [128, 128, 128];
export const LIGHT_GREY: Rgb = [225, 225, 225];

/** A small RGBA raster with the drawing the EEG views need: rectangles, lines, circles, text, images. */
export class Canvas implements RgbaImage {
  readonly rgba: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = WHITE,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`invalid canvas size ${width}×${height}`);
    this.rgba = new Uint8Array(width * height * 4);
    this.rect(0, 0, width, height, background);
  }

  pixel(x: number, y: number, color: Rgb, alpha = 1): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const p = (y * this.width + x) * 4;
    const [r, g, b] = color;
    if (alpha >= 1) {
      this.rgba[p] = r;
      this.rgba[p + 1] = g;
      this.rgba[p + 2] = b;
      this.rgba[p + 3] = 255;
      return;
    }
    const a = Math.max(0, alpha);
    this.rgba[p] = Math.round(this.rgba[p]! * (1 - a) + r * a);
    this.rgba[p + 1] = Math.round(this.rgba[p + 1]! * (1 - a) + g * a);
    this.rgba[p + 2] = Math.round(this.rgba[p + 2]! * (1 - a) + b * a);
    this.rgba[p + 3] = 255;
  }

  rect(x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) this.pixel(xx, yy, color, alpha);
  }

  /** Outline of a rectangle, 1 px. */
  frame(x: number, y: number, w: number, h: number, color: Rgb): void {
    this.line(x, y, x + w - 1, y, color);
    this.line(x, y + h - 1, x + w - 1, y + h - 1, color);
    this.line(x, y, x, y + h - 1, color);
    this.line(x + w - 1, y, x + w - 1, y + h - 1, color);
  }

  /** Bresenham line; `dash` = [on, off] pixel lengths. */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, dash?: readonly [number, number], alpha = 1): void {
    x0 = Math.round(x0);
    y0 = Math.round(y0);
    x1 = Math.round(x1);
    y1 = Math.round(y1);
    const dx = Math.abs(x1 - x0);
    const dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    let step = 0;
    for (;;) {
      if (!dash || step % (dash[0] + dash[1]) < dash[0]) this.pixel(x0, y0, color, alpha);
      step++;
      if (x0 === x1 && y0 === y1) break;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  /** Circle outline of radius r (anti-aliased ring of `thickness` px). */
  circle(cx: number, cy: number, r: number, color: Rgb, thickness = 1): void {
    const outer = r + thickness / 2;
    const inner = r - thickness / 2;
    for (let y = Math.floor(cy - outer - 1); y <= Math.ceil(cy + outer + 1); y++) {
      for (let x = Math.floor(cx - outer - 1); x <= Math.ceil(cx + outer + 1); x++) {
        const d = Math.sqrt((x - cx) ** 2 + (y - cy) ** 2);
        const coverage = Math.min(1, Math.max(0, outer - d + 0.5)) * Math.min(1, Math.max(0, d - inner + 0.5));
        if (coverage > 0) this.pixel(x, y, color, coverage);
      }
    }
  }

  disc(cx: number, cy: number, r: number, color: Rgb): void {
    for (let y = Math.floor(cy - r - 1); y <= Math.ceil(cy + r + 1); y++) {
      for (let x = Math.floor(cx - r - 1); x <= Math.ceil(cx + r + 1); x++) {
        const coverage = Math.min(1, Math.max(0, r - Math.sqrt((x - cx) ** 2 + (y - cy) ** 2) + 0.5));
        if (coverage > 0) this.pixel(x, y, color, coverage);
      }
    }
  }

  /** Text with its top-left corner at (x, y); `align` moves the anchor to the centre or the right end. */
  text(x: number, y: number, text: string, color: Rgb = BLACK, scale = 1, align: 'left' | 'center' | 'right' = 'left'): void {
    const w = measureText(text, scale);
    let left = Math.round(align === 'center' ? x - w / 2 : align === 'right' ? x - w : x);
    for (const ch of text) {
      const bits = glyph(ch);
      for (let gy = 0; gy < GLYPH_H; gy++) {
        for (let gx = 0; gx < GLYPH_W; gx++) {
          if (bits[gy * GLYPH_W + gx]) this.rect(left + gx * scale, Math.round(y) + gy * scale, scale, scale, color);
        }
      }
      left += ADVANCE * scale;
    }
  }

  /** Copies an RGBA image with its top-left corner at (x, y). */
  draw(image: RgbaImage, x: number, y: number): void {
    for (let yy = 0; yy < image.height; yy++) {
      for (let xx = 0; xx < image.width; xx++) {
        const p = (yy * image.width + xx) * 4;
        const tx = x + xx;
        const ty = y + yy;
        if (tx < 0 || ty < 0 || tx >= this.width || ty >= this.height) continue;
        const a = image.rgba[p + 3]! / 255;
        this.pixel(tx, ty, [image.rgba[p]!, image.rgba[p + 1]!, image.rgba[p + 2]!], a);
      }
    }
  }

  png(): Uint8Array {
    return encodePng(this);
  }
}

export { measureText, GLYPH_H };

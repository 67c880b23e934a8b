import { encodePng, type RgbaImage } from './heatmap.js';
import { drawText, LABEL_FONT, textWidth, type PixelFont } from './pixel-font.js';

/** An RGB colour, 0–255 per channel. */
export type Colour = readonly [r: number, g: number, b: number];

export const WHITE: Colour = [255, 255, 255];
export const BLACK: Colour = [0, 0, 0];

/** How `Canvas.line` draws: `dash` = [on, off] pixel lengths along the line, `width` = square pen size. */
export interface LineStyle {
  readonly dash?: readonly [on: number, off: number];
  readonly alpha?: number;
  readonly width?: number;
}

/**
 * The RGBA raster every figure is drawn on: rectangles, lines, circles, text in one pixel-font
 * face (LABEL_FONT unless given), and images. Coordinates are rounded to whole pixels; anything
 * outside is clipped.
 */
export class Canvas implements RgbaImage {
  readonly rgba: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Colour = WHITE,
    readonly font: PixelFont = LABEL_FONT,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`invalid canvas size ${width}×${height}`);
    this.rgba = new Uint8Array(width * height * 4);
    this.rect(0, 0, width, height, background);
  }

  /** Sets one pixel; `alpha` < 1 blends the colour over what is there. */
  pixel(x: number, y: number, color: Colour, alpha = 1): void {
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

  rect(x: number, y: number, w: number, h: number, color: Colour, alpha = 1): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) this.pixel(xx, yy, color, alpha);
  }

  /** Outline of a rectangle, 1 px. */
  frame(x: number, y: number, w: number, h: number, color: Colour): void {
    this.line(x, y, x + w - 1, y, color);
    this.line(x, y + h - 1, x + w - 1, y + h - 1, color);
    this.line(x, y, x, y + h - 1, color);
    this.line(x + w - 1, y, x + w - 1, y + h - 1, color);
  }

  /** Bresenham line between the rounded end points, both included. */
  line(x0: number, y0: number, x1: number, y1: number, color: Colour, style: LineStyle = {}): void {
    const { dash, alpha = 1, width = 1 } = style;
    const half = Math.floor((width - 1) / 2);
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
      if (!dash || step % (dash[0] + dash[1]) < dash[0]) {
        if (width === 1) this.pixel(x0, y0, color, alpha);
        else this.rect(x0 - half, y0 - half, width, width, color, alpha);
      }
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
  circle(cx: number, cy: number, r: number, color: Colour, thickness = 1): void {
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

  /** Filled, anti-aliased disc. */
  disc(cx: number, cy: number, r: number, color: Colour): void {
    for (let y = Math.floor(cy - r - 1); y <= Math.ceil(cy + r + 1); y++) {
      for (let x = Math.floor(cx - r - 1); x <= Math.ceil(cx + r + 1); x++) {
        const coverage = Math.min(1, Math.max(0, r - Math.sqrt((x - cx) ** 2 + (y - cy) ** 2) + 0.5));
        if (coverage > 0) this.pixel(x, y, color, coverage);
      }
    }
  }

  /** Width in pixels of `text` in this canvas's font. */
  textWidth(text: string, scale = 1): number {
    return textWidth(text, scale, this.font);
  }

  /**
   * Text with its top-left corner at (x, y); `align` moves the anchor to the centre (the text then
   * stays inside the canvas) or to the right end.
   */
  text(x: number, y: number, text: string, color: Colour = BLACK, scale = 1, align: 'left' | 'center' | 'right' = 'left'): void {
    const w = this.textWidth(text, scale);
    const left = align === 'center' ? Math.max(0, Math.min(this.width - w, Math.round(x - w / 2))) : Math.round(align === 'right' ? x - w : x);
    drawText(this, left, y, text, color, scale, this.font);
  }

  /** Copies an RGBA image with its top-left corner at (x, y), blending by its alpha. */
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

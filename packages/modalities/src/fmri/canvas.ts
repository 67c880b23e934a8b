/** Small RGBA drawing helpers for the fMRI figures: blank canvas, paste, rectangles, lines. */
import type { RgbaImage } from '@xai/core';

export type Color = readonly [number, number, number];

export function createCanvas(width: number, height: number, background: Color): RgbaImage {
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba[p * 4] = background[0];
    rgba[p * 4 + 1] = background[1];
    rgba[p * 4 + 2] = background[2];
    rgba[p * 4 + 3] = 255;
  }
  return { rgba, width, height };
}

/** Copies `src` into `dst` with its top-left corner at (x, y), clipped. */
export function paste(dst: RgbaImage, src: RgbaImage, x: number, y: number): void {
  for (let row = 0; row < src.height; row++) {
    const ty = y + row;
    if (ty < 0 || ty >= dst.height) continue;
    const from = Math.max(0, -x);
    const to = Math.min(src.width, dst.width - x);
    if (to <= from) continue;
    dst.rgba.set(src.rgba.subarray((row * src.width + from) * 4, (row * src.width + to) * 4), (ty * dst.width + x + from) * 4);
  }
}

export function setPixel(image: RgbaImage, x: number, y: number, color: Color): void {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  const o = (Math.floor(y) * image.width + Math.floor(x)) * 4;
  image.rgba[o] = color[0];
  image.rgba[o + 1] = color[1];
  image.rgba[o + 2] = color[2];
  image.rgba[o + 3] = 255;
}

export function fillRect(image: RgbaImage, x: number, y: number, w: number, h: number, color: Color): void {
  for (let yy = Math.max(0, y); yy < Math.min(image.height, y + h); yy++) {
    for (let xx = Math.max(0, x); xx < Math.min(image.width, x + w); xx++) setPixel(image, xx, yy, color);
  }
}

/** A line of the given width (Bresenham, thickened by squares). */
export function drawLine(image: RgbaImage, x0: number, y0: number, x1: number, y1: number, color: Color, width = 1): void {
  let [x, y] = [Math.round(x0), Math.round(y0)];
  const [xe, ye] = [Math.round(x1), Math.round(y1)];
  const dx = Math.abs(xe - x);
  const dy = -Math.abs(ye - y);
  const sx = x < xe ? 1 : -1;
  const sy = y < ye ? 1 : -1;
  let err = dx + dy;
  const half = Math.floor((width - 1) / 2);
  for (;;) {
    fillRect(image, x - half, y - half, width, width, color);
    if (x === xe && y === ye) break;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

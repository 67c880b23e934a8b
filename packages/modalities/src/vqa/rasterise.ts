import { BACKGROUND_RGB, HALF_EXTENT, RGB, type Scene, type SceneObject } from './scene.js';

/** A rendered scene: RGB pixels in [0, 1] ([height, width, 3] row-major) and one mask per object. */
export interface RenderedScene {
  readonly width: number;
  readonly height: number;
  readonly rgb: Float32Array;
  /** Per object (scene order): 1 where the object covers the pixel, [height × width]. */
  readonly masks: Uint8Array[];
}

/** Twice the signed area of the triangle (a, b, p): which side of the edge a→b the point p lies on. */
const edge = (ax: number, ay: number, bx: number, by: number, px: number, py: number) => (bx - ax) * (py - ay) - (by - ay) * (px - ax);

/**
 * Whether the point (px, py) lies inside an object's outline. The outlines fit the object's
 * bounding square of half side h around (x, y): a square, a disc of radius h, and a triangle with
 * its apex at the top centre and its base along the bottom edge.
 */
export function covers(object: SceneObject, px: number, py: number): boolean {
  const h = HALF_EXTENT[object.size];
  const dx = px - object.x;
  const dy = py - object.y;
  switch (object.shape) {
    case 'square':
      return Math.abs(dx) <= h && Math.abs(dy) <= h;
    case 'circle':
      return dx * dx + dy * dy <= h * h;
    case 'triangle': {
      const [ax, ay, bx, by, cx, cy] = [object.x, object.y - h, object.x + h, object.y + h, object.x - h, object.y + h];
      return edge(ax, ay, bx, by, px, py) >= 0 && edge(bx, by, cx, cy, px, py) >= 0 && edge(cx, cy, ax, ay, px, py) >= 0;
    }
  }
}

/**
 * Draws a scene (no anti-aliasing: a pixel takes the colour of the object covering its centre, so
 * masks and pixels agree exactly). Objects never overlap (see generate-scene.ts); should a
 * hand-built scene make them, the later object is drawn on top and owns the pixel in the masks.
 */
export function renderScene(scene: Scene): RenderedScene {
  const { width, height, objects } = scene;
  const rgb = new Float32Array(width * height * 3);
  const masks = objects.map(() => new Uint8Array(width * height));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      let colour: readonly number[] = BACKGROUND_RGB;
      let owner = -1;
      objects.forEach((o, i) => {
        if (covers(o, x + 0.5, y + 0.5)) owner = i;
      });
      if (owner >= 0) {
        masks[owner]![p] = 1;
        colour = RGB[objects[owner]!.colour];
      }
      rgb.set(colour, p * 3);
    }
  }
  return { width, height, rgb, masks };
}

/** The union of the masks of some objects of a rendered scene. */
export function unionMask(rendered: RenderedScene, objects: Iterable<number>): Uint8Array {
  const out = new Uint8Array(rendered.width * rendered.height);
  for (const i of objects) {
    const m = rendered.masks[i]!;
    for (let p = 0; p < out.length; p++) if (m[p]) out[p] = 1;
  }
  return out;
}

/** The rendered pixels as 8-bit RGBA (for PNG files). */
export function toRgba(rendered: RenderedScene): Uint8Array {
  const { rgb } = rendered;
  const rgba = new Uint8Array((rgb.length / 3) * 4);
  for (let p = 0; p < rgb.length / 3; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = Math.round(255 * rgb[p * 3 + k]!);
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}

/**
 * A CLEVR-style scene in two dimensions: flat objects of a few shapes, colours and sizes on a plain
 * background. Positions are in pixels of the rendered image (x to the right, y down).
 */
export const SHAPES = ['square', 'circle', 'triangle'] as const;
export const COLOURS = ['red', 'green', 'blue', 'yellow'] as const;
export const SIZES = ['small', 'large'] as const;

export type Shape = (typeof SHAPES)[number];
export type Colour = (typeof COLOURS)[number];
export type Size = (typeof SIZES)[number];
export type Attribute = 'shape' | 'colour' | 'size';

/** Side of the square images the scenes are drawn on. */
export const IMAGE_SIZE = 48;

/** Half the side of an object's bounding square, in pixels. */
export const HALF_EXTENT: Readonly<Record<Size, number>> = { small: 4, large: 7 };

/** RGB in [0, 1] of each colour and of the background. */
export const RGB: Readonly<Record<Colour, readonly [number, number, number]>> = {
  red: [0.86, 0.16, 0.14],
  green: [0.16, 0.7, 0.22],
  blue: [0.18, 0.32, 0.92],
  yellow: [0.94, 0.84, 0.14],
};
export const BACKGROUND_RGB = [0.5, 0.5, 0.5] as const;

export interface SceneObject {
  readonly shape: Shape;
  readonly colour: Colour;
  readonly size: Size;
  /** Centre in pixels; the object covers the pixels whose centres fall inside its outline. */
  readonly x: number;
  readonly y: number;
}

export interface Scene {
  readonly width: number;
  readonly height: number;
  readonly objects: readonly SceneObject[];
}

/** The value of one attribute of an object. */
export function attributeOf(object: SceneObject, attribute: Attribute): string {
  return attribute === 'shape' ? object.shape : attribute === 'colour' ? object.colour : object.size;
}

/** The values an attribute takes. */
export const VALUES: Readonly<Record<Attribute, readonly string[]>> = { shape: SHAPES, colour: COLOURS, size: SIZES };

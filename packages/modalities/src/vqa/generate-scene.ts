import { mulberry32 } from '@xai/core';
import { COLOURS, HALF_EXTENT, IMAGE_SIZE, SHAPES, SIZES, type Scene, type SceneObject } from './scene.js';

export interface SceneOptions {
  /** Objects per scene, inclusive range (default 3–6). */
  readonly minObjects?: number;
  readonly maxObjects?: number;
  /** Image side in pixels (default IMAGE_SIZE). */
  readonly size?: number;
  /** Free pixels kept between the bounding squares of two objects (default 2). */
  readonly gap?: number;
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Whether the bounding squares of two objects keep `gap` free pixels between them. */
export function separated(a: SceneObject, b: SceneObject, gap: number): boolean {
  const reach = HALF_EXTENT[a.size] + HALF_EXTENT[b.size] + gap;
  return Math.abs(a.x - b.x) >= reach || Math.abs(a.y - b.y) >= reach;
}

/**
 * A random scene from `random` (a generator of uniform numbers in [0, 1)): a random number of
 * objects with random attributes, placed by rejection so that no two bounding squares come closer
 * than `gap` pixels. A scene that cannot be filled after many tries is started again.
 */
export function randomScene(random: () => number, options: SceneOptions = {}): Scene {
  const { minObjects = 3, maxObjects = 6, size = IMAGE_SIZE, gap = 2 } = options;
  for (;;) {
    const count = minObjects + Math.floor(random() * (maxObjects - minObjects + 1));
    const objects: SceneObject[] = [];
    for (let tries = 0; objects.length < count && tries < 200; tries++) {
      const objectSize = pick(random, SIZES);
      const half = HALF_EXTENT[objectSize];
      const span = size - 2 * half - 2; // one free pixel to every border
      const candidate: SceneObject = {
        shape: pick(random, SHAPES),
        colour: pick(random, COLOURS),
        size: objectSize,
        x: half + 1 + Math.floor(random() * span),
        y: half + 1 + Math.floor(random() * span),
      };
      if (objects.every((o) => separated(o, candidate, gap))) objects.push(candidate);
    }
    if (objects.length === count) return { width: size, height: size, objects };
  }
}

/** `count` scenes from one seed: the same seed gives the same scenes. */
export function generateScenes(seed: number, count: number, options: SceneOptions = {}): Scene[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => randomScene(random, options));
}

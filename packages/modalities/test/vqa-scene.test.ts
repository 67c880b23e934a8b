/** Generated scenes: determinism, non-overlap, and masks that match the rendered pixels. */
import { describe, expect, it } from 'vitest';
import { BACKGROUND_RGB, generateScenes, HALF_EXTENT, RGB, renderScene, separated, unionMask, type Scene } from '../src/vqa/index.js';

const scenes = generateScenes(5, 40);

describe('scene generator', () => {
  it('gives the same scenes for the same seed and others for another seed', () => {
    expect(generateScenes(5, 40)).toEqual(scenes);
    expect(generateScenes(6, 40)).not.toEqual(scenes);
  });

  it('places 3–6 objects inside the image with their bounding squares apart', () => {
    for (const scene of scenes) {
      expect(scene.objects.length).toBeGreaterThanOrEqual(3);
      expect(scene.objects.length).toBeLessThanOrEqual(6);
      scene.objects.forEach((a, i) => {
        const h = HALF_EXTENT[a.size];
        expect(a.x - h).toBeGreaterThanOrEqual(0);
        expect(a.x + h).toBeLessThanOrEqual(scene.width);
        scene.objects.slice(i + 1).forEach((b) => expect(separated(a, b, 2)).toBe(true));
      });
    }
  });

  it('uses every shape, colour and size', () => {
    const objects = scenes.flatMap((s) => s.objects);
    expect(new Set(objects.map((o) => o.shape)).size).toBe(3);
    expect(new Set(objects.map((o) => o.colour)).size).toBe(4);
    expect(new Set(objects.map((o) => o.size)).size).toBe(2);
  });
});

describe('rasteriser', () => {
  it('draws each object exactly on its mask, the background elsewhere, masks disjoint', () => {
    for (const scene of scenes.slice(0, 10)) {
      const r = renderScene(scene);
      const covered = new Uint8Array(scene.width * scene.height);
      r.masks.forEach((mask, i) => {
        const colour = RGB[scene.objects[i]!.colour];
        expect(mask.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
        mask.forEach((on, p) => {
          if (!on) return;
          expect(covered[p]).toBe(0);
          covered[p] = 1;
          expect(Array.from(r.rgb.subarray(p * 3, p * 3 + 3))).toEqual(colour.map(Math.fround));
        });
      });
      covered.forEach((on, p) => on || expect(Array.from(r.rgb.subarray(p * 3, p * 3 + 3))).toEqual(BACKGROUND_RGB.map(Math.fround)));
    }
  });

  it('draws the outlines of a hand-built scene: square 2h × 2h, disc and triangle smaller', () => {
    const scene: Scene = {
      width: 40, height: 20,
      objects: [
        { shape: 'square', colour: 'red', size: 'small', x: 6, y: 10 },
        { shape: 'circle', colour: 'blue', size: 'small', x: 20, y: 10 },
        { shape: 'triangle', colour: 'green', size: 'small', x: 32, y: 10 },
      ],
    };
    const r = renderScene(scene);
    const area = r.masks.map((m) => m.reduce((a, b) => a + b, 0));
    expect(area[0]).toBe(64); // pixel centres 2.5 … 9.5 in x and y
    expect(area[1]).toBeGreaterThan(40); // π·4² ≈ 50
    expect(area[1]).toBeLessThan(60);
    expect(area[2]).toBeGreaterThan(24); // half the bounding square
    expect(area[2]).toBeLessThan(40);
    // The triangle's apex row is narrower than its base row.
    const row = (y: number) => Array.from({ length: 40 }, (_, x) => r.masks[2]![y * 40 + x]!).reduce((a, b) => a + b, 0);
    expect(row(7)).toBeLessThan(row(13));
    expect(Array.from(unionMask(r, [0, 2])).reduce((a, b) => a + b, 0)).toBe(area[0]! + area[2]!);
  });
});

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import {
  COLORMAP_NAMES,
  COLORMAPS,
  colorbar,
  encodePng,
  getColormap,
  normalizeRange,
  normalizeSymmetric,
  overlayHeatmap,
  reduceChannels,
  renderHeatmap,
  writePng,
  type RgbaImage,
} from './index.js';

const px = (img: RgbaImage, x: number, y: number) => Array.from(img.rgba.subarray((y * img.width + x) * 4, (y * img.width + x + 1) * 4));

describe('colormaps', () => {
  it('has the expected endpoints and midpoints', () => {
    const { bwr, seismic, coldnhot, gray, viridis, heat } = COLORMAPS;
    expect([bwr(0), bwr(0.5), bwr(1)]).toEqual([[0, 0, 255], [255, 255, 255], [255, 0, 0]]);
    expect([seismic(0), seismic(0.25), seismic(0.5), seismic(0.75), seismic(1)]).toEqual([
      [0, 0, 77], [0, 0, 255], [255, 255, 255], [255, 0, 0], [128, 0, 0],
    ]);
    expect([coldnhot(0), coldnhot(0.25), coldnhot(0.5), coldnhot(1)]).toEqual([
      [0, 255, 255], [0, 0, 255], [0, 0, 0], [255, 255, 255],
    ]);
    expect([gray(0), gray(0.5), gray(1)]).toEqual([[0, 0, 0], [128, 128, 128], [255, 255, 255]]);
    expect([viridis(0), viridis(0.5), viridis(1)]).toEqual([[68, 1, 84], [33, 145, 140], [253, 231, 37]]);
    expect([heat(0), heat(1 / 3), heat(2 / 3), heat(1)]).toEqual([[0, 0, 0], [255, 0, 0], [255, 255, 0], [255, 255, 255]]);
  });

  it('interpolates and clamps', () => {
    expect(COLORMAPS.bwr(0.25)).toEqual([128, 128, 255]);
    expect(COLORMAPS.bwr(-3)).toEqual([0, 0, 255]);
    expect(COLORMAPS.bwr(7)).toEqual([255, 0, 0]);
    expect(COLORMAPS.bwr(Number.NaN)).toEqual([255, 255, 255]);
  });

  it('looks up by name and lists valid names for unknown ones', () => {
    expect(getColormap('viridis')).toBe(COLORMAPS.viridis);
    expect(() => getColormap('jet')).toThrow(/Unknown colormap "jet".*bwr, seismic, coldnhot, gray, viridis, heat/);
    expect(() => getColormap('toString')).toThrow(/Unknown colormap/);
    expect(COLORMAP_NAMES).toHaveLength(6);
  });
});

describe('reduceChannels', () => {
  // 1×2 image, 3 channels.
  const rel = new Float32Array([1, -2, 0.5, -1, -1, 3]);
  it.each([
    ['sum', [-0.5, 1]],
    ['abs-sum', [3.5, 5]],
    ['max-abs', [2, 3]],
  ] as const)('%s', (how, expected) => {
    expect(Array.from(reduceChannels(rel, [1, 2, 3], how))).toEqual(expected);
  });
  it('rejects a shape mismatch', () => {
    expect(() => reduceChannels(rel, [2, 2, 3], 'sum')).toThrow(/length 6, expected 12/);
  });
});

describe('normalisation', () => {
  it('normalizeSymmetric divides by max |R|', () => {
    const { values, scale } = normalizeSymmetric(new Float32Array([2, -4, 1, 0]));
    expect(scale).toBe(4);
    expect(Array.from(values)).toEqual([0.5, -1, 0.25, 0]);
  });

  it('normalizeSymmetric clamps with an explicit scale and leaves an all-zero map at zero', () => {
    expect(Array.from(normalizeSymmetric(new Float32Array([3, -1]), 2).values)).toEqual([1, -0.5]);
    const zero = normalizeSymmetric(new Float32Array(4));
    expect(zero.scale).toBe(0);
    expect(Array.from(zero.values)).toEqual([0, 0, 0, 0]);
  });

  it('normalizeRange maps 0..max to 0..1 and clips negatives', () => {
    const { values, scale } = normalizeRange(new Float32Array([0, 2, 8, -1]));
    expect(scale).toBe(8);
    expect(Array.from(values)).toEqual([0, 0.25, 1, 0]);
    expect(Array.from(normalizeRange(new Float32Array(2)).values)).toEqual([0, 0]);
  });
});

describe('renderHeatmap', () => {
  it('colours positive max red, negative max blue, zero white (bwr)', () => {
    const img = renderHeatmap(new Float32Array([5, -5, 0, 2.5]), 2, 2);
    expect([img.width, img.height, img.scale]).toEqual([2, 2, 5]);
    expect(px(img, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(px(img, 1, 0)).toEqual([0, 0, 255, 255]);
    expect(px(img, 0, 1)).toEqual([255, 255, 255, 255]);
    expect(px(img, 1, 1)).toEqual([255, 128, 128, 255]); // half-way to red
  });

  it('is symmetric: a weaker negative side is not stretched to full blue', () => {
    const img = renderHeatmap(new Float32Array([4, -2]), 1, 2);
    expect(px(img, 1, 0)).toEqual([128, 128, 255, 255]);
  });

  it('uses a shared scale so maps are comparable', () => {
    const a = renderHeatmap(new Float32Array([1, -1]), 1, 2, { scale: 2 });
    const b = renderHeatmap(new Float32Array([2, 0]), 1, 2, { scale: 2 });
    expect(a.scale).toBe(2);
    expect(px(a, 0, 0)).toEqual([255, 128, 128, 255]); // 1 of 2 → half red, not full red
    expect(px(b, 0, 0)).toEqual([255, 0, 0, 255]);
    // Values beyond the scale saturate.
    expect(px(renderHeatmap(new Float32Array([10]), 1, 1, { scale: 2 }), 0, 0)).toEqual([255, 0, 0, 255]);
  });

  it('maps 0..scale for sequential colormaps', () => {
    const img = renderHeatmap(new Float32Array([0, 3]), 1, 2, { colormap: 'gray' });
    expect(px(img, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(px(img, 1, 0)).toEqual([255, 255, 255, 255]);
  });

  it('upscales with nearest neighbour', () => {
    const img = renderHeatmap(new Float32Array([1, -1, 0, 0, 1, -1]), 2, 3, { upscale: 4 });
    expect([img.width, img.height, img.rgba.length]).toEqual([12, 8, 12 * 8 * 4]);
    for (const [x, y] of [[0, 0], [3, 3]]) expect(px(img, x!, y!)).toEqual([255, 0, 0, 255]);
    for (const [x, y] of [[4, 0], [7, 3]]) expect(px(img, x!, y!)).toEqual([0, 0, 255, 255]);
    expect(px(img, 11, 7)).toEqual([0, 0, 255, 255]);
    expect(px(img, 4, 4)).toEqual([255, 0, 0, 255]);
    expect(() => renderHeatmap(new Float32Array(1), 1, 1, { upscale: 1.5 })).toThrow(/integer/);
  });

  it('renders an all-zero map as the neutral colour without NaN', () => {
    const img = renderHeatmap(new Float32Array(4), 2, 2);
    expect(img.scale).toBe(0);
    for (let i = 0; i < 4; i++) expect(px(img, i % 2, i >> 1)).toEqual([255, 255, 255, 255]);
    expect(px(renderHeatmap(new Float32Array(1), 1, 1, { colormap: 'coldnhot' }), 0, 0)).toEqual([0, 0, 0, 255]);
  });

  it('rejects bad input', () => {
    expect(() => renderHeatmap(new Float32Array(3), 2, 2)).toThrow(/expected 4/);
    expect(() => renderHeatmap(new Float32Array(1), 1, 1, { colormap: 'nope' as 'bwr' })).toThrow(/valid names/);
    expect(() => renderHeatmap(new Float32Array(1), 1, 1, { scale: -1 })).toThrow(/scale/);
  });
});

describe('overlayHeatmap', () => {
  const heat: RgbaImage = { rgba: new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]), width: 2, height: 1 };

  it('blends bytes: (1 - a)·image + a·heat', () => {
    const out = overlayHeatmap(new Uint8Array([100, 100, 100, 0, 200, 50]), heat, 0.25);
    expect(px(out, 0, 0)).toEqual([Math.round(0.75 * 100 + 0.25 * 255), 75, 75, 255]);
    expect(px(out, 1, 0)).toEqual([0, 150, Math.round(0.75 * 50 + 0.25 * 255), 255]);
  });

  it('takes float images as [0, 1] and honours alpha 0 / 1', () => {
    const img = new Float32Array([0.5, 0.5, 0.5, 1, 1, 1]);
    expect(Array.from(overlayHeatmap(img, heat, 0).rgba)).toEqual([128, 128, 128, 255, 255, 255, 255, 255]);
    expect(Array.from(overlayHeatmap(img, heat, 1).rgba)).toEqual(Array.from(heat.rgba));
  });

  it('scales alpha by the heatmap alpha channel', () => {
    const transparent: RgbaImage = { rgba: new Uint8Array([255, 255, 255, 0]), width: 1, height: 1 };
    expect(Array.from(overlayHeatmap(new Uint8Array([10, 20, 30]), transparent, 1).rgba)).toEqual([10, 20, 30, 255]);
  });

  it('rejects size mismatch', () => {
    expect(() => overlayHeatmap(new Uint8Array(3), heat)).toThrow(/expected 6/);
  });
});

describe('colorbar', () => {
  it('runs from the low end to the high end', () => {
    const h = colorbar('bwr', 5, 2);
    expect([h.width, h.height]).toEqual([5, 2]);
    expect(px(h, 0, 1)).toEqual([0, 0, 255, 255]);
    expect(px(h, 2, 0)).toEqual([255, 255, 255, 255]);
    expect(px(h, 4, 1)).toEqual([255, 0, 0, 255]);
    const v = colorbar('heat', 4, 3, 'vertical');
    expect([v.width, v.height]).toEqual([3, 4]);
    expect(px(v, 1, 0)).toEqual([255, 255, 255, 255]); // top = high
    expect(px(v, 1, 3)).toEqual([0, 0, 0, 255]);
  });
});

describe('PNG', () => {
  const dir = mkdtemp(join(tmpdir(), 'xai-render-'));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));

  it('round-trips through fast-png decode', () => {
    const img = renderHeatmap(new Float32Array([1, -1, 0, 0.5, -0.5, 0.25]), 2, 3, { upscale: 2 });
    const png = decode(encodePng(img));
    expect([png.width, png.height, png.channels, png.depth]).toEqual([6, 4, 4, 8]);
    expect(Array.from(png.data)).toEqual(Array.from(img.rgba));
    expect(Array.from(png.data.subarray(0, 4))).toEqual([255, 0, 0, 255]);
  });

  it('writePng writes atomically and leaves no temp files', async () => {
    const path = join(await dir, 'map.png');
    const img = colorbar('viridis', 8, 2);
    await writePng(path, img);
    const png = decode(await readFile(path));
    expect([png.width, png.height]).toEqual([8, 2]);
    expect(Array.from(png.data)).toEqual(Array.from(img.rgba));
    expect(await readdir(await dir)).toEqual(['map.png']);
  });

  it('writePng leaves nothing behind on failure', async () => {
    const bad: RgbaImage = { rgba: new Uint8Array(3), width: 1, height: 1 };
    await expect(writePng(join(await dir, 'bad.png'), bad)).rejects.toThrow(/rgba/);
    await expect(writePng(join(await dir, 'missing', 'x.png'), colorbar('gray', 2, 1))).rejects.toThrow(/ENOENT/);
    expect(await readdir(await dir)).toEqual(['map.png']);
  });
});

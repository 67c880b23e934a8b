import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertIndexedToRgb, decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CMSL_SOURCES,
  COLORMAP_NAMES,
  COLORMAPS,
  colorbar,
  colormapPalette,
  compileCmsl,
  crc32,
  encodeIndexedPng,
  encodePng,
  formatTickLabel,
  getColormap,
  indexedToRgba,
  normalizeHeatmap,
  normalizeRange,
  normalizeSymmetric,
  overlayHeatmap,
  percentile,
  reduceChannels,
  relevanceJson,
  renderHeatmap,
  renderHeatmapIndexed,
  replacePngPalette,
  writeHeatmapPng,
  writePng,
  writeRelevanceJson,
  type RGB,
  type RgbaImage,
} from './index.js';

const px = (img: RgbaImage, x: number, y: number) => Array.from(img.rgba.subarray((y * img.width + x) * 4, (y * img.width + x + 1) * 4));

describe('colormaps', () => {
  it('compiles zennit CMSL sources to zennit\'s node indices', () => {
    expect(compileCmsl(CMSL_SOURCES.bwr).indices).toEqual([0, 128, 255, 256]);
    expect(compileCmsl(CMSL_SOURCES.seismic).indices).toEqual([0, 128, 255, 256]);
    expect(compileCmsl(CMSL_SOURCES.coldnhot).indices).toEqual([0, 64, 128, 170, 212, 255, 256]);
    expect(compileCmsl(CMSL_SOURCES.hot).indices).toEqual([0, 85, 170, 255, 256]);
    expect(compileCmsl(CMSL_SOURCES.gray).indices).toEqual([0, 255, 256]);
    // From zennit's own CMSL tests: a first index > 0 repeats the first colour at 0.
    expect(compileCmsl('7:000, 9:ffffff')).toEqual({
      indices: [0, 0x77, 0x99, 256],
      colors: [[0, 0, 0], [0, 0, 0], [255, 255, 255], [255, 255, 255]],
    });
  });

  it('rejects bad CMSL', () => {
    expect(() => compileCmsl('fff')).toThrow(/at least 2/);
    expect(() => compileCmsl('fff,zz')).toThrow(/unexpected "zz"/);
    expect(() => compileCmsl('80:fff,10:000')).toThrow(/ascending/);
    expect(() => compileCmsl('fff,80:')).toThrow(/without a colour/);
  });

  it('has zennit\'s palette end and mid points', () => {
    const at = (name: Parameters<typeof colormapPalette>[0], ...i: number[]) => i.map((k) => colormapPalette(name)[k]);
    expect(at('bwr', 0, 0x80, 255)).toEqual([[0, 0, 255], [255, 255, 255], [255, 0, 0]]);
    expect(at('seismic', 0, 0x80, 255)).toEqual([[0, 0, 0xd0], [0xd0, 0xd0, 0xd0], [0xd0, 0, 0]]);
    expect(at('coldnhot', 0, 0x40, 0x80, 0xaa, 0xd4, 255)).toEqual([
      [0, 255, 255], [0, 0, 255], [0, 0, 0], [255, 0, 0], [255, 255, 0], [255, 255, 255],
    ]);
    expect(at('hot', 0, 85, 170, 255)).toEqual([[0, 0, 0], [255, 0, 0], [255, 255, 0], [255, 255, 255]]);
    expect(at('heat', 0, 85, 170, 255)).toEqual(at('hot', 0, 85, 170, 255));
    expect(at('gray', 0, 0x80, 255)).toEqual([[0, 0, 0], [128, 128, 128], [255, 255, 255]]);
    expect(colormapPalette('gray').every(([r, g, b], k) => r === k && g === k && b === k)).toBe(true);
    expect(at('gray_red', 0, 255)).toEqual([[128, 128, 128], [255, 0, 0]]);
  });

  it('interpolates like zennit\'s ColorMap.palette (truncating to bytes)', () => {
    // Reference bytes from zennit's palette algorithm (numpy searchsorted, linear interpolation,
    // (v * 255).round(12).astype(uint8)); e.g. bwr[64] = 255 * 64/128 = 127.5 -> 127.
    const cases: [keyof typeof CMSL_SOURCES, number, RGB][] = [
      ['bwr', 1, [1, 1, 255]], ['bwr', 64, [127, 127, 255]], ['bwr', 191, [255, 128, 128]], ['bwr', 254, [255, 2, 2]],
      ['seismic', 100, [162, 162, 208]], ['seismic', 200, [208, 90, 90]],
      ['coldnhot', 30, [0, 135, 255]], ['coldnhot', 150, [133, 0, 0]], ['coldnhot', 200, [255, 182, 0]],
      ['hot', 42, [126, 0, 0]], ['hot', 200, [255, 255, 90]], ['cold', 200, [0, 145, 255]], ['gray_red', 100, [177, 77, 77]],
    ];
    for (const [name, k, rgb] of cases) expect([name, k, colormapPalette(name)[k]]).toEqual([name, k, rgb]);
  });

  it('evaluates, clamps and maps NaN to the middle', () => {
    const { bwr, viridis } = COLORMAPS;
    expect([bwr(0), bwr(128 / 255), bwr(1)]).toEqual([[0, 0, 255], [255, 255, 255], [255, 0, 0]]);
    expect(bwr(0.25)).toEqual([127, 127, 255]);
    expect(bwr(-3)).toEqual([0, 0, 255]);
    expect(bwr(7)).toEqual([255, 0, 0]);
    expect(bwr(Number.NaN)).toEqual(bwr(0.5));
    expect([viridis(0), viridis(0.5), viridis(1)]).toEqual([[68, 1, 84], [33, 145, 140], [253, 231, 37]]);
  });

  it('looks up by name and lists valid names for unknown ones', () => {
    expect(getColormap('viridis')).toBe(COLORMAPS.viridis);
    expect(() => getColormap('jet')).toThrow(/Unknown colormap "jet".*bwr, seismic, coldnhot, gray, viridis, heat, hot, gray_red/);
    expect(() => getColormap('toString')).toThrow(/Unknown colormap/);
    expect(COLORMAP_NAMES).toEqual(expect.arrayContaining(['bwr', 'seismic', 'coldnhot', 'gray_red', 'hot', 'gray', 'viridis', 'heat']));
  });
});

describe('reduceChannels', () => {
  // 1×2 image, 3 channels.
  const rel = new Float32Array([1, -2, 0.5, -1, -1, 3]);
  it.each([
    ['sum', [-0.5, 1]],
    ['abs-sum', [3.5, 5]],
    ['max-abs', [2, 3]],
    ['l2', [Math.fround(Math.sqrt(1 + 4 + 0.25)), Math.fround(Math.sqrt(1 + 1 + 9))]],
  ] as const)('%s', (how, expected) => {
    expect(Array.from(reduceChannels(rel, [1, 2, 3], how))).toEqual(expected);
  });
  it('rejects a shape mismatch', () => {
    expect(() => reduceChannels(rel, [2, 2, 3], 'sum')).toThrow(/length 6, expected 12/);
    expect(() => reduceChannels(rel, [1, 2, 3], 'mean' as 'sum')).toThrow(/Unknown channel reduction "mean"/);
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

  it('percentile interpolates between ranks like numpy and skips non-finite values', () => {
    const v = Float32Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBeCloseTo(50.5, 12);
    expect(percentile(v, 99.5)).toBeCloseTo(1 + 0.995 * 99, 12); // np.percentile(np.arange(1, 101), 99.5)
    expect(percentile(v, 100)).toBe(100);
    expect(percentile([3, Number.NaN, 1, Number.POSITIVE_INFINITY], 100)).toBe(3);
    expect(percentile([], 50)).toBe(0);
  });

  it('clipPercentile uses that percentile of |R| as the scale; larger values saturate', () => {
    const map = Float32Array.from({ length: 100 }, (_, i) => (i % 2 ? -1 : 1) * (i + 1));
    map[99] = -1e6; // one outlier
    const plain = normalizeHeatmap(map);
    expect(plain.scale).toBe(1e6);
    const clipped = normalizeHeatmap(map, { clipPercentile: 98 });
    expect(clipped.scale).toBeCloseTo(98.02, 10); // ranks 97 and 98 of |R| sorted: 98, 99
    expect(clipped.range).toEqual([-clipped.scale, clipped.scale]);
    expect(clipped.t[98]).toBe(1); // 99 > scale: saturates
    expect(clipped.t[99]).toBe(0); // -1e6
    expect(clipped.t[48]).toBeCloseTo((49 / clipped.scale + 1) / 2, 6);
    const heat = renderHeatmapIndexed(map, 10, 10, { clipPercentile: 98 });
    expect(heat.indices[98]).toBe(255);
    expect(heat.indices[99]).toBe(0);
    expect(heat.scale).toBe(clipped.scale);
  });

  it('validates percentile and scale options', () => {
    const map = new Float32Array([1, -1]);
    expect(() => normalizeHeatmap(map, { clipPercentile: 0 })).toThrow(/clipPercentile/);
    expect(() => normalizeHeatmap(map, { clipPercentile: 101 })).toThrow(/clipPercentile/);
    expect(() => normalizeHeatmap(map, { clipPercentile: 99, scale: 1 })).toThrow(/either scale or clipPercentile/);
    expect(() => normalizeHeatmap(map, { mode: 'negative' as 'signed' })).toThrow(/Unknown heatmap mode "negative"/);
  });

  it('unsigned modes: absolute maps |R|, positive keeps R > 0, both onto [0, 1]', () => {
    const map = new Float32Array([-4, 2, 0, -1, Number.NaN]);
    const abs = normalizeHeatmap(map, { mode: 'absolute' });
    expect([abs.scale, abs.range, Array.from(abs.t)]).toEqual([4, [0, 4], [1, 0.5, 0, 0.25, 0]]);
    const pos = normalizeHeatmap(map, { mode: 'positive' });
    expect([pos.scale, pos.range, Array.from(pos.t)]).toEqual([2, [0, 2], [0, 1, 0, 0, 0]]);
    // The percentile is taken of the mapped quantity: max(R, 0) in 'positive' mode.
    expect(normalizeHeatmap(map, { mode: 'positive', clipPercentile: 100 }).scale).toBe(2);
    expect(normalizeHeatmap(map, { mode: 'absolute', clipPercentile: 50 }).scale).toBe(1.5); // of [0, 1, 2, 4]

    const img = renderHeatmapIndexed(map, 1, 5, { mode: 'absolute', colormap: 'gray' });
    expect(Array.from(img.indices)).toEqual([255, 128, 0, 64, 0]);
    const hot = renderHeatmapIndexed(map, 1, 5, { mode: 'positive' });
    expect(hot.palette).toEqual(colormapPalette('hot')); // default map for unsigned modes
    expect(Array.from(hot.indices)).toEqual([0, 255, 0, 0, 0]);
    // A diverging map in an unsigned mode is used as a plain 0..1 scale.
    expect(Array.from(renderHeatmapIndexed(map, 1, 5, { mode: 'absolute', colormap: 'bwr' }).indices)).toEqual([255, 128, 0, 64, 0]);
  });
});

describe('renderHeatmap', () => {
  it('colours positive max red, negative max blue, zero white (bwr)', () => {
    const img = renderHeatmap(new Float32Array([5, -5, 0, 2.5]), 2, 2);
    expect([img.width, img.height, img.scale, img.range]).toEqual([2, 2, 5, [-5, 5]]);
    expect(px(img, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(px(img, 1, 0)).toEqual([0, 0, 255, 255]);
    expect(px(img, 0, 1)).toEqual([255, 255, 255, 255]);
    expect(px(img, 1, 1)).toEqual([255, 128, 128, 255]); // half-way to red
  });

  it('is symmetric: a weaker negative side is not stretched to full blue', () => {
    const img = renderHeatmap(new Float32Array([4, -2]), 1, 2);
    expect(px(img, 1, 0)).toEqual([127, 127, 255, 255]); // bwr palette entry 64 (zennit: 127.5 truncated)
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
    const img = renderHeatmap(new Float32Array([0, 3, -3]), 1, 3, { colormap: 'gray' });
    expect(px(img, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(px(img, 1, 0)).toEqual([255, 255, 255, 255]);
    expect(px(img, 2, 0)).toEqual([0, 0, 0, 255]);
    expect(img.range).toEqual([0, 3]);
  });

  it('draws the RGBA image from the indexed one', () => {
    const map = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i) * 3);
    for (const opts of [{}, { colormap: 'coldnhot' as const }, { mode: 'absolute' as const, upscale: 2 }]) {
      const indexed = renderHeatmapIndexed(map, 3, 4, opts);
      const rgba = renderHeatmap(map, 3, 4, opts);
      expect(rgba.rgba).toEqual(indexedToRgba(indexed).rgba);
      expect([rgba.width, rgba.height, rgba.scale]).toEqual([indexed.width, indexed.height, indexed.scale]);
    }
  });

  it('reduces channels first when given channels-last values', () => {
    const rel = new Float32Array([3, 4, 0, 0, -1, 0]); // 1×3 pixels, 2 channels
    const heat = renderHeatmapIndexed(rel, 1, 3, { channels: 2, reduction: 'l2', mode: 'absolute', colormap: 'gray' });
    expect(heat.scale).toBe(5);
    expect(Array.from(heat.indices)).toEqual([255, 0, 51]);
    expect(Array.from(renderHeatmapIndexed(rel, 1, 3, { channels: 2 }).indices)).toEqual([255, 128, 109]); // sum: 7, 0, -1 → round(255·(1 − 1/7)/2)
    expect(() => renderHeatmapIndexed(rel, 1, 3, { channels: 3 })).toThrow(/length 6, expected 9/);
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
    expect(() => renderHeatmapIndexed(new Float32Array(2), 1, 2, { channels: 0 })).toThrow(/channel count/);
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

  it('overlays an indexed heatmap via indexedToRgba', () => {
    const indexed = renderHeatmapIndexed(new Float32Array([1, -1]), 1, 2);
    const out = overlayHeatmap(new Uint8Array([0, 0, 0, 255, 255, 255]), indexedToRgba(indexed), 0.5);
    expect(Array.from(out.rgba)).toEqual([128, 0, 0, 255, 128, 128, 255, 255]);
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

  it('adds optional tick labels below (horizontal) or beside (vertical) the bar', () => {
    const plain = colorbar('bwr', 41, 4);
    const h = colorbar('bwr', 41, 4, 'horizontal', { range: [-2, 2] });
    expect([h.width, h.height]).toEqual([41, 4 + 1 + 5 + 1]);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 41; x++) expect(px(h, x, y)).toEqual(px(plain, x, y));
    const black = [0, 0, 0, 255];
    const white = [255, 255, 255, 255];
    // "0" centred under the middle (x 19..21, from y 5); "-2" clamped to the left edge; "2" to the right.
    expect([px(h, 19, 5), px(h, 20, 5), px(h, 21, 5)]).toEqual([black, black, black]);
    expect([px(h, 19, 6), px(h, 20, 6), px(h, 21, 6)]).toEqual([black, white, black]);
    expect([px(h, 0, 7), px(h, 1, 7), px(h, 2, 7), px(h, 0, 6)]).toEqual([black, black, black, white]); // '-'
    expect(px(h, 40, 5)).toEqual(black); // top row of '2' at x 38..40
    expect(px(h, 30, 8)).toEqual(white);

    const v = colorbar('hot', 30, 3, 'vertical', { range: [0, 1.5], ticks: 2, fontScale: 2, color: [255, 0, 0], background: [0, 0, 255] });
    expect([v.width, v.height]).toEqual([3 + 2 + 2 + (3 * 4 - 1) * 2, 30]);
    expect(px(v, 1, 0)).toEqual([255, 255, 255, 255]);
    const pixels = Array.from({ length: v.width * v.height }, (_, p) => px(v, p % v.width, Math.floor(p / v.width)));
    expect(pixels.filter((c) => c.join() === '255,0,0,255').length).toBeGreaterThan(0);
    expect(px(v, v.width - 1, 15)).toEqual([0, 0, 255, 255]);
    expect(() => colorbar('bwr', 10, 2, 'horizontal', { range: [0, 1], format: () => 'a#c' })).toThrow(/label character "#" is not in the 3×5 label font/);
    expect(() => colorbar('bwr', 10, 2, 'horizontal', { range: [0, 1], ticks: 1 })).toThrow(/ticks/);
  });

  it('formats tick labels compactly', () => {
    expect([0, -1.5, 0.125, 100, 0.001, 2.5e-5, 1234567, -9999.9, 1 / 3, 3000, -1234.4].map(formatTickLabel)).toEqual([
      '0', '-1.5', '0.125', '100', '0.001', '2.5e-5', '1.23e6', '-1e4', '0.333', '3000', '-1234',
    ]);
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

describe('palette PNG', () => {
  const dir = mkdtemp(join(tmpdir(), 'xai-render-indexed-'));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));
  const map = Float32Array.from({ length: 6 * 5 }, (_, i) => Math.cos(i * 0.7) * (i - 12));
  const heat = renderHeatmapIndexed(map, 5, 6);

  it('is colour type 3 with the 256-entry colormap palette and one index per pixel', () => {
    const bytes = encodeIndexedPng(heat);
    expect(String.fromCharCode(...bytes.subarray(12, 16))).toBe('IHDR');
    expect([bytes[24], bytes[25]]).toEqual([8, 3]); // bit depth 8, colour type 3 (indexed)
    const png = decode(bytes, { checkCrc: true });
    expect([png.width, png.height, png.channels, png.depth]).toEqual([6, 5, 1, 8]);
    expect(Array.from(png.data)).toEqual(Array.from(heat.indices));
    expect(png.palette).toEqual(colormapPalette('bwr'));
    expect(Array.from(convertIndexedToRgb(png))).toEqual(Array.from(renderHeatmap(map, 5, 6).rgba).filter((_, k) => k % 4 !== 3));
  });

  it('swapping the PLTE chunk changes the colours only', () => {
    const bytes = encodeIndexedPng(heat);
    const swapped = replacePngPalette(bytes, colormapPalette('coldnhot'));
    expect(swapped.length).toBe(bytes.length);
    const plte = Array.from(bytes.subarray(8)).findIndex((_, k) => String.fromCharCode(...bytes.subarray(8 + k, 12 + k)) === 'PLTE') + 8;
    const changed = Array.from(bytes.keys()).filter((k) => bytes[k] !== swapped[k]);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((k) => k >= plte + 4 && k < plte + 4 + 768 + 4)).toBe(true); // PLTE data and its CRC
    const a = decode(bytes, { checkCrc: true });
    const b = decode(swapped, { checkCrc: true });
    expect(b.data).toEqual(a.data);
    expect(b.palette).toEqual(colormapPalette('coldnhot'));
    expect(Array.from(convertIndexedToRgb(b))).toEqual(
      Array.from(renderHeatmap(map, 5, 6, { colormap: 'coldnhot' }).rgba).filter((_, k) => k % 4 !== 3),
    );
  });

  it('rejects what it cannot encode or swap', () => {
    expect(() => encodeIndexedPng({ ...heat, palette: heat.palette.slice(0, 10) })).toThrow(/has index \d+ but the palette has 10/);
    expect(() => encodeIndexedPng({ ...heat, indices: heat.indices.subarray(1) })).toThrow(/expected 30/);
    expect(() => encodeIndexedPng({ ...heat, palette: [[0, 0, 256]] })).toThrow(/three bytes/);
    const png = encodeIndexedPng(heat);
    expect(() => replacePngPalette(png, colormapPalette('gray').slice(0, 16))).toThrow(/256 entries, the new one 16/);
    expect(() => replacePngPalette(encodePng(colorbar('gray', 2, 1)), colormapPalette('gray'))).toThrow(/no PLTE/);
    expect(() => replacePngPalette(new Uint8Array(20), colormapPalette('gray'))).toThrow(/signature/);
  });

  it('crc32 is the PNG/zlib CRC', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('writeHeatmapPng renders and writes atomically with metadata', async () => {
    const path = join(await dir, 'heat.png');
    const out = await writeHeatmapPng(path, map, 5, 6, { colormap: 'seismic', clipPercentile: 90, upscale: 2 });
    const png = decode(await readFile(path));
    expect([png.width, png.height, png.channels]).toEqual([12, 10, 1]);
    expect(Array.from(png.data)).toEqual(Array.from(out.indices));
    expect(png.palette).toEqual(colormapPalette('seismic'));
    expect(png.text).toMatchObject({ 'xai:scale': String(out.scale), 'xai:mode': 'signed', 'xai:colormap': 'seismic' });
    expect(out.scale).toBeCloseTo(percentile(Float32Array.from(map, Math.abs), 90), 5);
    expect(await readdir(await dir)).toEqual(['heat.png']);
  });
});

describe('relevance JSON', () => {
  const relevance = new Float32Array([0.1, -2.5, 1 / 3, 0, 1e-8, 7]);

  it('holds the shape and flat values that read back to the same float32', () => {
    const json = relevanceJson({ relevance, shape: [1, 2, 3], method: 'lrp', target: 4, logits: new Float32Array([0.5, 2]), options: { composite: 'epsilon_plus' } });
    expect(json).toMatchObject({ format: 'xai-relevance', version: 1, method: 'lrp', target: 4, shape: [1, 2, 3], logits: [0.5, 2], options: { composite: 'epsilon_plus' } });
    expect(json.values[0]).toBe(0.1); // shortest float32 form, not 0.10000000149011612
    expect(Float32Array.from(JSON.parse(JSON.stringify(json)).values as number[])).toEqual(relevance);
    expect(json.sum).toBeCloseTo(0.1 - 2.5 + 1 / 3 + 7, 5);
    expect(json.nonFinite).toBeUndefined();
    expect(relevanceJson({ relevance: [1.5], shape: [1], method: 'gradient' }).target).toBeNull();
  });

  it('writes NaN/Infinity as null and counts them; rejects a shape mismatch', () => {
    const json = relevanceJson({ relevance: new Float32Array([1, Number.NaN, Number.NEGATIVE_INFINITY]), shape: [3], method: 'x' });
    expect([json.values, json.nonFinite, json.sum]).toEqual([[1, null, null], 2, 1]);
    expect(() => relevanceJson({ relevance, shape: [2, 2], method: 'x' })).toThrow(/length 6, but shape \[2, 2\] holds 4/);
    expect(() => relevanceJson({ relevance, shape: [2, -3], method: 'x' })).toThrow(/invalid shape/);
  });

  it('writeRelevanceJson writes it atomically', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xai-relevance-'));
    try {
      for (const pretty of [false, true]) {
        const path = join(dir, `r-${pretty}.json`);
        const written = await writeRelevanceJson(path, { relevance, shape: [6], method: 'lrp', target: 'cat' }, { pretty });
        const text = await readFile(path, 'utf8');
        expect(JSON.parse(text)).toEqual(written);
        expect(text.includes('"values": [0.1,-2.5,0.33333334,0,1e-8,7]')).toBe(pretty);
        expect(text.split('\n').length > 2).toBe(pretty);
      }
      expect((await readdir(dir)).sort()).toEqual(['r-false.json', 'r-true.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

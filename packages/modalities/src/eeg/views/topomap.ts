/**
 * Scalp topographies: values at electrodes (standard 10-20/10-10 positions, azimuthal equidistant
 * projection) interpolated over the head with a biharmonic spline (Sandwell 1987; EEGLAB's 'v4'
 * interpolation), head outline with nose and ears, electrode dots, one shared colour bar.
 */
import { BLACK, Canvas, colorbar, colormapPalette, formatTickLabel, getColormap, isDiverging, WHITE, type ColormapName } from '@xai/core';
import { biharmonicSpline } from '../biharmonic-spline.js';
import { electrodePosition, projectElectrode } from '../montage.js';
import { GREY } from './ink.js';

export interface Topomap {
  readonly title: string;
  /** One value per channel of `channels`. */
  readonly values: ArrayLike<number>;
}

export interface TopomapStyle {
  readonly colormap?: ColormapName;
  /** Value at the colormap's ends; default the largest |value| at an electrode over all maps. */
  readonly scale?: number;
  /** Print channel names next to the dots; default when at most 32 electrodes. */
  readonly names?: boolean;
  readonly title?: string;
  readonly unit?: string;
}

/** Electrodes of `channels` with known positions: index into channels and 2-D position (duplicates dropped). */
export function placedChannels(channels: readonly string[]): { index: number; name: string; xy: [number, number] }[] {
  const seen = new Set<string>();
  const out: { index: number; name: string; xy: [number, number] }[] = [];
  channels.forEach((label, index) => {
    const pos = electrodePosition(label);
    if (pos && !seen.has(pos.name)) {
      seen.add(pos.name);
      out.push({ index, name: label, xy: projectElectrode(pos.xyz) });
    }
  });
  return out;
}

/** One or more topographies side by side with one colour bar; throws when fewer than 3 channels have positions. */
export function renderTopomaps(maps: readonly Topomap[], channels: readonly string[], style: TopomapStyle = {}): Uint8Array {
  const placed = placedChannels(channels);
  if (placed.length < 3) throw new RangeError(`a topography needs at least 3 channels with standard 10-20/10-10 positions, got ${placed.length} (${channels.join(', ')})`);
  const colormap = style.colormap ?? 'bwr';
  const diverging = isDiverging(colormap);
  const palette = colormapPalette(getColormap(colormap));
  const scale = style.scale ?? Math.max(1e-30, ...maps.flatMap((m) => placed.map((p) => Math.abs(m.values[p.index]!))));
  const R = 80; // head radius in px
  const cell = 2 * R + 40;
  const titleH = style.title ? 18 : 0;
  const bar = colorbar(colormap, Math.min(360, cell * maps.length - 40), 10, 'horizontal', {
    range: diverging ? [-scale, scale] : [0, scale], ticks: maps.length === 1 ? 3 : 5, format: (v) => formatTickLabel(v),
  });
  const width = Math.max(cell * maps.length, bar.width + 20);
  const height = titleH + cell + 16 + bar.height + 14;
  const canvas = new Canvas(width, height, WHITE);
  if (style.title) canvas.text(8, 4, style.title, BLACK);
  const names = style.names ?? placed.length <= 32;

  maps.forEach((map, m) => {
    const cx = m * cell + cell / 2;
    const cy = titleH + 14 + R + 8;
    canvas.text(cx, titleH + 2, map.title, BLACK, 1, 'center');
    const f = biharmonicSpline(placed.map((p) => p.xy), placed.map((p) => map.values[p.index]!));
    for (let py = Math.floor(cy - R); py <= Math.ceil(cy + R); py++) {
      for (let px = Math.floor(cx - R); px <= Math.ceil(cx + R); px++) {
        const x = (px - cx) / R;
        const y = -(py - cy) / R;
        const r = Math.sqrt(x * x + y * y);
        if (r > 1) continue;
        const v = f(x, y);
        const t = diverging ? (Math.max(-1, Math.min(1, v / scale)) + 1) / 2 : Math.max(0, Math.min(1, v / scale));
        const c = palette[Math.round(t * 255)]!;
        canvas.pixel(px, py, c, Math.min(1, Math.max(0, (1 - r) * R + 0.5)));
      }
    }
    // Head, nose, ears.
    canvas.circle(cx, cy, R, BLACK, 2);
    canvas.line(cx - 10, cy - R + 1, cx, cy - R - 12, BLACK);
    canvas.line(cx + 10, cy - R + 1, cx, cy - R - 12, BLACK);
    for (const side of [-1, 1]) {
      for (let a = -60; a <= 60; a += 2) {
        const rad = (a * Math.PI) / 180;
        canvas.pixel(cx + side * (R + 5 * Math.cos(rad) + 1), cy + 16 * Math.sin(rad), BLACK);
      }
    }
    for (const p of placed) {
      const [x, y] = p.xy;
      const px = cx + x * R;
      const py = cy - y * R;
      canvas.disc(px, py, 1.8, BLACK);
      if (names) canvas.text(px, py + 3, p.name, GREY, 1, 'center');
    }
  });
  const barY = titleH + cell + 4;
  canvas.draw(bar, Math.round((width - bar.width) / 2), barY);
  if (style.unit) canvas.text(width / 2, barY + bar.height + 2, style.unit, BLACK, 1, 'center');
  return canvas.png();
}

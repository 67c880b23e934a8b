/**
 * Per-frame relevance overlays: each frame's relevance (summed over colour channels) coloured with
 * core's heatmap rendering on one colour scale for the whole clip, blended over the frame with an
 * opacity that follows |R| — frames stay visible where the model saw nothing — and enlarged by
 * nearest neighbour so a 32×32 clip is legible.
 */
import {
  getColormap, InvalidArgumentError, isColormapName, overlayHeatmap, reduceChannels, renderHeatmap, upscaleNearest, type ColormapName, type HeatmapMode, type RgbaImage,
} from '@xai/core';

export interface OverlayOptions {
  readonly colormap?: string;
  readonly mode?: HeatmapMode;
  /** Colour scale at this percentile of the mapped quantity over the whole clip (default: its maximum). */
  readonly clipPercentile?: number;
  /** Opacity of the strongest relevance (0…1). */
  readonly alpha?: number;
  /** Integer enlargement; default: frames become at least 96 px on their longer side (≤ 8×). */
  readonly upscale?: number;
}

export interface RelevanceOverlays {
  /** One RGBA image per frame, enlarged. */
  readonly frames: RgbaImage[];
  /** The enlargement applied. */
  readonly upscale: number;
  readonly colormap: ColormapName;
  readonly mode: HeatmapMode;
  /** Relevance at the colormap's ends. */
  readonly range: [number, number];
}

export const defaultUpscale = (height: number, width: number) => Math.max(1, Math.min(8, Math.ceil(96 / Math.max(height, width))));

/** Relevance per frame as [T][H·W] maps (channels summed). */
export function frameMaps(relevance: Float32Array, shape: readonly number[]): Float32Array[] {
  const [T, H, W, C] = shape as [number, number, number, number];
  return Array.from({ length: T }, (_, t) => {
    const slice = relevance.subarray(t * H * W * C, (t + 1) * H * W * C);
    return C === 1 ? slice.slice() : reduceChannels(slice, [H, W, C], 'sum');
  });
}

/**
 * `rgbFrames`: the frames as shown (RGB in [0, 1], [H·W·3] each); `maps`: relevance per pixel of
 * each frame (same H × W).
 */
export function relevanceOverlays(rgbFrames: readonly Float32Array[], maps: readonly Float32Array[], height: number, width: number, options: OverlayOptions = {}): RelevanceOverlays {
  const mode = options.mode ?? 'signed';
  const colormap = options.colormap ?? (mode === 'signed' ? 'bwr' : 'hot');
  if (!isColormapName(colormap)) getColormap(colormap); // throws, naming the valid colormaps
  const alpha = options.alpha ?? 0.8;
  if (!(alpha >= 0 && alpha <= 1)) throw new InvalidArgumentError(`option alpha: must be in [0, 1], got ${alpha}`);
  const upscale = options.upscale ?? defaultUpscale(height, width);
  // One heatmap of all frames stacked vertically: one colour scale (and clipPercentile) for the clip.
  const stacked = new Float32Array(maps.length * height * width);
  maps.forEach((m, t) => stacked.set(m, t * height * width));
  const heat = renderHeatmap(stacked, maps.length * height, width, { colormap: colormap as ColormapName, mode, clipPercentile: options.clipPercentile });
  const diverging = heat.range[0] < 0;
  const frames = rgbFrames.map((rgb, t) => {
    const part: RgbaImage = { rgba: heat.rgba.slice(t * height * width * 4, (t + 1) * height * width * 4), width, height };
    for (let p = 0; p < height * width; p++) {
      const v = maps[t]![p]!;
      const magnitude = mode === 'absolute' || diverging ? Math.abs(v) : Math.max(0, v);
      part.rgba[p * 4 + 3] = heat.scale > 0 ? Math.round(255 * Math.min(1, magnitude / heat.scale)) : 0;
    }
    return upscaleNearest(overlayHeatmap(rgb, part, alpha), upscale);
  });
  return { frames, upscale, colormap: colormap as ColormapName, mode, range: heat.range };
}

/** The frames alone (RGB in [0, 1]) as enlarged RGBA images. */
export function plainFrames(rgbFrames: readonly Float32Array[], height: number, width: number, upscale: number): RgbaImage[] {
  return rgbFrames.map((rgb) => {
    const rgba = new Uint8Array(height * width * 4);
    for (let p = 0; p < height * width; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(255 * Math.min(1, Math.max(0, rgb[p * 3 + c]!)));
      rgba[p * 4 + 3] = 255;
    }
    return upscaleNearest({ rgba, width, height }, upscale);
  });
}

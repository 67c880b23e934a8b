export {
  CMSL_SOURCES,
  COLORMAPS,
  COLORMAP_NAMES,
  cmslColormap,
  colormapPalette,
  compileCmsl,
  getColormap,
  isColormapName,
  isDiverging,
  linearColormap,
  type CmslNodes,
  type Colormap,
  type ColormapName,
  type RGB,
} from './colormaps.js';
export {
  CHANNEL_REDUCTIONS,
  HEATMAP_MODES,
  colorbar,
  encodePng,
  indexedToRgba,
  normalizeHeatmap,
  normalizeRange,
  normalizeSymmetric,
  overlayHeatmap,
  percentile,
  reduceChannels,
  renderHeatmap,
  renderHeatmapIndexed,
  upscaleNearest,
  writeHeatmapPng,
  writePng,
  type ChannelReduction,
  type ColorbarLabels,
  type HeatmapImage,
  type HeatmapMode,
  type IndexedHeatmap,
  type NormalizedHeatmap,
  type NormalizeOptions,
  type Normalized,
  type RenderOptions,
  type RgbaImage,
} from './heatmap.js';
export { formatTickLabel, niceStep, niceTicks, NICE_STEPS } from './axis-ticks.js';
export { drawText, LABEL_FONT, missingGlyphs, SMALL_FONT, textWidth, type PixelFont } from './pixel-font.js';
export { BLACK, Canvas, WHITE, type Colour, type LineStyle } from './canvas.js';
export { crc32, encodeIndexedPng, replacePngPalette, writeIndexedPng, type IndexedImage, type IndexedPngOptions } from './png.js';
export { relevanceJson, writeRelevanceJson, type RelevanceJson, type RelevanceJsonInput } from './relevance-json.js';
export { resizeImage, type ResizeFilter } from './resize-image.js';

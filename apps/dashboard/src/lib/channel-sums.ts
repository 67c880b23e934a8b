/** Image relevance as the dashboard draws it: one value per pixel, the channels summed. */

/** Where an image relevance has its channel axis: [h, w, c] (tfjs models) or [c, h, w] (ONNX models). */
export type ChannelLayout = 'channels-first' | 'channels-last';

/** Height and width of an image relevance of `shape` ([h, w] or flat: one row). */
export function imageSize(shape: readonly number[], layout: ChannelLayout = 'channels-last'): { height: number; width: number } {
  if (shape.length < 2) return { height: 1, width: shape[0] ?? 0 };
  const [height, width] = shape.length >= 3 && layout === 'channels-first' ? [shape[1]!, shape[2]!] : [shape[0]!, shape[1]!];
  return { height, width };
}

/** Σ over channels per pixel of a relevance shaped [h, w, c] or, channels-first, [c, h, w] ([h, w] or flat: one channel). */
export function channelSums(values: ArrayLike<number>, shape: readonly number[], layout: ChannelLayout = 'channels-last'): Float64Array {
  const c = shape.length >= 3 ? (layout === 'channels-first' ? shape[0]! : shape.at(-1)!) : 1;
  const pixels = Math.floor(values.length / c);
  const out = new Float64Array(pixels);
  // channels-last: a pixel's channels are adjacent; channels-first: they are `pixels` apart
  const [pixelStride, channelStride] = layout === 'channels-first' && shape.length >= 3 ? [1, pixels] : [c, 1];
  for (let p = 0; p < pixels; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += values[p * pixelStride + k * channelStride] ?? 0;
    out[p] = s;
  }
  return out;
}

/** The largest |value|: the colour scale of a heatmap (0 for none). */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

import { join } from 'node:path';
import {
  DEMO_INPUTS, DEMO_MODEL, HEATMAP_MODES, SHAPE_CLASSES, decodeInput, encodeIndexedPng, encodePng, overlayHeatmap, reduceChannels, renderHeatmap, renderHeatmapIndexed,
  upscaleNearest, type ColormapName,
} from '@xai/core';
import { Type, type Static } from 'typebox';
import type { Artefact, DecodedInput, InputFile, ModalityAdapter, ModelInputSpec } from '../adapter.js';
import { asObjectSchema, checkedOptions, OptionsObject, StringEnum } from '../adapter-options.js';
import { relevanceArtefact } from '../artefacts.js';
import { asChannelsLast, channelsLastSpec, LAYOUT_OPTION, resolveLayout, sampleInLayout, type InputLayout } from '../layout.js';

const CHANNEL_NAMES: Record<number, string[]> = { 1: ['grey'], 3: ['red', 'green', 'blue'] };

/** Nearest-neighbour factor that makes small images (e.g. 32×32) visible, at most 8. */
const displayFactor = (height: number, width: number) => Math.max(1, Math.min(8, Math.floor(256 / Math.max(height, width))));

function rgbOf(values: Float32Array, channels: number): Float32Array {
  if (channels === 3) return values;
  const out = new Float32Array((values.length / channels) * 3);
  for (let p = 0; p < values.length / channels; p++) out.fill(values[p * channels]!, p * 3, p * 3 + 3);
  return out;
}

const IMAGE_OPTIONS = OptionsObject({
  scale: StringEnum(['0-1', '0-255'], { default: '0-1', description: 'pixel value range the model was trained on' }),
  colormap: Type.String({ default: 'bwr', description: 'heatmap colormap (bwr, seismic, coldnhot, hot, gray, …)' }),
  mode: StringEnum(HEATMAP_MODES, { default: 'signed', description: 'which relevance the heatmap shows' }),
  clipPercentile: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'colour scale at this percentile of |R|' }),
  alpha: Type.Number({ minimum: 0, maximum: 1, default: 0.6, description: 'heatmap opacity of the overlay' }),
  layout: LAYOUT_OPTION,
});
export type ImageOptions = Static<typeof IMAGE_OPTIONS>;

/** Images (PNG, JPEG, and arrays as .npy/.json): heatmap, overlay and relevance JSON. */
export const imageAdapter: ModalityAdapter = {
  name: 'image',
  description: 'images (PNG, JPEG; arrays as .npy or .json): heatmaps and overlays',
  extensions: ['.png', '.jpg', '.jpeg', '.npy', '.json'],
  demos: {
    models: [{ name: 'shapes-cnn', path: DEMO_MODEL, description: 'CNN on generated 32×32 shapes (square, cross, ring, triangle), 99.75% test accuracy', classNames: SHAPE_CLASSES }],
    inputs: SHAPE_CLASSES.map((name) => ({ name: `shape-${name}`, files: [join(DEMO_INPUTS, `${name}.png`)], description: `a generated ${name}`, model: 'shapes-cnn' })),
  },
  options: asObjectSchema(IMAGE_OPTIONS),

  async decode(files: readonly InputFile[], given = {}, model?: readonly ModelInputSpec[]): Promise<DecodedInput> {
    const file = files[0]!;
    const options = checkedOptions(IMAGE_OPTIONS, given, "modality 'image'");
    const spec = model?.[0];
    const learned = resolveLayout({ spec, stated: options.layout, rank: 3, fits: (c) => c === 1 || c === 3, gives: 'images give 1 (grey) or 3 (RGB) channels', what: file.name });
    // Pixels are read channels-last and moved to the model's layout; arrays (.npy, .json) are taken in the model's layout.
    const isArray = /\.(npy|json)$/i.test(file.name);
    const wanted = isArray ? spec : channelsLastSpec(spec, learned);
    const shape = wanted && wanted.shape.every((d): d is number => d !== null) ? wanted.shape : undefined;
    const array = decodeInput(file.bytes, file.name, { shape, scale: options.scale ?? '0-1' });
    const layout: InputLayout = array.shape.length === 3 ? learned : 'channels-last'; // a grey [H, W] array has no channel axis
    const sample = isArray ? { values: array.values, shape: array.shape, dtype: 'float32' as const, layout } : sampleInLayout({ values: array.values, shape: array.shape, dtype: 'float32' }, layout);
    const view = asChannelsLast(sample.values as Float32Array, sample.shape, layout);
    const [height, width, channels] = view.shape.length === 3 ? view.shape : [view.shape[0]!, view.shape[1] ?? 1, 1];
    const channelAxis = { name: 'channel', labels: CHANNEL_NAMES[channels!] ?? Array.from({ length: channels! }, (_, c) => `c${c}`) };
    const spatial = [{ name: 'y', unit: 'px', start: 0, step: 1 }, { name: 'x', unit: 'px', start: 0, step: 1 }];
    return {
      modality: 'image',
      samples: [sample],
      axes: view.shape.length !== 3 ? spatial : layout === 'channels-first' ? [channelAxis, ...spatial] : [...spatial, channelAxis],
      metadata: { file: file.name, height, width, channels, shape: sample.shape, layout },
    };
  },

  async preview(input: DecodedInput): Promise<Artefact> {
    const { values, shape } = channelsLastSample(input);
    const [h, w, c = 1] = shape;
    const rgb = rgbOf(values as Float32Array, c);
    const rgba = new Uint8Array(h! * w! * 4);
    for (let p = 0; p < h! * w!; p++) {
      for (let k = 0; k < 3; k++) rgba[p * 4 + k] = Math.round(255 * Math.min(1, Math.max(0, rgb[p * 3 + k]!)));
      rgba[p * 4 + 3] = 255;
    }
    const png = encodePng(upscaleNearest({ rgba, width: w!, height: h! }, displayFactor(h!, w!)));
    return { name: 'input.png', mediaType: 'image/png', description: 'the input image', bytes: png };
  },

  async artefacts(input, relevance, given = {}): Promise<Artefact[]> {
    const options = checkedOptions(IMAGE_OPTIONS, given, "modality 'image'");
    const layout = input.samples[0]!.layout;
    const { values, shape } = asChannelsLast(relevance.relevances[0]!.values, relevance.relevances[0]!.shape, layout);
    const [h, w, c = 1] = shape;
    const map = c > 1 ? reduceChannels(values, [h!, w!, c], 'sum') : values;
    const render = {
      colormap: (options.colormap ?? 'bwr') as ColormapName,
      mode: options.mode ?? 'signed',
      clipPercentile: options.clipPercentile,
      upscale: displayFactor(h!, w!),
    };
    const indexed = renderHeatmapIndexed(map, h!, w!, render);
    const heat = renderHeatmap(map, h!, w!, { ...render, upscale: 1 });
    const image = channelsLastSample(input);
    const overlay = overlayHeatmap(rgbOf(image.values, image.shape[2] ?? 1), heat, options.alpha ?? 0.6);
    return [
      { name: 'heatmap.png', mediaType: 'image/png', description: `relevance heatmap (${render.colormap}, ${render.mode}; palette PNG)`, bytes: encodeIndexedPng(indexed) },
      { name: 'overlay.png', mediaType: 'image/png', description: 'heatmap over the input image', bytes: encodePng(upscaleNearest(overlay, render.upscale)) },
      relevanceArtefact(relevance, { scale: indexed.scale, layout: layout ?? 'channels-last' }),
    ];
  },
};

/** The decoded image as [height, width, channels] (whatever the model's layout). */
function channelsLastSample(input: DecodedInput): { values: Float32Array; shape: number[] } {
  const sample = input.samples[0]!;
  return asChannelsLast(sample.values as Float32Array, sample.shape, sample.layout as InputLayout | undefined);
}

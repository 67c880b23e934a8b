import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  CHANNEL_REDUCTIONS, COLORMAP_NAMES, HEATMAP_MODES, InvalidArgumentError, overlayHeatmap, reduceChannels, relevanceJson, renderHeatmap, upscaleNearest, writeFileAtomic, writeHeatmapPng, writePng,
  type ChannelReduction, type ColormapName, type ExplainResult, type HeatmapMode, type RenderOptions,
} from '@xai/core';

export interface RenderFlags {
  colormap?: string;
  reduce: string;
  clip?: number;
  mode: string;
  scale: number;
}

/** Checks the rendering flags before anything runs, so a typo costs no explanation. */
export function checkRenderFlags(flags: RenderFlags): void {
  const oneOf = (flag: string, value: string | undefined, valid: readonly string[]) => {
    if (value !== undefined && !valid.includes(value)) throw new InvalidArgumentError(`${flag} ${value} is not one of ${valid.join(', ')}`);
  };
  oneOf('--colormap', flags.colormap, COLORMAP_NAMES);
  oneOf('--mode', flags.mode, HEATMAP_MODES);
  oneOf('--reduce', flags.reduce, CHANNEL_REDUCTIONS);
  if (flags.clip !== undefined && !(flags.clip > 0 && flags.clip <= 100)) throw new InvalidArgumentError(`--clip is a percentile in (0, 100], got ${flags.clip}`);
  if (!(Number.isInteger(flags.scale) && flags.scale >= 1 && flags.scale <= 64)) throw new InvalidArgumentError(`--scale is a whole upscaling factor from 1 to 64, got ${flags.scale}`);
}

const renderOptions = (flags: RenderFlags): RenderOptions => ({
  colormap: flags.colormap as ColormapName | undefined,
  mode: flags.mode as HeatmapMode,
  clipPercentile: flags.clip,
  upscale: flags.scale,
});

/** The relevance as a 2-D map: images reduce their channels; signals [T, C] become C rows × T columns. */
function relevanceMap(values: Float32Array, shape: readonly number[], reduce: string): { map: Float32Array; height: number; width: number } {
  if (shape.length === 3) return { map: reduceChannels(values, shape as [number, number, number], reduce as ChannelReduction), height: shape[0]!, width: shape[1]! };
  if (shape.length === 2) {
    const [t, c] = shape as [number, number];
    const map = new Float32Array(t * c);
    for (let i = 0; i < t; i++) for (let k = 0; k < c; k++) map[k * t + i] = values[i * c + k]!;
    return { map, height: c, width: t };
  }
  if (shape.length === 1) return { map: Float32Array.from(values), height: 1, width: shape[0]! };
  throw new InvalidArgumentError(`PNG heatmaps are drawn for images, signals and sequences; relevance of shape [${shape}] can be written with --json`);
}

/** [C, ...S] → [...S, C]. */
function channelsLast(values: Float32Array, shape: readonly number[]): { values: Float32Array; shape: number[] } {
  const [c, ...rest] = shape as number[];
  const n = rest.reduce((a, b) => a * b, 1);
  const out = new Float32Array(values.length);
  for (let k = 0; k < c!; k++) for (let i = 0; i < n; i++) out[i * c! + k] = values[k * n + i]!;
  return { values: out, shape: [...rest, c!] };
}

/** Writes the requested heatmap, overlay and JSON for one explanation; returns the paths written. */
export async function writeOutputs(
  result: ExplainResult,
  input: { values: Float32Array; shape: number[] },
  file: string,
  outputs: { out?: string; json?: string; overlay?: string },
  flags: RenderFlags,
  /** The relevance is channels-first (an ONNX model's layout): drawn after moving channels last. */
  channelsFirst = false,
): Promise<string[]> {
  const values = result.relevance.dataSync() as Float32Array;
  const shape = result.relevance.shape;
  const drawn = channelsFirst && shape.length >= 2 ? channelsLast(values, shape) : { values, shape };
  const written: string[] = [];
  for (const path of [outputs.out, outputs.overlay, outputs.json]) if (path) await mkdir(dirname(path), { recursive: true });
  if (outputs.out || outputs.overlay) {
    const { map, height, width } = relevanceMap(drawn.values, drawn.shape, flags.reduce);
    if (outputs.out) {
      // A palette PNG: the colormap can be swapped later by replacing its PLTE chunk.
      await writeHeatmapPng(outputs.out, map, height, width, renderOptions(flags));
      written.push(outputs.out);
    }
    if (outputs.overlay) {
      if (input.shape.length !== 3 || ![1, 3].includes(input.shape[2]!)) {
        throw new InvalidArgumentError(`--overlay needs an image input ([H, W, 1|3]); '${file}' has shape [${input.shape}]`);
      }
      const rgb = input.shape[2] === 3 ? input.values : Float32Array.from({ length: input.values.length * 3 }, (_, i) => input.values[Math.floor(i / 3)]!);
      const heat = renderHeatmap(map, height, width, { ...renderOptions(flags), upscale: 1 });
      await writePng(outputs.overlay, upscaleNearest(overlayHeatmap(rgb, heat, 0.6), flags.scale));
      written.push(outputs.overlay);
    }
  }
  if (outputs.json) {
    const record = {
      ...relevanceJson({ relevance: values, shape, method: result.method, target: result.targets[0], logits: result.logits.dataSync() as Float32Array, options: result.options }),
      input: file,
      family: result.family,
      elapsedMs: Math.round(result.elapsedMs),
    };
    await writeFileAtomic(outputs.json, JSON.stringify(record));
    written.push(outputs.json);
  }
  return written;
}

/**
 * Video: clips from video files (through ffmpeg), animated GIFs (omggif) and folders of frame
 * images (PNG/JPEG) become model inputs [frames, height, width, channels] in [0, 1]; relevance
 * comes back as per-frame overlays (PNGs, an animated GIF, an MP4 when ffmpeg is there), a contact
 * sheet and the relevance per frame over time (PNG, JSON, CSV).
 */
import { encodePng, HEATMAP_MODES, InvalidArgumentError } from '@xai/core';
import { Type, type Static } from 'typebox';
import type { Artefact, AxisInfo, DecodedInput, InputFile, ModalityAdapter, ModelInputSpec, RelevanceOf } from '../adapter.js';
import { asObjectSchema, checkedOptions, OptionsObject, StringEnum } from '../adapter-options.js';
import { asChannelsLast, channelsLastSpec, LAYOUT_OPTION, resolveLayout, sampleInLayout } from '../layout.js';
import { relevanceArtefact, textArtefact } from '../artefacts.js';
import { clipValues, resolveClipShape } from './clip-shape.js';
import { contactSheet } from './contact-sheet.js';
import { videoDemoInputs, videoDemoModels } from './demo.js';
import { InvalidVideoError } from './errors.js';
import { openFfmpegSource } from './ffmpeg-decode.js';
import { ffmpegBinaries, type FfmpegBinaries } from './ffmpeg-process.js';
import { DEFAULT_FRAME_RATE, isFrameImage, openFrameFolder } from './frame-folder.js';
import type { FrameSource } from './frames.js';
import { openGifSource } from './gif-read.js';
import { encodeAnimatedGif } from './gif-write.js';
import { encodeMp4 } from './mp4-write.js';
import { defaultUpscale, frameMaps, plainFrames, relevanceOverlays } from './overlays.js';
import { RESIZE_METHODS, resizeFrame, resolveResize, type ResizeMethod } from './resize.js';
import { selectFrames } from './sampling.js';
import { temporalCsv, temporalView, temporalPlot, temporalRelevance } from './temporal-relevance.js';

export const VIDEO_EXTENSIONS = ['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.mpg', '.mpeg', '.ogv', '.gif'] as const;
/** Per-frame overlay PNGs are written for clips up to this many frames (the GIF/MP4 hold them all). */
const FRAME_PNG_LIMIT = 32;
/** Relevance JSON (every value as text) is added only up to this many values. */
const JSON_LIMIT = 1 << 18;

/** Decoding state the artefacts need. */
export interface VideoInternal {
  readonly file: string;
  /** The sampled, resized frames as RGB in [0, 1] (also for grey models: what is drawn). */
  readonly rgbFrames: Float32Array[];
  readonly times: number[];
  readonly sourceFrames: number[];
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  /** Playback rate of the clip's artefacts. */
  readonly fps: number;
  readonly ffmpeg: FfmpegBinaries;
}

type SourceKind = 'video' | 'gif' | 'frames';

function sourceKind(files: readonly InputFile[]): SourceKind {
  const first = files[0]!.name.toLowerCase();
  if (files.every((f) => isFrameImage(f.name))) return 'frames';
  if (first.endsWith('.gif')) return 'gif';
  if (isFrameImage(first)) throw new InvalidVideoError(files.find((f) => !isFrameImage(f.name))!.name, 'a frame folder may hold only PNG/JPEG frames');
  return 'video';
}

/** The clip's playback rate: its sampling rate when the samples are evenly spaced, else the source's. */
function playbackFps(times: readonly number[], sourceFps: number): number {
  if (times.length < 2) return sourceFps;
  const step = (times[times.length - 1]! - times[0]!) / (times.length - 1);
  const even = step > 0 && times.every((t, k) => Math.abs(t - times[0]! - k * step) < 1e-6);
  return even ? 1 / step : sourceFps;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

function timeAxis(times: readonly number[], fps: number): AxisInfo {
  const step = 1 / fps;
  const even = times.every((t, k) => Math.abs(t - times[0]! - k * step) < 1e-6);
  return even ? { name: 'time', unit: 's', start: round(times[0] ?? 0), step: round(step) } : { name: 'time', unit: 's', labels: times.map((t) => `${round(t)} s`) };
}

async function openSource(kind: SourceKind, files: readonly InputFile[], options: VideoOptions, bin: FfmpegBinaries): Promise<FrameSource & { close?(): Promise<void> }> {
  if (kind === 'frames') return openFrameFolder(files, options.frameRate ?? DEFAULT_FRAME_RATE);
  if (kind === 'gif') return openGifSource(files[0]!.bytes, files[0]!.name);
  return openFfmpegSource(files[0]!.bytes, files[0]!.name, bin);
}

const VIDEO_OPTIONS = OptionsObject({
  fps: Type.Number({ exclusiveMinimum: 0, description: 'sample the clip at this rate (frames per second); default: the source frames' }),
  start: Type.Number({ minimum: 0, default: 0, description: 'first second sampled' }),
  end: Type.Number({ exclusiveMinimum: 0, description: 'sampling stops before this second (default: the end)' }),
  frames: Type.Integer({ minimum: 1, description: "number of frames (default: the model's; without fps they are spread evenly over start…end)" }),
  width: Type.Integer({ minimum: 1, description: "frame width in pixels (default: the model's, else the source's)" }),
  height: Type.Integer({ minimum: 1, description: "frame height in pixels (default: the model's, else the source's)" }),
  resize: StringEnum(RESIZE_METHODS, { default: 'auto', description: 'bilinear, area (box average, for shrinking) or auto (area when shrinking)' }),
  frameRate: Type.Number({ exclusiveMinimum: 0, default: DEFAULT_FRAME_RATE, description: 'frames per second of a folder of frame images' }),
  ffmpeg: Type.String({ description: 'path of the ffmpeg executable (default: $XAI_FFMPEG, else ffmpeg on PATH)' }),
  ffprobe: Type.String({ description: 'path of ffprobe (default: next to ffmpeg)' }),
  layout: LAYOUT_OPTION,
  // the artefacts
  colormap: Type.String({ default: 'bwr', description: "overlay colormap (bwr, coldnhot, hot, …); 'hot' suits the unsigned modes" }),
  mode: StringEnum(HEATMAP_MODES, { default: 'signed', description: 'which relevance the overlays show' }),
  clipPercentile: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'colour scale at this percentile over the whole clip (default: its maximum)' }),
  alpha: Type.Number({ minimum: 0, maximum: 1, default: 0.8, description: 'overlay opacity at the strongest relevance (weaker relevance is more transparent)' }),
  upscale: Type.Integer({ minimum: 1, maximum: 16, description: 'enlargement of the frames in the artefacts (default: at least 96 px)' }),
  columns: Type.Integer({ minimum: 1, default: 6, description: 'frames per row of the contact sheet' }),
  frameImages: Type.Boolean({ default: true, description: `one overlay PNG per frame (clips up to ${FRAME_PNG_LIMIT} frames)` }),
  mp4: Type.Boolean({ default: true, description: 'also encode the overlays as MP4 (needs ffmpeg; skipped with a note otherwise)' }),
});
export type VideoOptions = Static<typeof VIDEO_OPTIONS>;

export const videoAdapter: ModalityAdapter = {
  name: 'video',
  description: 'video clips (MP4, MKV, WebM, AVI, MOV via ffmpeg; animated GIF; folders of PNG/JPEG frames): per-frame overlays, contact sheet, GIF/MP4, relevance over time',
  extensions: [...VIDEO_EXTENSIONS],
  demos: { models: videoDemoModels, inputs: videoDemoInputs },
  options: asObjectSchema(VIDEO_OPTIONS),

  async decode(files: readonly InputFile[], given = {}, model?: readonly ModelInputSpec[]): Promise<DecodedInput> {
    const options = checkedOptions(VIDEO_OPTIONS, given, "modality 'video'", false);
    if (files.length === 0) throw new InvalidArgumentError('no input files given');
    const kind = sourceKind(files);
    const file = kind === 'frames' ? `${files.length} frame images` : files[0]!.name;
    const resize: ResizeMethod = options.resize ?? 'auto';
    const bin = ffmpegBinaries(options);
    const source = await openSource(kind, files, options, bin);
    try {
      // Channels-first models (PyTorch video networks) take [C, T, H, W]; the clip is built [T, H, W, C] and moved.
      const layout = resolveLayout({ spec: model?.[0], stated: options.layout, rank: 4, fits: (c) => c === 1 || c === 3, gives: 'video frames give 3 (RGB) or 1 (grey) channels', what: file });
      const shape = resolveClipShape({ frames: options.frames, width: options.width, height: options.height }, source, channelsLastSpec(model?.[0], layout));
      const selection = selectFrames(source.timeline, { start: options.start, end: options.end, fps: options.fps, frames: shape.frames }, file);
      const raw = await source.read(selection.indices);
      const rgbFrames = raw.map((f) => resizeFrame(f, shape.width, shape.height, resize).rgb);
      const values = clipValues(rgbFrames, shape.height, shape.width, shape.channels);
      const fps = playbackFps(selection.times, source.timeline.fps);
      const repeated = selection.indices.length - new Set(selection.indices).size;
      const sample = sampleInLayout({ values, shape: [rgbFrames.length, shape.height, shape.width, shape.channels], dtype: 'float32' }, layout);
      const sampleShape = [...sample.shape];
      const channelAxis: AxisInfo = { name: 'channel', labels: shape.channels === 3 ? ['red', 'green', 'blue'] : ['luma'] };
      const clipAxes: AxisInfo[] = [timeAxis(selection.times, fps), { name: 'y', unit: 'px', start: 0, step: 1 }, { name: 'x', unit: 'px', start: 0, step: 1 }];
      return {
        modality: 'video',
        samples: [sample],
        axes: layout === 'channels-first' ? [channelAxis, ...clipAxes] : [...clipAxes, channelAxis],
        metadata: {
          file,
          source: { kind, width: source.width, height: source.height, fps: round(source.timeline.fps), duration: round(source.timeline.duration), frames: source.timeline.starts.length, ...source.info },
          range: { start: round(selection.start), end: round(selection.end) },
          sampledFrames: selection.indices,
          sampleTimes: selection.times.map(round),
          repeatedFrames: repeated,
          resize: source.width === shape.width && source.height === shape.height ? 'none' : resolveResize(resize, source, shape),
          shape: sampleShape,
          layout,
          fps: round(fps),
        },
        internal: { file, rgbFrames, times: selection.times, sourceFrames: selection.indices, height: shape.height, width: shape.width, channels: shape.channels, fps, ffmpeg: bin } satisfies VideoInternal,
      };
    } finally {
      await source.close?.();
    }
  },

  async preview(input: DecodedInput): Promise<Artefact> {
    const v = internalOf(input);
    const frames = plainFrames(v.rgbFrames, v.height, v.width, defaultUpscale(v.height, v.width));
    const sheet = contactSheet(frames, { title: v.file.slice(0, 48), times: v.times });
    return { name: 'input.png', mediaType: 'image/png', description: 'the sampled frames of the clip with their times', bytes: encodePng(sheet) };
  },

  async artefacts(input: DecodedInput, relevance: RelevanceOf, given = {}): Promise<Artefact[]> {
    const options = checkedOptions(VIDEO_OPTIONS, given, "modality 'video'", false);
    const v = internalOf(input);
    const first = relevance.relevances[0];
    if (!first) throw new InvalidArgumentError('no relevance given');
    const T = v.rgbFrames.length;
    const expected = T * v.height * v.width * v.channels;
    if (first.values.length !== expected) {
      throw new InvalidArgumentError(`relevance has ${first.values.length} values (shape [${first.shape.join(', ')}]); the decoded clip is [${input.samples[0]!.shape.join(', ')}]`);
    }
    const layout = input.samples[0]!.layout;
    const rel = layout === 'channels-first' ? asChannelsLast(first.values, [v.channels, T, v.height, v.width], layout) : first;
    const overlays = relevanceOverlays(v.rgbFrames, frameMaps(rel.values, [T, v.height, v.width, v.channels]), v.height, v.width, {
      colormap: options.colormap,
      mode: options.mode,
      clipPercentile: options.clipPercentile,
      alpha: options.alpha,
      upscale: options.upscale,
    });
    const rows = temporalRelevance(rel.values, T, v.times, v.sourceFrames);
    const target = relevance.targetName ?? `class ${relevance.target}`;
    const title = `${relevance.method} - ${target}`;
    const mp4 = options.mp4 === false ? { skipped: 'no MP4: option mp4 is false' } : await encodeMp4(overlays.frames, v.fps, v.ffmpeg);
    const video = 'bytes' in mp4 ? 'overlay.mp4' : mp4.skipped;
    const artefacts: Artefact[] = [
      { name: 'contact-sheet.png', mediaType: 'image/png', description: 'every frame with its relevance overlay, time and share of the temporal relevance |r_t| (r_t = Σ R of the frame), and the colour scale', bytes: encodePng(contactSheet(overlays.frames, { title: title.slice(0, 48), times: v.times, columns: options.columns, shares: rows.map((r) => r.share), scale: overlays })) },
      { name: 'temporal-relevance.png', mediaType: 'image/png', description: 'relevance per frame over time: signed r_t = Σ R relative to Σ_t |r_t|, and the share of Σ |R|', bytes: encodePng(temporalPlot(rows, `relevance over time - ${target}`)) },
      textArtefact('temporal-relevance.json', 'application/json', 'relevance per frame: r_t = Σ R, Σ |R|, Σ R⁺, share of Σ_t |r_t|, share of Σ |R|, source frame and time', JSON.stringify(temporalView(rows, {
        file: v.file, method: relevance.method, target: relevance.target, targetName: relevance.targetName, logits: relevance.logits && [...relevance.logits], fps: v.fps, colourRange: overlays.range, mp4: video,
      }), null, 2)),
      textArtefact('temporal-relevance.csv', 'text/csv', 'relevance per frame (one row per frame)', temporalCsv(rows)),
      { name: 'overlay.gif', mediaType: 'image/gif', description: `the overlays as an animated GIF at ${round(v.fps)} fps${'bytes' in mp4 ? '' : ` (${mp4.skipped})`}`, bytes: encodeAnimatedGif(overlays.frames, { delayCs: 100 / v.fps }) },
    ];
    if ('bytes' in mp4) artefacts.push({ name: 'overlay.mp4', mediaType: 'video/mp4', description: `the overlays as H.264 MP4 at ${round(v.fps)} fps`, bytes: mp4.bytes });
    if (options.frameImages !== false && T <= FRAME_PNG_LIMIT) {
      const digits = String(T - 1).length;
      overlays.frames.forEach((frame, t) => {
        artefacts.push({ name: `overlay-frame-${String(t).padStart(digits, '0')}.png`, mediaType: 'image/png', description: `frame ${t} (${round(v.times[t]!)} s) with its relevance overlay`, bytes: encodePng(frame) });
      });
    }
    if (rel.values.length <= JSON_LIMIT) artefacts.push(relevanceArtefact(relevance, { axes: input.axes.map((a) => a.name), sampleTimes: v.times.map(round), layout: layout ?? 'channels-last' }));
    return artefacts;
  },
};

function internalOf(input: DecodedInput): VideoInternal {
  const internal = input.internal as VideoInternal | undefined;
  if (input.modality !== 'video' || !internal?.rgbFrames) throw new InvalidArgumentError(`the video adapter cannot draw a '${input.modality}' input`);
  return internal;
}

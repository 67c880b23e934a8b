import { encodePng, HEATMAP_MODES, InvalidArgumentError, type ColormapName } from '@xai/core';
import { Type, type Static } from 'typebox';
import { asObjectSchema, checkedOptions, OptionsObject, StringEnum } from '../adapter-options.js';
import type { Artefact, AxisInfo, DecodedInput, InputFile, ModalityAdapter, ModelInputSpec, RelevanceOf } from '../adapter.js';
import { relevanceArtefact, textArtefact } from '../artefacts.js';
import {
  AUDIOMNIST, audioMnistSpectrogram, embedRecording, scaleWaveform, type Placement,
} from './audiomnist.js';
import { InvalidAudioError } from './audio-error.js';
import { audioDemoInputs, audioDemoModels } from './demo.js';
import { timeFrequencyFigure, waveformFigure, type ColourScale } from './figures.js';
import { resample } from '../dsp/resample.js';
import { channelsLastSpec, LAYOUT_OPTION, resolveLayout, sampleInLayout } from '../layout.js';
import { recordingTimeRelevance, spreadFrames, sumOverFrequency, timeRelevanceCsv } from './time-relevance.js';
import { audioView } from './view-json.js';
import { readWav, type WavAudio } from './wav.js';

export type AudioRepresentation = 'spectrogram' | 'waveform';

/** What `decode` keeps for drawing artefacts (DecodedInput.internal of the audio adapter). */
export interface AudioInternal {
  readonly representation: AudioRepresentation;
  /** The model's window at `rate`, before scaling (zero padding around the recording). */
  readonly window: Float32Array;
  readonly rate: number;
  /** Window index of the recording's first sample (negative: the recording was cropped). */
  readonly offset: number;
  /** The recording as read. */
  readonly recording: { readonly sampleRate: number; readonly duration: number; readonly frames: number };
  /** Spectrogram only: dB values [bin][frame], Hz per bin, window seconds per frame, window sample at each frame's centre. */
  readonly spectrogram?: { readonly db: Float32Array; readonly frequencies: Float64Array; readonly times: Float64Array; readonly centres: Int32Array };
}

const DECODE_OPTIONS = OptionsObject({
  representation: StringEnum(['spectrogram', 'waveform'], {
    description: "model input: AudioMNIST [227, 227, 1] dB spectrogram or [n, 1] waveform; default from the model's input shape",
  }),
  placement: StringEnum(['center', 'random'], {
    default: 'center',
    description: 'where the recording goes in the fixed-length window (center for inference, random as in training)',
  }),
  offset: Type.Integer({ description: 'window index of the recording\'s first sample (overrides placement; negative crops the start)' }),
  seed: Type.Integer({ default: 0, description: "seed of placement 'random'" }),
  scaling: StringEnum(['db-unit', 'db'], {
    default: 'db-unit',
    description: "spectrogram values: 'db' = librosa dB re max in [-80, 0] (AudioMNIST); 'db-unit' = (dB + 80)/80 in [0, 1]",
  }),
  waveformScaling: StringEnum(['peak', 'p95', 'none'], {
    default: 'peak',
    description: "waveform values: 'peak' divides by max |x|, 'p95' by the 95th percentile + 0.001 (AudioMNIST), 'none' keeps [-1, 1)",
  }),
  sampleRate: Type.Number({ exclusiveMinimum: 0, default: AUDIOMNIST.sampleRate, description: 'waveform models: their sample rate in Hz (spectrograms are fixed at 8000)' }),
  layout: LAYOUT_OPTION,
});
export type AudioDecodeOptions = Static<typeof DECODE_OPTIONS>;

const RENDER_OPTIONS = OptionsObject({
  colormap: Type.String({ default: 'bwr', description: 'colormap of the relevance heatmap and waveform tint' }),
  mode: StringEnum(HEATMAP_MODES, { default: 'signed', description: 'which relevance is coloured' }),
  clipPercentile: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'colour scale at this percentile of |R|' }),
  windowSeconds: Type.Number({ exclusiveMinimum: 0, default: 0.02, description: 'length of the time windows of relevance-time.csv/json, seconds' }),
});
export type AudioRenderOptions = Static<typeof RENDER_OPTIONS>;

/** Which representation a model input shape asks for, and the waveform length. */
function representationFor(file: string, spec: ModelInputSpec | undefined, requested: AudioRepresentation | undefined): { representation: AudioRepresentation; length: number } {
  const shape = spec?.shape;
  const { bins, frames, length } = AUDIOMNIST;
  const isSpectrogram = shape?.length === 3 && shape[0] === bins && shape[1] === frames && shape[2] === 1;
  const isWaveform = shape !== undefined && shape.length === 2 && shape[1] === 1;
  const waveformLength = isWaveform && shape[0] !== null ? shape[0]! : length;
  if (requested === 'spectrogram' || (!requested && (isSpectrogram || !shape))) {
    if (shape && !isSpectrogram) throw new InvalidArgumentError(`${file}: representation 'spectrogram' gives [${bins}, ${frames}, 1], the model expects [${shape.join(', ')}]`);
    return { representation: 'spectrogram', length };
  }
  if (requested === 'waveform' || isWaveform) {
    if (shape && !isWaveform) throw new InvalidArgumentError(`${file}: representation 'waveform' gives [n, 1], the model expects [${shape.join(', ')}]`);
    return { representation: 'waveform', length: waveformLength };
  }
  throw new InvalidArgumentError(
    `${file}: audio models take a [${bins}, ${frames}, 1] spectrogram or an [n, 1] waveform; this model expects [${shape!.join(', ')}]`,
  );
}

const internalOf = (input: DecodedInput): AudioInternal => {
  const internal = input.internal as AudioInternal | undefined;
  if (input.modality !== 'audio' || !internal?.window) throw new InvalidArgumentError(`not an input decoded by the audio adapter (modality '${input.modality}')`);
  return internal;
};

/** Recording start and end on the recording's time axis, for the dashed marks. */
const marksOf = (internal: AudioInternal) => [0, internal.recording.duration];

function colourOf(options: AudioRenderOptions): ColourScale {
  return {
    colormap: (options.colormap ?? 'bwr') as ColormapName,
    mode: options.mode ?? 'signed',
    ...(options.clipPercentile !== undefined ? { clipPercentile: options.clipPercentile } : {}),
  };
}

/** Relevance of each window sample: itself (waveform) or its frame's, spread over the hop (spectrogram). */
function sampleRelevanceOf(internal: AudioInternal, values: Float32Array): Float32Array {
  if (internal.representation === 'waveform') return values;
  const perFrame = sumOverFrequency(values, AUDIOMNIST.bins, AUDIOMNIST.frames);
  return spreadFrames(perFrame, internal.spectrogram!.centres, AUDIOMNIST.hop, internal.window.length);
}

/**
 * Audio (WAV): AudioMNIST pre-processing (resample to 8 kHz, embed in a 1 s window, 455/420 Hann
 * STFT → 227 × 227 dB spectrogram, or the raw waveform), relevance as a time–frequency heatmap,
 * a waveform tinted by relevance, and relevance per time window of the recording.
 */
export const audioAdapter: ModalityAdapter = {
  defaultExplanation: { method: 'lrp', options: { composite: 'epsilon_plus' }, why: 'epsilon_plus puts 0.90 (spectrogram) and 0.996 (waveform) of |R| in voiced frames in the audio demo’s ground-truth check' },
  name: 'audio',
  demos: { models: audioDemoModels, inputs: audioDemoInputs },
  description: 'audio recordings (WAV: 8/16/24/32-bit PCM, 32/64-bit float, any channels): AudioMNIST spectrogram or waveform; time–frequency heatmaps, waveform plots, relevance per time window',
  extensions: ['.wav'],
  options: asObjectSchema(DECODE_OPTIONS),

  async decode(files: readonly InputFile[], options = {}, model?: readonly ModelInputSpec[]): Promise<DecodedInput> {
    if (files.length === 0) throw new InvalidArgumentError('no audio file given');
    const file = files[0]!;
    const opts = checkedOptions(DECODE_OPTIONS, options, `audio decoding of ${file.name}`);
    const wav: WavAudio = readWav(file.bytes, file.name);
    // The one-channel spectrogram or waveform: [1, bins, frames] / [1, n] for channels-first models.
    const layout = resolveLayout({ spec: model?.[0], stated: opts.layout, rank: model?.[0]?.shape.length, fits: (c) => c === 1, gives: 'audio gives one channel (a spectrogram or a waveform)', what: file.name });
    const { representation, length } = representationFor(file.name, channelsLastSpec(model?.[0], layout), opts.representation);
    const rate = representation === 'spectrogram' ? AUDIOMNIST.sampleRate : opts.sampleRate!;
    const signal = resample(wav.samples, wav.sampleRate, rate);
    const placement: Placement = opts.offset !== undefined ? opts.offset : opts.placement!;
    const embedded = embedRecording(signal, length, placement, opts.seed!);
    if (embedded.cropped === signal.length) {
      throw new InvalidAudioError(file.name, `offset ${embedded.offset} puts the whole recording outside the ${length}-sample window`);
    }
    const seconds = (v: number) => Math.round(v * 1e6) / 1e6;
    const startTime = -embedded.offset / rate; // recording time of window sample 0
    const metadata: Record<string, unknown> = {
      file: file.name,
      sampleRate: wav.sampleRate,
      channels: wav.channels,
      bitsPerSample: wav.bitsPerSample,
      encoding: wav.encoding,
      duration: seconds(wav.duration),
      representation,
      modelSampleRate: rate,
      windowSamples: length,
      offsetSamples: embedded.offset,
      offsetSeconds: seconds(embedded.offset / rate),
      placement: typeof placement === 'number' ? 'offset' : placement,
      croppedSamples: embedded.cropped,
      timeBase: 'seconds of the recording (negative or beyond its duration: zero padding)',
    };
    let sample: { values: Float32Array; shape: number[] };
    let axes: AxisInfo[];
    let spectrogram: AudioInternal['spectrogram'];
    if (representation === 'spectrogram') {
      const spec = audioMnistSpectrogram(embedded.window, opts.scaling!);
      const { bins, frames, firstFrame, hop, windowLength, overlap, topDb } = AUDIOMNIST;
      sample = { values: spec.values, shape: [bins, frames, 1] };
      axes = [
        { name: 'frequency', unit: 'Hz', start: 0, step: rate / windowLength },
        { name: 'time', unit: 's', start: seconds(startTime + spec.times[0]!), step: hop / rate },
        { name: 'channel', labels: [opts.scaling === 'db' ? 'dB' : '(dB + 80)/80'] },
      ];
      spectrogram = {
        db: spec.db,
        frequencies: spec.frequencies,
        times: spec.times,
        centres: Int32Array.from({ length: frames }, (_, j) => (j + firstFrame) * hop),
      };
      metadata.spectrogram = {
        window: 'hann (periodic)', windowLength, overlap, hop, bins, frames, firstFrame, topDb,
        scaling: opts.scaling, frequencyStepHz: rate / windowLength, frameStepSeconds: hop / rate,
        firstFrameSeconds: seconds(startTime + spec.times[0]!),
      };
    } else {
      const values = scaleWaveform(embedded.window, opts.waveformScaling!);
      sample = { values, shape: [length, 1] };
      axes = [{ name: 'time', unit: 's', start: seconds(startTime), step: 1 / rate }, { name: 'channel', labels: ['amplitude'] }];
      metadata.waveformScaling = opts.waveformScaling;
    }
    const internal: AudioInternal = {
      representation,
      window: embedded.window,
      rate,
      offset: embedded.offset,
      recording: { sampleRate: wav.sampleRate, duration: wav.duration, frames: wav.frames },
      ...(spectrogram ? { spectrogram } : {}),
    };
    metadata.layout = layout;
    return {
      modality: 'audio',
      samples: [sampleInLayout({ values: sample.values, shape: sample.shape, dtype: 'float32' }, layout)],
      axes: layout === 'channels-first' ? [axes[axes.length - 1]!, ...axes.slice(0, -1)] : axes,
      metadata,
      internal,
    };
  },

  async preview(input: DecodedInput): Promise<Artefact> {
    const internal = internalOf(input);
    const name = String(input.metadata.file ?? 'input');
    const startTime = -internal.offset / internal.rate;
    if (internal.spectrogram) {
      const { db, frequencies, times } = internal.spectrogram;
      const shifted = db.map((v) => v + AUDIOMNIST.topDb); // [0, 80] for a sequential map, labelled back in dB
      const { image } = timeFrequencyFigure({
        map: shifted, bins: AUDIOMNIST.bins, frames: AUDIOMNIST.frames, frequencies,
        times: times.map((t) => t + startTime),
        colour: { colormap: 'viridis', mode: 'positive', scale: AUDIOMNIST.topDb },
        labelShift: -AUDIOMNIST.topDb,
        title: `${name}  spectrogram (dB)`,
        marks: marksOf(internal),
      });
      return { name: 'spectrogram.png', mediaType: 'image/png', description: 'the input spectrogram in dB (Hz up, seconds of the recording across)', bytes: encodePng(image) };
    }
    const { image } = waveformFigure({
      samples: internal.window, sampleRate: internal.rate, startTime,
      colour: { colormap: 'bwr', mode: 'signed' }, title: `${name}  waveform`, marks: marksOf(internal),
    });
    return { name: 'waveform.png', mediaType: 'image/png', description: 'the input waveform (seconds of the recording)', bytes: encodePng(image) };
  },

  async artefacts(input: DecodedInput, relevance: RelevanceOf, options = {}): Promise<Artefact[]> {
    const internal = internalOf(input);
    const opts = checkedOptions(RENDER_OPTIONS, options, 'audio rendering');
    const colour = colourOf(opts);
    const first = relevance.relevances[0];
    const expected = input.samples[0]!.shape;
    if (!first || first.values.length !== expected.reduce((a, b) => a * b, 1)) {
      throw new InvalidArgumentError(`relevance has ${first?.values.length ?? 0} values, the decoded audio input has shape [${expected.join(', ')}]`);
    }
    const name = String(input.metadata.file ?? 'input');
    const label = relevance.targetName ?? String(relevance.target);
    const title = `${relevance.method}  target ${label}`;
    const startTime = -internal.offset / internal.rate;
    const artefacts: Artefact[] = [];
    let scale: number | undefined;

    if (internal.spectrogram) {
      const fig = timeFrequencyFigure({
        map: first.values, bins: AUDIOMNIST.bins, frames: AUDIOMNIST.frames,
        frequencies: internal.spectrogram.frequencies,
        times: internal.spectrogram.times.map((t) => t + startTime),
        colour, title, marks: marksOf(internal),
      });
      scale = fig.scale;
      artefacts.push({
        name: 'relevance-spectrogram.png', mediaType: 'image/png',
        description: `time–frequency relevance heatmap (${colour.colormap}, ${colour.mode}; Hz up, seconds of ${name} across, dashed: recording start/end)`,
        bytes: encodePng(fig.image),
      });
    }
    const perSample = sampleRelevanceOf(internal, first.values);
    const wave = waveformFigure({ samples: internal.window, sampleRate: internal.rate, startTime, relevance: perSample, colour, title, marks: marksOf(internal) });
    artefacts.push({
      name: 'waveform.png', mediaType: 'image/png',
      description: `waveform of ${name} over relevance per pixel column (${colour.colormap}; seconds of the recording)`,
      bytes: encodePng(wave.image),
    });

    const timeRel = recordingTimeRelevance(perSample, {
      rate: internal.rate, offset: internal.offset, duration: internal.recording.duration, recordingRate: internal.recording.sampleRate,
    }, opts.windowSeconds!);
    artefacts.push(textArtefact('relevance-time.csv', 'text/csv', `relevance per ${opts.windowSeconds} s window in seconds and samples of ${name}`, timeRelevanceCsv(timeRel)));
    artefacts.push(textArtefact('relevance-time.json', 'application/json', `relevance per time window of ${name}, with the relevance on the zero padding`, JSON.stringify({
      format: 'xai-audio-time-relevance',
      file: name,
      sampleRate: internal.recording.sampleRate,
      duration: internal.recording.duration,
      offsetSeconds: internal.offset / internal.rate,
      representation: internal.representation,
      method: relevance.method,
      target: relevance.target,
      ...(relevance.targetName !== undefined ? { targetName: relevance.targetName } : {}),
      ...timeRel,
    })));
    const view = audioView({
      file: name, representation: internal.representation, window: internal.window, rate: internal.rate, offset: internal.offset,
      recording: { duration: internal.recording.duration, sampleRate: internal.recording.sampleRate },
      ...(internal.spectrogram ? { frameTimes: internal.spectrogram.times.map((t) => t + startTime) } : {}),
    }, { values: first.values, perSample, method: relevance.method, target: relevance.target, ...(relevance.targetName !== undefined ? { targetName: relevance.targetName } : {}) });
    artefacts.push(textArtefact('audio-view.json', 'application/json', `numbers for interactive views: spectrogram relevance with Hz/s axes, waveform envelope and relevance per column (seconds of ${name})`, JSON.stringify(view)));
    artefacts.push(relevanceArtefact(relevance, {
      modality: 'audio',
      representation: internal.representation,
      axes: input.axes,
      offsetSamples: internal.offset,
      layout: input.samples[0]!.layout ?? 'channels-last',
      ...(scale !== undefined ? { scale } : { scale: wave.scale }),
    }));
    return artefacts;
  },
};

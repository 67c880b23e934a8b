/**
 * The EEG modality: EDF/EDF+/BDF/BDF+ and BrainVision recordings in, an epoch as the model's input,
 * and relevance back as the views of the field (channel × time map with annotations, scalp
 * topographies, relevance per channel and per frequency band, CSV) and as an EDF+ recording.
 */
import { InvalidArgumentError } from '@xai/core';
import type { Artefact, AxisInfo, DecodedInput, InputFile, ModalityAdapter, ModelInputSpec, RelevanceOf } from '../adapter.js';
import { relevanceArtefact, textArtefact } from '../artefacts.js';
import { EEG_DEMO_EPOCH, EEG_DEMO_INPUTS, EEG_DEMO_MODELS } from './demo.js';
import { relevanceEdf } from './relevance-edf.js';
import { type Epoch, type EpochSpec, defaultChannels, extractEpochs, findEvents, selectChannels } from './preprocess.js';
import { eegModelInfo, EEG_UNITS, type EegUnit } from './model-metadata.js';
import { readRecording } from './read-recording.js';
import { bandRelevance, EEG_BANDS } from './spectral.js';
import { renderBandTable, renderChannelBars } from './views/channel-bands.js';
import { renderChannelTime } from './views/channel-time.js';
import { placedChannels, renderTopomaps } from './views/topomap.js';
import { renderTraces } from './views/traces.js';
import { eegView } from './view-json.js';
import { HEATMAP_MODES, type ColormapName } from '@xai/core';
import { Type, type Static } from 'typebox';
import { asObjectSchema, checkedOptions, OptionsObject, StringEnum } from '../adapter-options.js';

/**
 * How the [channels × time] epoch is laid out in the model's input (without the batch axis):
 * 'channels-time-1' [C, T, 1] (tfjs/Keras EEGNet), '1-channels-time' [1, C, T] (braindecode and
 * PyTorch EEGNet ports: a one-channel image), 'channels-time' [C, T] (PyTorch Conv1d, ONNX
 * channels-first), 'time-channels' [T, C] (Keras Conv1D, channels-last).
 */
export type EegLayout = 'channels-time-1' | '1-channels-time' | 'channels-time' | 'time-channels';
export const EEG_LAYOUTS = ['channels-time-1', '1-channels-time', 'channels-time', 'time-channels'] as const;

/** Sample shape of each layout, from C and T. */
const shapeOf = (layout: EegLayout, C: number, T: number): number[] =>
  ({ 'channels-time-1': [C, T, 1], '1-channels-time': [1, C, T], 'channels-time': [C, T], 'time-channels': [T, C] })[layout];
/** Axis of the shape that holds the channels, and the one that holds time. */
const channelAxisOf = (layout: EegLayout) => ({ 'channels-time-1': 0, '1-channels-time': 1, 'channels-time': 0, 'time-channels': 1 })[layout];
const timeAxisOf = (layout: EegLayout) => ({ 'channels-time-1': 1, '1-channels-time': 2, 'channels-time': 1, 'time-channels': 0 })[layout];

/** What `decode` keeps for drawing the artefacts. */
export interface EegInternal {
  readonly epoch: Epoch;
  readonly layout: EegLayout;
  /** Factor from the epoch's µV to the values fed to the model (1e-6 for a model trained in volts). */
  readonly scale?: number;
  /** Absolute start of the epoch's first sample (null when the file has no start date). */
  readonly epochStart: Date | null;
  readonly file: string;
}

const Pair = (description: string) => Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description });

const EEG_OPTIONS = OptionsObject({
  preset: StringEnum(['none', 'demo'], { default: 'none', description: "'demo': the demo model's pre-processing (16 channels, 0.5–12 Hz, 64 Hz, −0.2…0.8 s around stimuli, baseline)" }),
  channels: Type.Array(Type.String(), { description: "channels in the order the model expects (default: the model's metadata xai.channels, else the first EEG channels); matched by name ignoring case, 'EEG ' prefixes and '-REF'/'-LE' suffixes" }),
  event: Type.String({ description: "annotation to epoch around: its description, or a /regular expression/ (default: none, a window from 'start')" }),
  eventIndex: Type.Integer({ minimum: 0, default: 0, description: 'which of the matching annotations (0 = first)' }),
  start: Type.Number({ minimum: 0, default: 0, description: 'without an event: window start in seconds from the recording start' }),
  tmin: Type.Number({ description: 'epoch start relative to the event in seconds (default −0.2 with an event, 0 without)' }),
  duration: Type.Number({ exclusiveMinimum: 0, description: 'window length in seconds when the model does not fix it (default 10 s, or 1 s after tmin with an event)' }),
  sampleRate: Type.Number({ exclusiveMinimum: 0, description: "the model's sample rate in Hz (default: the model's metadata xai.sfreq, else the recording's); the recording is resampled to it" }),
  unit: StringEnum(Object.keys(EEG_UNITS) as EegUnit[], { description: "unit of the voltages the model was trained on (default: the model's metadata xai.unit, else uV; MNE/braindecode models: V)" }),
  bandpassLow: Type.Number({ minimum: 0, default: 0, description: 'high-pass edge in Hz of the zero-phase Butterworth band-pass (0: none)' }),
  bandpassHigh: Type.Number({ minimum: 0, default: 0, description: 'low-pass edge in Hz (0: none)' }),
  filterOrder: Type.Integer({ minimum: 1, maximum: 10, default: 4, description: 'order of the high- and low-pass parts (applied forward and backward)' }),
  baseline: Pair('baseline interval [from, to] in seconds relative to the event, subtracted per channel'),
  standardize: StringEnum(['none', 'epoch'], { default: 'none', description: "'epoch': each channel to zero mean and unit variance" }),
  layout: StringEnum(['auto', ...EEG_LAYOUTS], { default: 'auto', description: "how the epoch fills the model input: [C, T, 1] (tfjs EEGNet), [1, C, T] (braindecode/PyTorch EEGNet), [C, T] or [T, C]; auto learns it from the model's input shape, its format and its channel count" }),
  colormap: Type.String({ default: 'bwr', description: 'colormap of the relevance views' }),
  mode: StringEnum(HEATMAP_MODES, { default: 'signed', description: 'which relevance the channel × time map shows' }),
  clipPercentile: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'colour scale at this percentile of |R|' }),
  topoWindow: Pair('time window [from, to] in seconds (epoch time) of the topography (default: the whole epoch)'),
  topoSeries: Type.Integer({ minimum: 0, maximum: 12, default: 5, description: 'number of consecutive windows in the topography series (0: none)' }),
});
export type EegOptions = Static<typeof EEG_OPTIONS>;

const shapeText = (shape: readonly (number | null)[]) => `[${shape.map((d) => d ?? 'any').join(', ')}]`;

/** Why `layout` cannot hold the model input `shape` with `channels` channels (null: it can). */
function misfit(layout: EegLayout, shape: readonly (number | null)[], channels: number | undefined): string | null {
  const rank = layout === 'channels-time-1' || layout === '1-channels-time' ? 3 : 2;
  if (shape.length !== rank) return `it has rank ${rank}, the model input ${shapeText(shape)} rank ${shape.length}`;
  const unit = layout === 'channels-time-1' ? shape[2] : layout === '1-channels-time' ? shape[0] : 1;
  if (unit !== null && unit !== 1) return `it puts a feature axis of size 1 where the model input ${shapeText(shape)} has ${unit}`;
  const c = shape[channelAxisOf(layout)];
  if (channels !== undefined && c !== null && c !== undefined && c !== channels) return `it reads ${c} channels from the model input ${shapeText(shape)}, the model's channel list has ${channels}`;
  return null;
}

/**
 * Where the channels go. A stated layout must fit the model's input shape. Otherwise: rank 3 is
 * [C, T, 1] or [1, C, T], whichever has its size-1 axis where the model does (the format decides a
 * tie: ONNX is channels-first); rank 2 is [C, T] or [T, C] by the channel count when the channel
 * list is known, else [C, T] for ONNX and, for tfjs, [T, C] when the first axis is the longer one.
 */
function layoutFor(spec: ModelInputSpec | undefined, channels: number | undefined, option: EegOptions['layout'], file: string): EegLayout {
  const shape = spec?.shape;
  if (option !== undefined && option !== 'auto') {
    const why = shape ? misfit(option, shape, channels) : null;
    if (why) {
      const fitting = EEG_LAYOUTS.find((l) => !misfit(l, shape!, channels));
      throw new InvalidArgumentError(`${file}: layout '${option}' does not fit the model: ${why}${fitting ? `; layout '${fitting}' would` : ''}`);
    }
    return option;
  }
  if (!shape) return 'channels-time-1';
  const channelsFirst = spec?.layout === 'channels-first';
  if (shape.length === 3) {
    const candidates: EegLayout[] = channelsFirst ? ['1-channels-time', 'channels-time-1'] : ['channels-time-1', '1-channels-time'];
    const fitting = candidates.find((l) => !misfit(l, shape, channels)) ?? candidates.find((l) => !misfit(l, shape, undefined));
    if (!fitting) {
      throw new InvalidArgumentError(`${file}: an EEG model input of rank 3 is [C, T, 1] (tfjs EEGNet) or [1, C, T] (braindecode, PyTorch EEGNet); this model's is ${shapeText(shape)}`);
    }
    return fitting;
  }
  if (shape.length !== 2) throw new InvalidArgumentError(`${file}: an EEG model input must have rank 2 or 3 (without the batch axis), got ${shapeText(shape)}`);
  if (channels !== undefined) return shape[1] === channels && shape[0] !== channels ? 'time-channels' : 'channels-time';
  if (channelsFirst) return 'channels-time';
  return (shape[0] ?? 0) > (shape[1] ?? Infinity) ? 'time-channels' : 'channels-time';
}

/** The model's channel list, rate and unit: the options first, then the model's metadata. */
function modelFacts(options: EegOptions, spec: ModelInputSpec | undefined, preset: Partial<EpochSpec>, file: string) {
  const info = eegModelInfo(spec?.metadata, 'the model');
  const from = (option: unknown, key: string | undefined) => (option !== undefined ? 'option' : key ? `metadata ${key}` : undefined);
  const channels = options.channels ?? info.channels ?? preset.channels;
  const sampleRate = options.sampleRate ?? info.sfreq ?? preset.sampleRate;
  const unit: EegUnit = options.unit ?? info.unit ?? 'uV';
  if (options.channels === undefined && info.channels && spec) {
    // The metadata and the input shape must agree about the channel count.
    const shape = spec.shape;
    if (!shape.includes(info.channels.length) && !shape.includes(null)) {
      throw new InvalidArgumentError(`${file}: the model's metadata ${info.keys.channels} lists ${info.channels.length} channels, its input ${shapeText(shape)} has no axis of that size`);
    }
  }
  return {
    channels, sampleRate, unit, classes: info.classes,
    sources: { channels: from(options.channels, info.keys.channels) ?? (preset.channels ? 'preset' : undefined), sampleRate: from(options.sampleRate, info.keys.sfreq) ?? (preset.sampleRate ? 'preset' : undefined), unit: from(options.unit, info.keys.unit) },
  };
}

/** Epoch spec from the options, the model's input shape and what the model says of itself. */
function specFrom(options: EegOptions, model: ModelInputSpec | undefined, file: string): { spec: EpochSpec; event?: string; layout: EegLayout; facts: ReturnType<typeof modelFacts> } {
  const preset = options.preset === 'demo';
  const base: Partial<EpochSpec> = preset ? EEG_DEMO_EPOCH : {};
  const event = options.event ?? (preset ? '/^stimulus\\//' : undefined);
  const facts = modelFacts(options, model, base, file);
  const shape = model?.shape;
  const layout = layoutFor(model, facts.channels?.length, options.layout, file);
  const modelSamples = shape ? shape[timeAxisOf(layout)] ?? undefined : undefined;
  const low = options.bandpassLow || null;
  const high = options.bandpassHigh || null;
  const tmin = options.tmin ?? base.tmin ?? (event ? -0.2 : 0);
  const duration = options.duration;
  const baseline = options.baseline ? (options.baseline as [number, number]) : base.baseline ?? null;
  return {
    event,
    layout,
    facts,
    spec: {
      ...base,
      ...(facts.channels ? { channels: facts.channels } : {}),
      ...(facts.sampleRate !== undefined ? { sampleRate: facts.sampleRate } : {}),
      bandpass: low !== null || high !== null ? [low, high] : base.bandpass ?? null,
      filterOrder: options.filterOrder ?? base.filterOrder ?? 4,
      tmin,
      ...(modelSamples ? { samples: modelSamples } : duration ? { tmax: tmin + duration } : base.samples ? { samples: base.samples } : { tmax: tmin + (event ? 1 : 10) }),
      baseline,
      standardize: options.standardize ?? base.standardize ?? 'none',
    },
  };
}

/** [C × T] epoch data in the model's layout (and back). */
function toLayout(data: Float32Array, C: number, T: number, layout: EegLayout): Float32Array {
  if (layout !== 'time-channels') return data;
  const out = new Float32Array(C * T);
  for (let c = 0; c < C; c++) for (let t = 0; t < T; t++) out[t * C + c] = data[c * T + t]!;
  return out;
}

/** The voltage channels (µV in the epoch) of values in `layout` times `scale` (the model's unit). */
function scaled(values: Float32Array, units: readonly string[], T: number, layout: EegLayout, scale: number): Float32Array {
  const C = units.length;
  const out = Float32Array.from(values);
  for (let c = 0; c < C; c++) {
    if (units[c] !== 'µV') continue;
    for (let t = 0; t < T; t++) out[layout === 'time-channels' ? t * C + c : c * T + t]! *= scale;
  }
  return out;
}

function fromLayout(values: Float32Array, C: number, T: number, layout: EegLayout): Float32Array {
  if (layout !== 'time-channels') return values;
  const out = new Float32Array(C * T);
  for (let c = 0; c < C; c++) for (let t = 0; t < T; t++) out[c * T + t] = values[t * C + c]!;
  return out;
}

const png = (name: string, description: string, bytes: Uint8Array): Artefact => ({ name, mediaType: 'image/png', description, bytes });

function csvNumber(v: number): string {
  return Number.isFinite(v) ? String(Math.fround(v) === v ? v : Number(v.toPrecision(9))) : '';
}

export const eegAdapter: ModalityAdapter = {
  defaultExplanation: { method: 'lrp', options: { rule: 'epsilon', epsilon: 0.25 }, why: 'ε = 0.25 on every layer puts 0.68 of |R| on the planted P300 in the EEG demo’s ground-truth check; epsilon_plus puts 0.28 there' },
  name: 'eeg',
  description: 'EEG recordings (EDF, EDF+, BDF, BDF+, BrainVision): channel × time relevance with annotations, scalp topographies, relevance per channel and frequency band, CSV, and an EDF+ relevance recording',
  extensions: ['.edf', '.bdf', '.vhdr'],
  options: asObjectSchema(EEG_OPTIONS),
  demos: { models: EEG_DEMO_MODELS, inputs: EEG_DEMO_INPUTS },

  async decode(files: readonly InputFile[], given = {}, model?: readonly ModelInputSpec[]): Promise<DecodedInput> {
    const options = checkedOptions(EEG_OPTIONS, given, "modality 'eeg'", false);
    const spec0 = model?.[0];
    const recording = readRecording(files, { channels: undefined });
    const { spec, event, layout, facts } = specFrom(options, spec0, recording.file);
    // Channels: as the options or the model name them (matched by name), or as many EEG channels as the model takes.
    const shape = spec0?.shape;
    const channelCount = shape ? shape[channelAxisOf(layout)] ?? undefined : undefined;
    const channels = spec.channels ?? defaultChannels(recording, channelCount).map((c) => c.label);
    if (channelCount !== undefined && channels.length !== channelCount) {
      throw new InvalidArgumentError(`${recording.file}: the model takes ${channelCount} channels, ${channels.length} were chosen (${channels.join(', ')})`);
    }
    const matched = selectChannels(recording, channels);
    let onset: number;
    let eventInfo: Record<string, unknown> = {};
    if (event) {
      const matches = findEvents(recording, event);
      const index = options.eventIndex ?? 0;
      const hit = matches[index];
      if (!hit) {
        const known = [...new Set(recording.annotations.map((a) => a.description))].slice(0, 20);
        throw new InvalidArgumentError(`${recording.file}: no annotation #${index} matching '${event}' (${matches.length} match; descriptions: ${known.join(', ') || 'none'})`);
      }
      onset = hit.onset;
      eventInfo = { event: hit.description, eventIndex: index, eventOnset: hit.onset, matchingEvents: matches.length };
    } else {
      onset = options.start ?? 0;
    }
    const [epoch] = extractEpochs(recording, [onset], { ...spec, channels: matched.map((c) => c.label) });
    const e = epoch!;
    const C = e.channels.length;
    const T = e.samples;
    const sampleShape = shapeOf(layout, C, T);
    if (shape && shape.some((d, i) => d !== null && d !== sampleShape[i])) {
      throw new InvalidArgumentError(`${recording.file}: decoded shape [${sampleShape.join(', ')}] (layout '${layout}') does not fit the model input ${shapeText(shape)}`);
    }
    const channelAxis: AxisInfo = { name: 'channel', labels: e.channels };
    const timeAxis: AxisInfo = { name: 'time', unit: 's', start: e.tmin, step: 1 / e.sampleRate };
    const feature: AxisInfo = { name: 'feature', labels: ['signal'] };
    const axes = { 'time-channels': [timeAxis, channelAxis], 'channels-time': [channelAxis, timeAxis], 'channels-time-1': [channelAxis, timeAxis, feature], '1-channels-time': [feature, channelAxis, timeAxis] }[layout];
    const epochStart = recording.start ? new Date(recording.start.getTime() + Math.round((onset + e.tmin) * 1000)) : null;
    const scale = EEG_UNITS[facts.unit];
    const internal: EegInternal = { epoch: e, layout, epochStart, file: recording.file, ...(scale !== 1 ? { scale } : {}) };
    const values = toLayout(e.data, C, T, layout);
    return {
      modality: 'eeg',
      samples: [{ values: scale !== 1 ? scaled(values, e.units, T, layout, scale) : values, shape: sampleShape, dtype: 'float32', layout: layout === 'channels-time-1' || layout === 'time-channels' ? 'channels-last' : 'channels-first' }],
      axes,
      metadata: {
        file: recording.file,
        files: files.map((f) => f.name),
        format: recording.format,
        start: recording.start?.toISOString() ?? null,
        recordingDuration: recording.duration,
        recordingChannels: recording.channels.map((c) => ({ label: c.label, unit: c.unit, sampleRate: c.sampleRate })),
        annotations: recording.annotations.length,
        channels: e.channels,
        units: e.units,
        sampleRate: e.sampleRate,
        samples: T,
        tmin: e.tmin,
        windowStart: onset + e.tmin,
        ...eventInfo,
        preprocessing: { bandpass: spec.bandpass, filterOrder: spec.filterOrder, baseline: spec.baseline, standardize: spec.standardize, resampled: matched.some((c) => c.sampleRate !== e.sampleRate) },
        layout,
        channelMapping: channels.map((name, c) => ({ model: name, recording: matched[c]!.label, sampleRate: matched[c]!.sampleRate })),
        modelUnit: facts.unit,
        sources: facts.sources,
      },
      internal,
    };
  },

  async preview(input: DecodedInput): Promise<Artefact> {
    const { epoch, file } = input.internal as EegInternal;
    return png('input.png', 'the decoded epoch: one trace per channel, annotations marked', renderTraces({
      values: epoch.data, channels: epoch.channels, sampleRate: epoch.sampleRate, tmin: epoch.tmin, annotations: epoch.annotations,
      title: `${file}: ${epoch.channels.length} channels, ${epoch.sampleRate} Hz`, unit: epoch.units[0],
    }));
  },

  async artefacts(input, relevance: RelevanceOf, given = {}): Promise<Artefact[]> {
    const options = checkedOptions(EEG_OPTIONS, given, "modality 'eeg'", false);
    const internal = input.internal as EegInternal;
    const { epoch, layout } = internal;
    const C = epoch.channels.length;
    const T = epoch.samples;
    const r = relevance.relevances[0]!;
    if (r.values.length !== C * T) throw new InvalidArgumentError(`relevance has ${r.values.length} values, the decoded epoch ${C}×${T}`);
    const R = fromLayout(r.values, C, T, layout);
    const colormap = (options.colormap ?? 'bwr') as ColormapName;
    const mode = options.mode ?? 'signed';
    const what = `${relevance.method}${relevance.targetName !== undefined ? `, class '${relevance.targetName}'` : `, class ${relevance.target}`}`;
    const out: Artefact[] = [];

    out.push(png('relevance-channel-time.png', `relevance per channel and time (${what}; ${colormap}, ${mode}) with annotation markers`, renderChannelTime({
      values: R, channels: epoch.channels, sampleRate: epoch.sampleRate, tmin: epoch.tmin, annotations: epoch.annotations,
      title: `relevance (${what})`, unit: 'R',
    }, { colormap, mode, clipPercentile: options.clipPercentile })));

    // Topographies: one window, and a series of consecutive windows on one scale.
    const sumWindow = (a: number, b: number) => {
      const j0 = Math.max(0, Math.round((a - epoch.tmin) * epoch.sampleRate));
      const j1 = Math.min(T, Math.max(j0 + 1, Math.round((b - epoch.tmin) * epoch.sampleRate)));
      return Float64Array.from({ length: C }, (_, c) => {
        let s = 0;
        for (let j = j0; j < j1; j++) s += R[c * T + j]!;
        return s;
      });
    };
    const tmax = epoch.tmin + T / epoch.sampleRate;
    const placed = placedChannels(epoch.channels);
    if (placed.length >= 3) {
      const [a, b] = options.topoWindow ? (options.topoWindow as [number, number]) : [epoch.tmin, tmax];
      const label = `${a.toFixed(2)} to ${b.toFixed(2)} s`;
      out.push(png('topomap.png', `scalp topography of the relevance summed over ${label} (biharmonic spline over standard 10-20/10-10 positions)`,
        renderTopomaps([{ title: label, values: sumWindow(a, b) }], epoch.channels, { colormap: 'bwr', title: `relevance ${what}`, unit: 'summed R' })));
      const n = options.topoSeries ?? 5;
      if (n > 0) {
        const step = (tmax - epoch.tmin) / n;
        const maps = Array.from({ length: n }, (_, k) => {
          const [w0, w1] = [epoch.tmin + k * step, epoch.tmin + (k + 1) * step];
          return { title: `${w0.toFixed(2)} to ${w1.toFixed(2)} s`, values: sumWindow(w0, w1) };
        });
        out.push(png('topomap-series.png', `scalp topographies of ${n} consecutive windows on one colour scale`,
          renderTopomaps(maps, epoch.channels, { colormap: 'bwr', title: `relevance over time (${what})`, unit: 'summed R per window' })));
      }
    }

    const sums = new Float64Array(C);
    const abs = new Float64Array(C);
    for (let c = 0; c < C; c++) for (let t = 0; t < T; t++) {
      sums[c] += R[c * T + t]!;
      abs[c] += Math.abs(R[c * T + t]!);
    }
    out.push(png('relevance-channels.png', 'summed relevance per channel and its share of the total |relevance|', renderChannelBars(epoch.channels, sums, abs, { title: `relevance per channel (${what})` })));
    const bands = bandRelevance(epoch.data, R, C, T, epoch.sampleRate, EEG_BANDS);
    const usable = EEG_BANDS.filter((b) => b.low < epoch.sampleRate / 2);
    const B = EEG_BANDS.length;
    const trimmed = Float64Array.from({ length: C * usable.length }, (_, i) => bands[Math.floor(i / usable.length) * B + (i % usable.length)]!);
    out.push(png('relevance-bands.png', 'relevance per channel and frequency band (input split exactly into band components by DFT; relevance shared in proportion)',
      renderBandTable(epoch.channels, usable, trimmed, { title: `relevance per frequency band (${what})` })));

    const times = Array.from({ length: T }, (_, t) => epoch.tmin + t / epoch.sampleRate);
    const rows = [['time_s', ...epoch.channels].join(',')];
    for (let t = 0; t < T; t++) rows.push([csvNumber(Number(times[t]!.toFixed(9))), ...epoch.channels.map((_, c) => csvNumber(R[c * T + t]!))].join(','));
    out.push(textArtefact('relevance.csv', 'text/csv', 'relevance per time point (rows) and channel (columns)', rows.join('\n') + '\n'));
    const total = abs.reduce((p, q) => p + q, 0) || 1;
    const bandRows = [['channel', 'sum', 'abs_sum', 'abs_share', ...usable.map((b) => b.name)].join(',')];
    for (let c = 0; c < C; c++) bandRows.push([epoch.channels[c], csvNumber(sums[c]!), csvNumber(abs[c]!), csvNumber(abs[c]! / total), ...usable.map((_, b) => csvNumber(trimmed[c * usable.length + b]!))].join(','));
    out.push(textArtefact('relevance-channels.csv', 'text/csv', 'per channel: summed relevance, |relevance|, its share, and relevance per frequency band', bandRows.join('\n') + '\n'));

    out.push({
      name: 'relevance.edf',
      mediaType: 'application/octet-stream',
      description: 'EDF+ recording of the epoch: the input channels (EEG …) and one relevance channel per input channel (REL …), annotations kept',
      bytes: relevanceEdf(internal, R, { method: relevance.method, target: relevance.targetName ?? String(relevance.target) }),
    });
    const view = eegView(epoch, R, { file: internal.file, method: relevance.method, target: relevance.target, ...(relevance.targetName !== undefined ? { targetName: relevance.targetName } : {}) });
    out.push(textArtefact('eeg-view.json', 'application/json', 'numbers for interactive views: channel × time relevance, channel names and montage positions, annotations', JSON.stringify(view)));
    out.push(relevanceArtefact(relevance, { channels: epoch.channels, sampleRate: epoch.sampleRate, tmin: epoch.tmin, layout }));
    return out;
  },
};


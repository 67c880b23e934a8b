/**
 * From a recording to a model's input: channel selection and order, zero-phase band-pass,
 * resampling, epochs around events with baseline correction, per-channel standardisation.
 * Only the stretch around each epoch (plus a margin for the filter and resampling kernels) is
 * processed, so epochs of long recordings stay cheap.
 */
import { InvalidArgumentError } from '@xai/core';
import { bandpassSections, filtfilt } from './filters.js';
import { electrodePosition } from './montage.js';
import { matchChannels, missingChannelsMessage } from './channel-match.js';
import { type EegAnnotation, type EegChannel, type EegRecording, microvoltFactor, sensorName } from './recording.js';
import { EEG_RESAMPLING, resampleAt, resampleHalfWidth } from '../dsp/resample.js';

export interface EpochSpec {
  /** Channels to use, in this order (labels, with or without an 'EEG ' prefix, case-insensitive); default all data channels. */
  readonly channels?: readonly string[];
  /** Sample rate of the epochs; default the (common) rate of the chosen channels. */
  readonly sampleRate?: number;
  /** Zero-phase Butterworth band-pass [low, high] in Hz (null edge: high- or low-pass only); default none. */
  readonly bandpass?: readonly [number | null, number | null] | null;
  /** Order of each of the high- and low-pass parts; default 4 (forward-backward doubles it). */
  readonly filterOrder?: number;
  /** Epoch start relative to the event, seconds (e.g. −0.2). */
  readonly tmin: number;
  /** Epoch length in samples at `sampleRate`; or give `tmax`. */
  readonly samples?: number;
  /** Epoch end relative to the event (exclusive), seconds. */
  readonly tmax?: number;
  /** Baseline interval [from, to) relative to the event, seconds; its mean is subtracted per channel. */
  readonly baseline?: readonly [number, number] | null;
  /** 'epoch': each channel of each epoch to zero mean and unit standard deviation; default 'none'. */
  readonly standardize?: 'none' | 'epoch';
  /** Convert voltages to µV (default true); non-voltage channels stay as they are. */
  readonly microvolts?: boolean;
}

export interface Epoch {
  /** [channels × samples], row-major. */
  readonly data: Float32Array;
  readonly channels: readonly string[];
  readonly units: readonly string[];
  readonly sampleRate: number;
  readonly samples: number;
  /** The event time (s from the recording start) the epoch is aligned to. */
  readonly onset: number;
  /** Time of the first sample relative to the event, seconds. */
  readonly tmin: number;
  /** Annotations overlapping the epoch, onsets relative to the event. */
  readonly annotations: readonly EegAnnotation[];
}

const NON_EEG = /^(EOG|ECG|EKG|EMG|Resp|SaO2|SpO2|Light|Sound|Event|Temp|Status|Trigger|STI)/i;

/**
 * Resolves channel names to channels of the recording (in the given order), forgiving in case,
 * type prefix, reference suffix and old 10-20 names (see matchChannels); names not found are all
 * listed in one error.
 */
export function selectChannels(recording: EegRecording, names?: readonly string[]): EegChannel[] {
  if (!names) return [...recording.channels];
  const { channels, missing } = matchChannels(recording, names);
  if (missing.length > 0) throw new InvalidArgumentError(missingChannelsMessage(recording, names, missing));
  return channels as EegChannel[];
}

/** The first `count` EEG channels: known electrode positions first, then other non-EOG/ECG/… signals. */
export function defaultChannels(recording: EegRecording, count?: number): EegChannel[] {
  const eeg = recording.channels.filter((c) => !NON_EEG.test(sensorName(c.label)) && !/^(EOG|ECG|EMG)\s/i.test(c.label));
  const placed = eeg.filter((c) => electrodePosition(c.label) !== null);
  const ordered = [...placed, ...eeg.filter((c) => !placed.includes(c))];
  const pool = count === undefined ? ordered : ordered.length >= count ? ordered : [...ordered, ...recording.channels.filter((c) => !ordered.includes(c))];
  if (count !== undefined && pool.length < count) {
    throw new InvalidArgumentError(`${recording.file}: the model needs ${count} channels, the recording has ${recording.channels.length}`);
  }
  return count === undefined ? pool : pool.slice(0, count);
}

/** Annotations whose description equals `match` (or matches it, for a RegExp or '/…/' text). */
export function findEvents(recording: EegRecording, match: string | RegExp): EegAnnotation[] {
  const literal = typeof match === 'string' ? /^\/(.*)\/([a-z]*)$/.exec(match) : null;
  const re = match instanceof RegExp ? match : literal ? new RegExp(literal[1]!, literal[2]) : null;
  return recording.annotations.filter((a) => (re ? re.test(a.description) : a.description === match));
}

/** Sample index range [from, to) of the segment of `channel` that contains [t0, t1) (EDF+D gaps respected). */
function segmentRange(recording: EegRecording, channel: EegChannel, t0: number, t1: number): { first: number; count: number; onset: number } {
  const perRecord = Math.round(channel.sampleRate * recording.recordDuration);
  for (const seg of recording.segments) {
    if (t0 >= seg.onset - 1e-9 && t1 <= seg.onset + seg.duration + 1e-9) {
      const first = recording.format === 'BrainVision' ? 0 : seg.firstRecord * perRecord;
      const count = recording.format === 'BrainVision' ? channel.samples.length : seg.records * perRecord;
      return { first, count, onset: seg.onset };
    }
  }
  const span = recording.segments.map((s) => `${s.onset}–${s.onset + s.duration} s`).join(', ');
  throw new InvalidArgumentError(`${recording.file}: the window ${t0.toFixed(3)}–${t1.toFixed(3)} s is not inside the recorded data (${span || 'no data'})`);
}

/** Extra seconds processed on each side of an epoch so filter and resampling edges stay outside it. */
function marginSeconds(spec: EpochSpec, rate: number, target: number): number {
  const [low, high] = spec.bandpass ?? [null, null];
  const settle = spec.bandpass ? Math.max(1, 3 / Math.min(low ?? Infinity, high ?? Infinity)) : 0;
  return settle + (rate === target ? 0 : (resampleHalfWidth(rate, target, EEG_RESAMPLING) + 2) / rate);
}

/** A channel's samples, optionally already band-passed per segment (then only resampling needs a margin). */
interface Source {
  readonly channel: EegChannel;
  readonly filtered?: Float32Array;
}

/** Values of one channel over [t0, t0 + samples / target) at the target rate, filtered. */
function channelWindow(recording: EegRecording, { channel, filtered }: Source, t0: number, samples: number, target: number, spec: EpochSpec): Float32Array {
  const rate = channel.sampleRate;
  const t1 = t0 + samples / target;
  const seg = segmentRange(recording, channel, t0, t1 - 1 / target);
  const margin = marginSeconds(filtered ? { ...spec, bandpass: null } : spec, rate, target);
  // Sample positions inside the segment.
  const from = Math.max(0, Math.floor((t0 - seg.onset - margin) * rate));
  const to = Math.min(seg.count, Math.ceil((t1 - seg.onset + margin) * rate) + 1);
  const factor = spec.microvolts === false ? 1 : microvoltFactor(channel.unit) ?? 1;
  let x: ArrayLike<number> = (filtered ?? channel.samples).subarray(seg.first + from, seg.first + to);
  if (spec.bandpass && !filtered) {
    const [low, high] = spec.bandpass;
    x = filtfilt(bandpassSections(low, high, rate, spec.filterOrder ?? 4), x);
  }
  const offset = (t0 - seg.onset) * rate - from; // position of the epoch's first sample in x
  const out = new Float32Array(samples);
  if (rate === target && Math.abs(offset - Math.round(offset)) < 1e-6) {
    const o = Math.round(offset);
    for (let j = 0; j < samples; j++) out[j] = x[Math.min(x.length - 1, Math.max(0, o + j))]! * factor;
    return out;
  }
  const y = resampleAt(x, rate, target, samples, offset, EEG_RESAMPLING);
  for (let j = 0; j < samples; j++) out[j] = y[j]! * factor;
  return out;
}

/** The channel band-passed segment by segment (zero-phase), for many epochs of one recording. */
export function filterChannel(recording: EegRecording, channel: EegChannel, bandpass: readonly [number | null, number | null], order = 4): Float32Array {
  const out = new Float32Array(channel.samples.length);
  const sections = bandpassSections(bandpass[0], bandpass[1], channel.sampleRate, order);
  const perRecord = Math.round(channel.sampleRate * recording.recordDuration);
  const runs = recording.format === 'BrainVision' ? [[0, channel.samples.length]] : recording.segments.map((s) => [s.firstRecord * perRecord, s.records * perRecord]);
  for (const [first, count] of runs) out.set(filtfilt(sections, channel.samples.subarray(first!, first! + count!)), first!);
  return out;
}

/** Common rate of the channels, or the spec's; a mix of rates needs an explicit target. */
function targetRate(channels: readonly EegChannel[], spec: EpochSpec, file: string): number {
  if (spec.sampleRate !== undefined) {
    if (!(spec.sampleRate > 0)) throw new InvalidArgumentError(`sampleRate must be positive, got ${spec.sampleRate}`);
    return spec.sampleRate;
  }
  const rates = [...new Set(channels.map((c) => c.sampleRate))];
  if (rates.length > 1) throw new InvalidArgumentError(`${file}: the chosen channels have different rates (${rates.join(', ')} Hz); give sampleRate`);
  return rates[0]!;
}

/** Epochs of `recording` starting at `onset + tmin` for each onset (seconds from the recording start). */
export function extractEpochs(recording: EegRecording, onsets: readonly number[], spec: EpochSpec): Epoch[] {
  const channels = selectChannels(recording, spec.channels ?? defaultChannels(recording).map((c) => c.label));
  if (channels.length === 0) throw new InvalidArgumentError(`${recording.file}: no channels to epoch`);
  const rate = targetRate(channels, spec, recording.file);
  const samples = spec.samples ?? Math.round(((spec.tmax ?? NaN) - spec.tmin) * rate);
  if (!Number.isInteger(samples) || samples < 1) throw new InvalidArgumentError(`epoch length must be a positive number of samples; give samples or tmax > tmin (got ${spec.samples ?? spec.tmax})`);
  // Many epochs: filter each channel once instead of once per epoch.
  const windowSeconds = samples / rate + 2 * marginSeconds(spec, Math.max(...channels.map((c) => c.sampleRate)), rate);
  const whole = spec.bandpass && onsets.length * windowSeconds > recording.duration;
  const sources: Source[] = channels.map((channel) => ({ channel, ...(whole ? { filtered: filterChannel(recording, channel, spec.bandpass!, spec.filterOrder) } : {}) }));
  return onsets.map((onset) => {
    const t0 = onset + spec.tmin;
    const data = new Float32Array(channels.length * samples);
    sources.forEach((source, c) => {
      const row = data.subarray(c * samples, (c + 1) * samples);
      row.set(channelWindow(recording, source, t0, samples, rate, spec));
      if (spec.baseline) {
        const [b0, b1] = spec.baseline;
        const j0 = Math.max(0, Math.round((b0 - spec.tmin) * rate));
        const j1 = Math.min(samples, Math.round((b1 - spec.tmin) * rate));
        if (j1 <= j0) throw new InvalidArgumentError(`baseline [${b0}, ${b1}) s lies outside the epoch [${spec.tmin}, ${spec.tmin + samples / rate}) s`);
        let mean = 0;
        for (let j = j0; j < j1; j++) mean += row[j]!;
        mean /= j1 - j0;
        for (let j = 0; j < samples; j++) row[j] -= mean;
      }
      if (spec.standardize === 'epoch') standardizeInPlace(row);
    });
    const end = t0 + samples / rate;
    const annotations = recording.annotations
      .filter((a) => a.onset < end && a.onset + a.duration >= t0)
      .map((a) => ({ ...a, onset: a.onset - onset }));
    return {
      data, channels: channels.map((c) => sensorName(c.label)), units: channels.map((c) => (spec.microvolts === false || microvoltFactor(c.unit) === null ? c.unit : 'µV')),
      sampleRate: rate, samples, onset, tmin: spec.tmin, annotations,
    };
  });
}

/** Zero mean, unit standard deviation (a constant row becomes zeros). */
export function standardizeInPlace(row: Float32Array): void {
  let mean = 0;
  for (let j = 0; j < row.length; j++) mean += row[j]!;
  mean /= row.length;
  let v = 0;
  for (let j = 0; j < row.length; j++) v += (row[j]! - mean) ** 2;
  const sd = Math.sqrt(v / row.length);
  for (let j = 0; j < row.length; j++) row[j] = sd > 0 ? (row[j]! - mean) / sd : 0;
}

/**
 * `eeg-view.json` (`xai-eeg-view`): what the dashboard needs to draw the EEG views itself — the
 * channel × time relevance (summed into at most MAX_COLUMNS time columns), channel names with their
 * 2-D montage positions (the same standard 10-20/10-10 projection as topomap.png), and the
 * recording's annotations in the epoch's time base (seconds relative to the event).
 */
import { quantise, rounded, type QuantisedValues } from '../view-data.js';
import type { Epoch } from './preprocess.js';
import { placedChannels } from './views/topomap.js';

/** Longer epochs are summed into this many time columns. */
export const MAX_COLUMNS = 1024;

export interface EegView {
  readonly format: 'xai-eeg-view';
  readonly version: 1;
  readonly file: string;
  readonly method: string;
  readonly target: number;
  readonly targetName?: string;
  readonly channels: readonly string[];
  /** Per channel: x (right) and y (nose) in head radii, the head outline at radius 1; null when the montage does not know it. */
  readonly positions: ([number, number] | null)[];
  readonly sampleRate: number;
  /** Start time of the first column and column width, seconds relative to the event. */
  readonly tmin: number;
  readonly columns: number;
  readonly columnSeconds: number;
  /** Row-major [channel][column]: relevance summed over each column's samples. */
  readonly relevance: QuantisedValues;
  readonly annotations: { readonly onset: number; readonly duration: number; readonly description: string }[];
}

/** `R` is [channels × samples] row-major (the epoch's own layout). */
export function eegView(
  epoch: Epoch,
  R: Float32Array,
  meta: { file: string; method: string; target: number; targetName?: string },
): EegView {
  const C = epoch.channels.length;
  const T = epoch.samples;
  const factor = Math.ceil(T / MAX_COLUMNS);
  const columns = Math.ceil(T / factor);
  const summed = new Float64Array(C * columns);
  for (let c = 0; c < C; c++) for (let t = 0; t < T; t++) summed[c * columns + Math.floor(t / factor)] += R[c * T + t]!;
  const positions: ([number, number] | null)[] = epoch.channels.map(() => null);
  for (const p of placedChannels(epoch.channels)) positions[p.index] = [rounded(p.xy[0]), rounded(p.xy[1])];
  return {
    format: 'xai-eeg-view',
    version: 1,
    file: meta.file,
    method: meta.method,
    target: meta.target,
    ...(meta.targetName !== undefined ? { targetName: meta.targetName } : {}),
    channels: epoch.channels,
    positions,
    sampleRate: epoch.sampleRate,
    tmin: rounded(epoch.tmin, 6),
    columns,
    columnSeconds: factor / epoch.sampleRate,
    relevance: quantise(summed),
    annotations: epoch.annotations.map((a) => ({ onset: rounded(a.onset, 6), duration: rounded(a.duration, 6), description: a.description })),
  };
}

/**
 * `eeg-view.json` (`xai-eeg-view`): what the dashboard needs to draw the EEG views itself — the
 * channel × time relevance (summed into at most MAX_COLUMNS time columns), channel names with their
 * 2-D montage positions (the same standard 10-20/10-10 projection as topomap.png), and the
 * recording's annotations in the epoch's time base (seconds relative to the event).
 */
import { quantise, rounded } from '../view-data.js';
import type { EegView } from '../view-schemas.js';

export type { EegView };
import type { Epoch } from './preprocess.js';
import { placedChannels } from './views/topomap.js';

/** Longer epochs are summed into this many time columns. */
export const MAX_COLUMNS = 1024;


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
    channels: [...epoch.channels],
    positions,
    sampleRate: epoch.sampleRate,
    tmin: rounded(epoch.tmin, 6),
    columns,
    columnSeconds: factor / epoch.sampleRate,
    relevance: quantise(summed),
    annotations: epoch.annotations.map((a) => ({ onset: rounded(a.onset, 6), duration: rounded(a.duration, 6), description: a.description })),
  };
}

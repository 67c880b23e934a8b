/**
 * `audio-view.json` (`xai-audio-view`): what the dashboard needs to draw the audio views itself and
 * move a playback cursor over them — the spectrogram relevance with its Hz and seconds axes, and
 * the waveform as a min/max envelope with the relevance per envelope column. Times are seconds of
 * the recording (negative or beyond its duration: the zero padding of the model's window).
 */
import { quantise, rounded } from '../view-data.js';
import type { AudioView } from '../view-schemas.js';

export type { AudioView };
import { AUDIOMNIST } from './audiomnist.js';

/** Most columns of the waveform envelope (a 1 s window at 8 kHz becomes 1000 columns of 8 samples). */
export const WAVEFORM_COLUMNS = 1000;


export interface AudioViewInput {
  readonly file: string;
  readonly representation: 'spectrogram' | 'waveform';
  readonly window: Float32Array;
  readonly rate: number;
  /** Window index of the recording's first sample. */
  readonly offset: number;
  readonly recording: { readonly duration: number; readonly sampleRate: number };
  /** Recording seconds of each spectrogram frame centre (spectrogram models only). */
  readonly frameTimes?: ArrayLike<number>;
}

/** Min, max and summed relevance over `columns` equal runs of the window. */
function envelope(window: Float32Array, sampleRelevance: Float32Array, columns: number) {
  const min: number[] = [];
  const max: number[] = [];
  const rel = new Float64Array(columns);
  const L = window.length;
  for (let c = 0; c < columns; c++) {
    const a = Math.floor((c * L) / columns);
    const b = Math.max(a + 1, Math.floor(((c + 1) * L) / columns));
    let lo = Infinity;
    let hi = -Infinity;
    for (let w = a; w < b; w++) {
      lo = Math.min(lo, window[w]!);
      hi = Math.max(hi, window[w]!);
      rel[c] += sampleRelevance[w]!;
    }
    min.push(rounded(lo));
    max.push(rounded(hi));
  }
  return { min, max, relevance: quantise(rel) };
}

export function audioView(
  input: AudioViewInput,
  relevance: { values: Float32Array; perSample: Float32Array; method: string; target: number; targetName?: string },
): AudioView {
  const start = -input.offset / input.rate;
  const columns = Math.min(WAVEFORM_COLUMNS, input.window.length);
  const times = input.frameTimes;
  return {
    format: 'xai-audio-view',
    version: 1,
    file: input.file,
    representation: input.representation,
    method: relevance.method,
    target: relevance.target,
    ...(relevance.targetName !== undefined ? { targetName: relevance.targetName } : {}),
    recording: { duration: input.recording.duration, sampleRate: input.recording.sampleRate },
    window: { start: rounded(start, 6), rate: input.rate, samples: input.window.length },
    waveform: { columns, start: rounded(start, 6), step: input.window.length / input.rate / columns, ...envelope(input.window, relevance.perSample, columns) },
    ...(input.representation === 'spectrogram' && times
      ? {
          spectrogram: {
            bins: AUDIOMNIST.bins,
            frames: AUDIOMNIST.frames,
            frequencyStep: input.rate / AUDIOMNIST.windowLength,
            frameStart: rounded(times[0]!, 6),
            frameStep: AUDIOMNIST.hop / input.rate,
            relevance: quantise(relevance.values),
          },
        }
      : {}),
  };
}

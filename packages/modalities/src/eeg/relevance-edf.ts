/** Relevance as an EDF+ recording: the input epoch and one relevance channel per input channel. */
import { writeEdfPlus } from './edf-writer.js';
import type { Epoch } from './preprocess.js';
import type { EegAnnotation } from './recording.js';

/** Power of ten that brings small relevances to a range the 8-character physical fields resolve (0 when not needed). */
export function relevanceExponent(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]!));
  return max >= 1e-2 || max === 0 ? 0 : Math.ceil(-Math.log10(max)) + 1;
}

/**
 * EDF+ bytes: for each channel 'EEG <name>' (the model's input, µV or as decoded) and
 * 'REL <name>' (relevance; ×10^k when tiny, k in the transducer field), at the epoch's rate, starting at the
 * epoch's first sample (sub-second start in the first record's time-keeping TAL); annotations of
 * the epoch plus one naming the explanation.
 */
export function relevanceEdf(
  internal: { readonly epoch: Epoch; readonly epochStart: Date | null },
  relevance: Float32Array,
  about: { method: string; target: string },
): Uint8Array {
  const { epoch, epochStart } = internal;
  const C = epoch.channels.length;
  const T = epoch.samples;
  const k = relevanceExponent(relevance);
  const factor = 10 ** k;
  const row = (data: Float32Array, c: number, f = 1) => {
    const out = data.slice(c * T, (c + 1) * T);
    if (f !== 1) for (let i = 0; i < T; i++) out[i]! *= f;
    return out;
  };
  const signals = [
    ...epoch.channels.map((name, c) => ({ label: `EEG ${name}`, unit: epoch.units[c] ?? '', sampleRate: epoch.sampleRate, samples: row(epoch.data, c), transducer: 'model input', prefilter: '' })),
    ...epoch.channels.map((name, c) => ({
      label: `REL ${name}`, unit: '', sampleRate: epoch.sampleRate, samples: row(relevance, c, factor),
      transducer: `${about.method} relevance${k ? ` x1e${k}` : ''}`, prefilter: '',
    })),
  ];
  const duration = T / epoch.sampleRate;
  const annotations: EegAnnotation[] = [{ onset: 0, duration, description: `xai ${about.method} relevance for class ${about.target}` }];
  for (const a of epoch.annotations) {
    const onset = a.onset - epoch.tmin; // epoch time → seconds from the first sample
    const end = onset + a.duration;
    if (end < 0 || onset > duration) continue;
    annotations.push({ onset: Math.max(0, onset), duration: a.duration > 0 ? Math.min(end, duration) - Math.max(0, onset) : 0, description: a.description });
  }
  return writeEdfPlus(signals, { start: epochStart, annotations, recording: `xai-relevance X xai`, patient: 'X X X X' });
}

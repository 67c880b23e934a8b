/**
 * Numbers for interactive views (the dashboard's audio, EEG and fMRI views): compact JSON that a
 * browser draws itself. Relevance is sent as integers of a shared scale, which keeps a 227 × 227
 * spectrogram or a 32 × 32 × 16 volume to a few hundred kB at a precision finer than a colour map.
 */
import type { QuantisedValues } from './view-schemas.js';

export type { QuantisedValues };

/** Quantises values to integers in [-steps, steps] of their largest magnitude (non-finite values become 0). */
export function quantise(values: ArrayLike<number>, steps = 1000): QuantisedValues {
  let scale = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]!);
    if (Number.isFinite(v) && v > scale) scale = v;
  }
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // `+ 0` turns Math.round's -0 into 0, which JSON would print as "0" anyway but tests compare with toEqual
    out[i] = scale > 0 && Number.isFinite(v) ? Math.round((v / scale) * steps) + 0 : 0;
  }
  return { scale, steps, values: out };
}

/** A number rounded to `digits` decimals, for JSON that stays short. */
export const rounded = (v: number, digits = 4): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f + 0;
};

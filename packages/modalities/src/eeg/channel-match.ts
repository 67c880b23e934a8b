/**
 * Finding a model's channels in a recording by name, forgiving in the ways EEG files differ: case
 * ('FP1' = 'Fp1'), the EDF+ type prefix ('EEG Fz'), reference suffixes ('Fz-REF', 'Fz-LE',
 * 'Fz-AR', 'Fz-Avg': TUH and other clinical exports) and the old 10-20 names of the temporal
 * electrodes (T3/T4/T5/T6 = T7/T8/P7/P8). Bipolar derivations ('Fp1-F7', 'Fpz-Cz') keep their
 * second electrode: they are not the first electrode alone.
 */
import { OLD_ELECTRODE_NAMES } from './montage.js';
import { type EegChannel, type EegRecording, sensorName } from './recording.js';

/** Suffixes that name the reference of a referential channel. */
const REFERENCE_SUFFIX = /[-_ ](ref|le|ar|avg|ave)$/i;

/** A label reduced to what names the electrode: no type prefix or reference suffix, lower case, no spaces. */
export function channelKey(label: string): string {
  return sensorName(label).replace(REFERENCE_SUFFIX, '').replace(/\s+/g, '').toLowerCase();
}

/** The key with old 10-20 names replaced by their 10-10 names. */
const modernKey = (label: string) => {
  const key = channelKey(label);
  return OLD_ELECTRODE_NAMES[key]?.toLowerCase() ?? key;
};

/** Ways to compare a wanted name with a label, strictest first. */
const LEVELS: readonly ((label: string) => string)[] = [
  (label) => label.trim().toLowerCase(),
  (label) => sensorName(label).toLowerCase(),
  channelKey,
  modernKey,
];

export interface ChannelMatch {
  /** The recording's channel for each wanted name (null: not found). */
  readonly channels: readonly (EegChannel | null)[];
  /** Wanted names not found, in the wanted order. */
  readonly missing: readonly string[];
}

/**
 * The recording's channel for each of `names`, each channel used at most once: every name first
 * tries the strictest comparison over all channels, then the more forgiving ones.
 */
export function matchChannels(recording: Pick<EegRecording, 'channels'>, names: readonly string[]): ChannelMatch {
  const used = new Set<EegChannel>();
  const found: (EegChannel | null)[] = names.map(() => null);
  for (const level of LEVELS) {
    names.forEach((name, i) => {
      if (found[i]) return;
      const key = level(name);
      const hit = recording.channels.find((c) => !used.has(c) && level(c.label) === key);
      if (hit) {
        found[i] = hit;
        used.add(hit);
      }
    });
  }
  return { channels: found, missing: names.filter((_, i) => !found[i]) };
}

/** "the model needs 16 channels, the recording has 3: A1, A2, ECG; missing: Fz, Cz, …" (with the file name). */
export function missingChannelsMessage(recording: Pick<EegRecording, 'channels' | 'file'>, names: readonly string[], missing: readonly string[]): string {
  const labels = recording.channels.map((c) => c.label);
  return `${recording.file}: the model needs ${names.length} channel${names.length === 1 ? '' : 's'}, the recording has ${labels.length}: ${labels.join(', ')}; ` +
    `missing: ${missing.join(', ')} (names match ignoring case, an 'EEG ' prefix, '-REF'/'-LE'/'-AR' suffixes and T3/T4/T5/T6 for T7/T8/P7/P8)`;
}

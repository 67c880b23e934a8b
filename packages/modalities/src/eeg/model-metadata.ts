/**
 * What an EEG model says about its input, read from ONNX `metadata_props` (strings only): the
 * channel list, sampling rate, unit and class names the EEG adapter maps a recording onto.
 *
 * Keys (write them when exporting; values are plain strings):
 *   xai.channels  channel names in the order of the model's channel axis, comma-separated ("Fz,Cz,Pz")
 *   xai.sfreq     sampling rate of the model input in Hz ("128")
 *   xai.unit      unit of the voltages the model was trained on: "uV" (default), "mV" or "V"
 *                 (MNE and braindecode keep volts: write "V")
 *   xai.classes   class names by output index, comma-separated ("left,right,feet,tongue")
 *
 * Keys that MNE/braindecode users tend to write are accepted too (first found wins, `xai.*` first):
 * `ch_names`/`channels`/`channel_names`, `sfreq`/`sampling_rate`/`sample_rate`/`fs`,
 * `unit`/`units`, `classes`/`class_names`/`labels`. Lists may also be a JSON array or a Python
 * list literal (`str(raw.ch_names)` writes "['Fz', 'Cz']").
 */
import { InvalidArgumentError } from '@xai/core';

/** The keys this project writes and reads first. Stable: export scripts write them. */
export const EEG_METADATA_KEYS = {
  channels: 'xai.channels',
  sfreq: 'xai.sfreq',
  unit: 'xai.unit',
  classes: 'xai.classes',
} as const;

/** Other spellings accepted, after the `xai.*` key, in this order. */
export const EEG_METADATA_ALIASES: Readonly<Record<keyof typeof EEG_METADATA_KEYS, readonly string[]>> = {
  channels: ['ch_names', 'channels', 'channel_names'],
  sfreq: ['sfreq', 'sampling_rate', 'sample_rate', 'fs'],
  unit: ['unit', 'units'],
  classes: ['classes', 'class_names', 'labels'],
};

/** Voltage units a model may be trained on, with the factor from µV. */
export const EEG_UNITS = { uV: 1, mV: 1e-3, V: 1e-6 } as const;
export type EegUnit = keyof typeof EEG_UNITS;

/** What the model's metadata says (absent fields: it says nothing about them). */
export interface EegModelInfo {
  readonly channels?: readonly string[];
  readonly sfreq?: number;
  readonly unit?: EegUnit;
  readonly classes?: readonly string[];
  /** The metadata key each field was read from (for messages). */
  readonly keys: Readonly<Partial<Record<keyof typeof EEG_METADATA_KEYS, string>>>;
}

/**
 * A list written as "a,b,c", '["a","b"]' or "['a', 'b']": the names, trimmed, quotes removed.
 * An empty text gives no names.
 */
export function parseNameList(text: string): string[] {
  let body = text.trim();
  if (body.startsWith('[') && body.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (Array.isArray(parsed)) return parsed.map((v) => String(v).trim());
    } catch {
      // a Python list literal: split below
    }
    body = body.slice(1, -1);
  }
  if (body.trim() === '') return [];
  return body.split(',').map((s) => s.trim().replace(/^(['"])(.*)\1$/, '$2').trim());
}

/** The unit named by a metadata value ('uV', 'µV', 'microvolt', 'V', 'volts', 'mV'), or null. */
export function parseUnit(text: string): EegUnit | null {
  const u = text.trim();
  if (/^(uV|µV|μV|microv(olts?)?)$/i.test(u)) return 'uV';
  if (u === 'mV' || /^millivolts?$/i.test(u)) return 'mV';
  if (/^(V|volts?)$/i.test(u)) return 'V';
  return null;
}

/** The first key of `field` present in `metadata`. */
function keyOf(metadata: Readonly<Record<string, string>>, field: keyof typeof EEG_METADATA_KEYS): string | undefined {
  return [EEG_METADATA_KEYS[field], ...EEG_METADATA_ALIASES[field]].find((k) => Object.hasOwn(metadata, k));
}

/**
 * The EEG facts in a model's metadata (`label` names the model in errors). A value that cannot be
 * read (a rate that is not a positive number, an unknown unit, an empty or duplicated channel
 * list) is an error naming the key, not silently ignored.
 */
export function eegModelInfo(metadata: Readonly<Record<string, string>> | undefined, label = 'the model'): EegModelInfo {
  if (!metadata) return { keys: {} };
  const keys: Partial<Record<keyof typeof EEG_METADATA_KEYS, string>> = {};
  const info: { channels?: string[]; sfreq?: number; unit?: EegUnit; classes?: string[] } = {};
  const bad = (key: string, why: string) => new InvalidArgumentError(`${label}: metadata '${key}' = ${JSON.stringify(metadata[key])}: ${why}`);

  const channelsKey = keyOf(metadata, 'channels');
  if (channelsKey) {
    const names = parseNameList(metadata[channelsKey]!);
    if (names.length === 0 || names.some((n) => n === '')) throw bad(channelsKey, 'expected comma-separated channel names');
    const seen = new Set<string>();
    const twice = names.filter((n) => (seen.has(n.toLowerCase()) ? true : (seen.add(n.toLowerCase()), false)));
    if (twice.length) throw bad(channelsKey, `channel ${twice.join(', ')} listed twice`);
    info.channels = names;
    keys.channels = channelsKey;
  }
  const sfreqKey = keyOf(metadata, 'sfreq');
  if (sfreqKey) {
    const rate = Number(metadata[sfreqKey]!.trim().replace(/\s*Hz$/i, ''));
    if (!(Number.isFinite(rate) && rate > 0)) throw bad(sfreqKey, 'expected a sampling rate in Hz (a positive number)');
    info.sfreq = rate;
    keys.sfreq = sfreqKey;
  }
  const unitKey = keyOf(metadata, 'unit');
  if (unitKey) {
    const unit = parseUnit(metadata[unitKey]!);
    if (!unit) throw bad(unitKey, `expected one of ${Object.keys(EEG_UNITS).join(', ')}`);
    info.unit = unit;
    keys.unit = unitKey;
  }
  const classesKey = keyOf(metadata, 'classes');
  if (classesKey) {
    const names = parseNameList(metadata[classesKey]!);
    if (names.length === 0) throw bad(classesKey, 'expected comma-separated class names');
    info.classes = names;
    keys.classes = classesKey;
  }
  return { ...info, keys };
}

/** Class names by output index from any model's metadata (`xai.classes` or an alias), or undefined. */
export function metadataClassNames(metadata: Readonly<Record<string, string>> | undefined): string[] | undefined {
  const key = metadata ? keyOf(metadata, 'classes') : undefined;
  const names = key ? parseNameList(metadata![key]!) : [];
  return names.length > 0 ? names : undefined;
}

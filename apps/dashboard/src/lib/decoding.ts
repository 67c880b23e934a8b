/** Decoding options prefilled from what an input's files hold and what the model says it needs. */
import type { InputFacts, Model } from './types';

/** EEG options the recording part of the form sets (the rest of the adapter's options come from its schema). */
export const EEG_FORM_KEYS = ['channels', 'event', 'eventIndex', 'start', 'tmin', 'duration', 'sampleRate'] as const;

/**
 * A channel label as a sensor name for matching: no 'EEG ' type prefix, no '-REF'/'-LE'/'-AR'
 * reference suffix, case ignored. Only for prefilling the form; the server matches by its own rule.
 */
export const sensorKey = (label: string) => label.trim().replace(/^EEG\s+/i, '').replace(/-(REF|LE|AR)$/i, '').toLowerCase();

/** For each channel the model names, the recording's channel of that name (null: none). */
export function matchChannels(modelChannels: readonly string[], labels: readonly string[]): (string | null)[] {
  return modelChannels.map((name) => labels.find((l) => sensorKey(l) === sensorKey(name)) ?? null);
}

/** The EEG recording's channels, when the facts are an EEG recording's. */
export const recordingChannels = (facts: InputFacts | null) => (facts && Array.isArray(facts.channels) ? facts.channels : null);

/**
 * The form's starting options: for an EEG recording the model's channels mapped by name (only when
 * every one is found: otherwise the user maps them) and the model's sampling rate; nothing else
 * (an event, a window) is chosen for the user.
 */
export function prefillDecoding(facts: InputFacts | null, model: Model | undefined): Record<string, unknown> {
  const channels = recordingChannels(facts);
  if (!channels) return {};
  const out: Record<string, unknown> = {};
  const wanted = model?.decodingFacts?.channels;
  if (wanted) {
    const mapped = matchChannels(wanted, channels.map((c) => c.label));
    if (mapped.every((m) => m !== null)) out.channels = mapped;
  }
  if (model?.decodingFacts?.sampleRate !== undefined) out.sampleRate = model.decodingFacts.sampleRate;
  return out;
}

/** One line about the files: "rec.edf: EDF+C, 17 channels at 200 Hz, 20 s, 12 annotations". */
export function factsSummary(facts: InputFacts): string {
  const channels = recordingChannels(facts);
  if (channels) {
    return `${facts.file}: ${facts.format}, ${channels.length} channels at ${(facts.sampleRates ?? []).join(', ')} Hz, ${facts.duration} s, ${facts.annotationCount ?? 0} annotations`;
  }
  if (facts.dims) {
    const unit = facts.spatialUnit && facts.spatialUnit !== 'unknown' ? ` ${facts.spatialUnit}` : '';
    const run = facts.volumes ? `, ${facts.volumes} volumes (TR ${facts.repetitionTime} ${facts.temporalUnit ?? ''})` : '';
    return `${facts.file}: ${facts.dims.slice(0, 3).join('×')} voxels of ${(facts.voxelSize ?? []).join('×')}${unit}${run}, affine from the ${facts.affineSource}`;
  }
  if (facts.sampleRate !== undefined) return `${facts.file}: ${facts.sampleRate} Hz, ${facts.channels} channel(s), ${facts.bitsPerSample} bit, ${facts.duration} s`;
  return facts.files.join(', ');
}

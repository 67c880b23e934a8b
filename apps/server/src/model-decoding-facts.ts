/**
 * Decoding facts stated with a model upload (channel list, sampling rate, unit, input layout) and
 * how they reach the adapters: as the same metadata keys an ONNX file's metadata_props carry
 * (`xai.channels`, `xai.sfreq`, `xai.unit`), laid over the file's own key by key, and the layout
 * as the modality's `layout` decoding option. Precedence, lowest first: the file's metadata, the
 * stated facts, the model's decodeOptions, the input's options, the request's decodeOptions.
 */
import type { ObjectSchema } from '@xai/core';
import { EEG_METADATA_KEYS, eegModelInfo, parseNameList, parseUnit, type ModalityAdapter, type ModelInputSpec } from '@xai/modalities';
import { badRequest } from './errors.js';
import type { ModelDecodingFacts, ModelRow } from './storage/database.js';
import type { ModelInfo } from './worker/task-types.js';

/** The upload form's fields that state decoding facts. */
export const FACT_FIELDS = ['channels', 'sampleRate', 'unit', 'layout'] as const;

const layoutChoices = (schema: ObjectSchema | undefined): readonly string[] | null => {
  const layout = schema?.properties.layout as { enum?: unknown[] } | undefined;
  return layout ? ((layout.enum ?? []) as string[]) : null;
};

/**
 * The facts in an upload's fields: `channels` (comma-separated or a JSON list), `sampleRate` (Hz),
 * `unit` (uV, mV, V), `layout` (one of the modality's layouts). A value that cannot be read is a
 * 400 naming the field.
 */
export function factsFromFields(fields: Readonly<Record<string, string>>, modality: ModalityAdapter | undefined): ModelDecodingFacts {
  const facts: { channels?: string[]; sampleRate?: number; unit?: string; layout?: string } = {};
  const given = (name: string) => (fields[name] ?? '').trim();
  if (given('channels')) {
    const names = parseNameList(given('channels'));
    if (names.length === 0 || names.some((n) => n === '')) throw badRequest("field 'channels' must list channel names, comma-separated or as a JSON list");
    const seen = new Set<string>();
    const twice = names.filter((n) => (seen.has(n.toLowerCase()) ? true : (seen.add(n.toLowerCase()), false)));
    if (twice.length) throw badRequest(`field 'channels' lists ${twice.join(', ')} twice`);
    facts.channels = names;
  }
  if (given('sampleRate')) {
    const rate = Number(given('sampleRate').replace(/\s*Hz$/i, ''));
    if (!(Number.isFinite(rate) && rate > 0)) throw badRequest(`field 'sampleRate' must be a sampling rate in Hz (a positive number), not ${JSON.stringify(given('sampleRate'))}`);
    facts.sampleRate = rate;
  }
  if (given('unit')) {
    const unit = parseUnit(given('unit'));
    if (!unit) throw badRequest(`field 'unit' must be uV, mV or V, not ${JSON.stringify(given('unit'))}`);
    facts.unit = unit;
  }
  if (given('layout')) {
    const choices = layoutChoices(modality?.options);
    if (!modality) throw badRequest("field 'layout' needs the field 'modality' (layouts are the modality's)");
    if (!choices) throw badRequest(`field 'layout': modality '${modality.name}' has no input layout option`);
    if (choices.length && !choices.includes(given('layout'))) throw badRequest(`field 'layout' must be one of ${choices.join(', ')} for modality '${modality.name}', not ${JSON.stringify(given('layout'))}`);
    facts.layout = given('layout');
  }
  return facts;
}

/** The stated facts as model metadata keys (what the adapters read from ONNX metadata_props). */
export function factsMetadata(facts: ModelDecodingFacts): Record<string, string> {
  return {
    ...(facts.channels ? { [EEG_METADATA_KEYS.channels]: JSON.stringify(facts.channels) } : {}),
    ...(facts.sampleRate !== undefined ? { [EEG_METADATA_KEYS.sfreq]: String(facts.sampleRate) } : {}),
    ...(facts.unit ? { [EEG_METADATA_KEYS.unit]: facts.unit } : {}),
  };
}

/** The model's input specs with its stated facts laid over the file's metadata. */
export function specsWithFacts(specs: readonly ModelInputSpec[], facts: ModelDecodingFacts): ModelInputSpec[] {
  const stated = factsMetadata(facts);
  if (Object.keys(stated).length === 0) return [...specs];
  return specs.map((s) => ({ ...s, metadata: { ...s.metadata, ...stated } }));
}

/** Decoding options the stated facts imply (the input layout), under every option given elsewhere. */
export function factsOptions(facts: ModelDecodingFacts, adapter: ModalityAdapter): Record<string, unknown> {
  return facts.layout && layoutChoices(adapter.options) ? { layout: facts.layout } : {};
}

/** String-valued metadata of the file (tfjs userDefinedMetadata may hold any JSON; only strings are facts). */
const stringMetadata = (metadata: Record<string, unknown> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(metadata ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));

/**
 * What decoding will use, for clients (the model page, the Explain form): channels, sampling
 * rate, unit, layout and class names, each with where it comes from ('upload' or the file's
 * metadata key). A file whose metadata cannot be read contributes nothing (explaining says why).
 */
export function effectiveFacts(row: ModelRow) {
  const info = row.info as ModelInfo;
  let file: ReturnType<typeof eegModelInfo> = { keys: {} };
  try {
    file = eegModelInfo(stringMetadata(info.metadata as Record<string, unknown> | undefined), `model '${row.id}'`);
  } catch {
    /* a bad key is reported when the model is used */
  }
  const stated = row.facts ?? {};
  const pick = <T>(mine: T | undefined, theirs: T | undefined, key: string | undefined) =>
    mine !== undefined ? { value: mine, from: 'upload' } : theirs !== undefined ? { value: theirs, from: key ?? 'metadata' } : undefined;
  const channels = pick(stated.channels, file.channels ? [...file.channels] : undefined, file.keys.channels);
  const sampleRate = pick(stated.sampleRate, file.sfreq, file.keys.sfreq);
  const unit = pick(stated.unit, file.unit, file.keys.unit);
  const out: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const [name, entry] of Object.entries({ channels, sampleRate, unit })) {
    if (!entry) continue;
    out[name] = entry.value;
    sources[name] = entry.from;
  }
  if (stated.layout) (out.layout = stated.layout), (sources.layout = 'upload');
  return { ...out, sources, stated };
}

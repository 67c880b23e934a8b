/**
 * The numbers behind the interactive views: the JSON artefacts the audio, EEG, fMRI and video
 * adapters write (`audio-view.json`, `eeg-view.json`, `fmri-view.json`, `temporal-relevance.json`,
 * the text's `tokens.json` (words, or a transformer's subwords), the VQA `answer.json`),
 * typed by the schemas that declare them in @xai/modalities.
 */
import { request } from './api';
import type { QuantisedValues } from '@xai/modalities/view-schemas';
import type { ExplanationResult } from './types';

export type { AudioView, EegView, FmriView, FmriVolumesView, QuantisedValues, SubwordRelevance, TemporalRelevanceView, TextRelevance, VqaAnswer } from '@xai/modalities/view-schemas';

export const dequantise = (q: QuantisedValues): Float32Array => Float32Array.from(q.values, (v) => (v / q.steps) * q.scale);

/** Fetches a JSON artefact of a result by name; null when the adapter did not write it. */
export async function loadArtefactJson<T>(result: ExplanationResult, name: string): Promise<T | null> {
  const artefact = result.artefacts.find((a) => a.name === name);
  if (!artefact) return null;
  return (await (await request(artefact.url)).json()) as T;
}

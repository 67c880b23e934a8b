import { relevanceJson } from '@xai/core';
import type { Artefact, RelevanceOf } from './adapter.js';

const encoder = new TextEncoder();

export const textArtefact = (name: string, mediaType: string, description: string, text: string): Artefact => ({
  name,
  mediaType,
  description,
  bytes: encoder.encode(text),
});

/** The raw relevance of the first model input as core's `xai-relevance` JSON. */
export function relevanceArtefact(relevance: RelevanceOf, extra: Record<string, unknown> = {}): Artefact {
  const first = relevance.relevances[0]!;
  const json = {
    ...relevanceJson({ relevance: first.values, shape: first.shape, method: relevance.method, target: relevance.target, logits: relevance.logits, options: relevance.options as Record<string, unknown> }),
    ...(relevance.targetName !== undefined ? { targetName: relevance.targetName } : {}),
    ...extra,
  };
  return textArtefact('relevance.json', 'application/json', 'relevance values with shape, method, target and logits', JSON.stringify(json));
}

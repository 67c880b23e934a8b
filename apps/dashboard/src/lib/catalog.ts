import { getJson } from './api';
import type { Input, Metric, MethodsResponse, Modality, Model } from './types';

/** Catalogue requests, cached for the page (models and inputs are re-read after uploads). */
const cache = new Map<string, Promise<unknown>>();
function cached<T>(path: string, fresh = false): Promise<T> {
  if (fresh || !cache.has(path)) {
    const p = getJson<T>(path);
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return cache.get(path) as Promise<T>;
}

export const loadMethods = () => cached<MethodsResponse>('/methods');
export const loadMetrics = () => cached<{ metrics: Metric[] }>('/metrics').then((r) => r.metrics);
export const loadModalities = () => cached<{ modalities: Modality[] }>('/modalities').then((r) => r.modalities);
export const loadModels = (fresh = false) => cached<{ models: Model[] }>('/models', fresh).then((r) => r.models);
export const loadInputs = (fresh = false) => cached<{ inputs: Input[] }>('/inputs', fresh).then((r) => r.inputs);
export const clearCatalog = () => cache.clear();

import type { ExplanationResult } from './types';
import { loadArtefactJson } from './view-data';

/** A JSON artefact as a view holds it: the value once loaded, or why there is none. */
export class ArtefactJson<T> {
  /** Read-only data for drawing: kept raw (a spectrogram or a volume is too large to proxy). */
  value = $state.raw<T | null>(null);
  /** The adapter wrote no such artefact: the view falls back to the PNG figures. */
  missing = $state(false);
  error = $state<unknown>(null);
}

/**
 * The JSON artefact a modality view draws from, (re)loaded whenever the result changes; `onLoad`
 * sees each loaded value (to place a cursor at the peak, say). Call while a component initialises.
 */
export function artefactJson<T>(result: () => ExplanationResult, name: string, onLoad?: (value: T) => void): ArtefactJson<T> {
  const loaded = new ArtefactJson<T>();
  $effect(() => {
    loadArtefactJson<T>(result(), name)
      .then((value) => {
        loaded.value = value;
        loaded.missing = value === null;
        if (value) onLoad?.(value);
      })
      .catch((e) => (loaded.error = e));
  });
  return loaded;
}

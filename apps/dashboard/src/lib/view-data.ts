/**
 * The numbers behind the interactive views: the JSON artefacts the audio, EEG and fMRI adapters
 * write (`audio-view.json`, `eeg-view.json`, `fmri-view.json`; see packages/modalities).
 */
import { request } from './api';
import type { ExplanationResult } from './types';

/** `values[i] / steps × scale` is value i. */
export interface QuantisedValues {
  scale: number;
  steps: number;
  values: number[];
}

export const dequantise = (q: QuantisedValues): Float32Array => Float32Array.from(q.values, (v) => (v / q.steps) * q.scale);

export interface AudioView {
  format: 'xai-audio-view';
  file: string;
  representation: 'spectrogram' | 'waveform';
  recording: { duration: number; sampleRate: number };
  window: { start: number; rate: number; samples: number };
  waveform: { columns: number; start: number; step: number; min: number[]; max: number[]; relevance: QuantisedValues };
  spectrogram?: { bins: number; frames: number; frequencyStep: number; frameStart: number; frameStep: number; relevance: QuantisedValues };
}

export interface EegView {
  format: 'xai-eeg-view';
  file: string;
  channels: string[];
  positions: ([number, number] | null)[];
  sampleRate: number;
  tmin: number;
  columns: number;
  columnSeconds: number;
  relevance: QuantisedValues;
  annotations: { onset: number; duration: number; description: string }[];
}

export interface FmriView {
  format: 'xai-fmri-view';
  file: string;
  dims: [number, number, number];
  voxelSize: [number, number, number];
  spatialUnit: string;
  affine: number[][];
  sourceOrientation: string;
  relevance: QuantisedValues;
  underlay: number[];
  underlayFile: string;
  peak: [number, number, number];
  nifti: string;
  volumesSummed: number;
}

/** Fetches a JSON artefact of a result by name; null when the adapter did not write it. */
export async function loadArtefactJson<T>(result: ExplanationResult, name: string): Promise<T | null> {
  const artefact = result.artefacts.find((a) => a.name === name);
  if (!artefact) return null;
  return (await (await request(artefact.url)).json()) as T;
}

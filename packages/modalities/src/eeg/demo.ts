/** The EEG demo: where its files live and how its model's input is prepared. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoInput, DemoModel } from '../adapter.js';
import type { EpochSpec } from './preprocess.js';
import { SYNTHETIC_CHANNELS } from './synthetic.js';

/** packages/modalities/demo/eeg (model.json, weights.bin, training.json, demo-recording.edf). */
export const EEG_DEMO_DIR = fileURLToPath(new URL('../../demo/eeg/', import.meta.url));

/** packages/modalities/demo/eeg-onnx (model.onnx, training.json): the same task as an ONNX EEGNet trained in PyTorch. */
export const EEG_ONNX_DEMO_DIR = fileURLToPath(new URL('../../demo/eeg-onnx/', import.meta.url));

export const EEG_DEMO_CLASSES = ['standard', 'target'] as const;

/** Epochs the demo model reads: 16 channels, 0.5–8 Hz, 64 Hz, −0.2…0.8 s around the stimulus, baseline-corrected. */
export const EEG_DEMO_EPOCH: EpochSpec = {
  channels: SYNTHETIC_CHANNELS,
  sampleRate: 64,
  bandpass: [0.5, 8],
  tmin: -0.2,
  samples: 64,
  baseline: [-0.2, 0],
  standardize: 'none',
};

/** Decode options that give the demo model its input ('preset: demo' plus the event to explain). */
export const EEG_DEMO_DECODE = { preset: 'demo', event: 'stimulus/target' } as const;

export const EEG_DEMO_MODELS: readonly DemoModel[] = [{
  name: 'eeg-eegnet',
  path: join(EEG_DEMO_DIR, 'model.json'),
  description: 'EEGNet-8,2 on synthetic oddball EEG (16 channels, 64 Hz, −0.2…0.8 s): standard vs. target (P300 on Cz, P3, Pz, P4)',
  classNames: EEG_DEMO_CLASSES,
  decodeOptions: EEG_DEMO_DECODE,
}, {
  name: 'eeg-eegnet-onnx',
  path: join(EEG_ONNX_DEMO_DIR, 'model.onnx'),
  description: 'EEGNet-8,2 trained in PyTorch, exported to ONNX ([N, 1, 16, 64]; channels, rate and classes in metadata_props), same data and task as eeg-eegnet',
  classNames: EEG_DEMO_CLASSES,
  decodeOptions: EEG_DEMO_DECODE,
}];

export const EEG_DEMO_INPUTS: readonly DemoInput[] = [{
  name: 'eeg-demo-recording',
  files: [join(EEG_DEMO_DIR, 'demo-recording.edf')],
  description: '120 s synthetic EDF+ recording at 256 Hz, 16 channels, stimulus annotations (the first target epoch is explained)',
  model: 'eeg-eegnet',
}, {
  name: 'eeg-demo-recording-onnx',
  files: [join(EEG_DEMO_DIR, 'demo-recording.edf')],
  description: 'the same recording for the ONNX EEGNet (channels mapped by name from its metadata; the first target epoch is explained)',
  model: 'eeg-eegnet-onnx',
}];

/**
 * The LRP configuration of the ground-truth check and the README pictures: the ε rule on every
 * layer with ε = 0.25 (activations after the merged BatchNormalizations are of order 1), which
 * absorbs the weak, mutually cancelling contributions of background activity (Montavon et al. 2019).
 */
export const EEG_DEMO_LRP = { method: 'lrp', rule: 'epsilon', epsilon: 0.25 } as const;

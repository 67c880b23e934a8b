/**
 * The parsers under fuzz, by name, as the worker runs them: each takes the files of one input and
 * either returns (the input was accepted) or throws. Only the project's own typed errors
 * (`XaiError` and its subclasses) are an acceptable refusal.
 */
import { decodeInput, loadModel } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import { composeGif, readNifti, readRecording, readWav } from '@xai/modalities';

export interface FuzzFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export const TARGET_NAMES = ['model', 'png', 'jpeg', 'npy', 'gif', 'edf', 'bdf', 'brainvision', 'nifti', 'nifti-gz', 'wav'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

registerLstmPlugin();

/** A result that is accepted but wrong (issue 15: ±1e308 physical ranges gave ±Inf/NaN samples): an untyped failure. */
function requireFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`accepted but wrong: ${what}[${i}] is ${values[i]}`);
  }
}

/**
 * Parses one input with the named parser (throws what the parser throws). Results made from
 * integer samples must also be finite: EEG channels (EDF/BDF are integers; BrainVision may be
 * float32, whose NaN the file can hold), NIfTI volumes of integer datatypes, PCM WAV audio.
 */
export async function parseWith(target: TargetName, files: readonly FuzzFile[]): Promise<void> {
  const [first] = files;
  if (!first) throw new Error('no input file');
  switch (target) {
    case 'model': {
      const shards = Object.fromEntries(files.slice(1).map((f) => [f.name, f.bytes]));
      const model = await loadModel({ modelJson: first.bytes, shards, label: first.name }, { workers: false });
      model.dispose();
      return;
    }
    case 'png':
    case 'jpeg':
    case 'npy':
      decodeInput(first.bytes, first.name);
      return;
    case 'gif':
      composeGif(first.bytes, first.name);
      return;
    case 'edf':
    case 'bdf':
    case 'brainvision': {
      const recording = readRecording(files);
      const floatData = target === 'brainvision' && new TextDecoder().decode(first.bytes).includes('IEEE_FLOAT_32');
      if (!floatData) for (const channel of recording.channels) requireFinite(channel.samples, `channel '${channel.label}'`);
      return;
    }
    case 'nifti':
    case 'nifti-gz': {
      const volume = await readNifti(first.bytes, first.name);
      if (['int', 'uint', 'rgb'].includes(volume.header.datatype.kind)) requireFinite(volume.data, 'voxel');
      return;
    }
    case 'wav': {
      const audio = readWav(first.bytes, first.name);
      if (audio.encoding === 'pcm') requireFinite(audio.samples, 'sample');
      return;
    }
  }
}

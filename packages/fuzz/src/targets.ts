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

/** Parses one input with the named parser (throws what the parser throws). */
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
    case 'brainvision':
      readRecording(files);
      return;
    case 'nifti':
    case 'nifti-gz':
      await readNifti(first.bytes, first.name);
      return;
    case 'wav':
      readWav(first.bytes, first.name);
      return;
  }
}

/** Reads the recording in a set of uploaded files, whatever its format (by extension and magic). */
import { extname } from 'node:path';
import type { InputFile } from '../adapter.js';
import { brainVisionFromFiles, readBrainVision } from './brainvision.js';
import { readEdfBytes } from './edf-reader.js';
import { InvalidEegFileError } from './errors.js';
import type { EegRecording } from './recording.js';

export interface ReadRecordingOptions {
  /** Read only these channels (saves memory on large files). */
  readonly channels?: readonly string[];
  /** EDF/BDF: read the complete records of a truncated file instead of refusing it. */
  readonly allowTruncated?: boolean;
}

/** EDF/EDF+/BDF/BDF+ (.edf, .bdf, or any file with their magic) or BrainVision (.vhdr with its .vmrk and .eeg). */
export function readRecording(files: readonly InputFile[], options: ReadRecordingOptions = {}): EegRecording {
  if (files.length === 0) throw new InvalidEegFileError('(none)', 'files', 'no EEG file given');
  if (files.some((f) => extname(f.name).toLowerCase() === '.vhdr')) return readBrainVision(brainVisionFromFiles(files), options);
  const file = files.find((f) => ['.edf', '.bdf', '.rec'].includes(extname(f.name).toLowerCase())) ?? files[0]!;
  return readEdfBytes(file.name, file.bytes, options);
}

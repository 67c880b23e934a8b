/**
 * What an input's files hold, read with the modalities' own readers (no parser of its own): the
 * facts the dashboard fills the decoding options from — an EEG recording's channels, rates and
 * annotations; a NIfTI's dims, voxel size and affine; a WAV's rate and duration.
 */
import { readNifti, readRecording, readWav, type InputFile } from '@xai/modalities';
import { readInputFiles } from './inspect-worker.js';
import { outcome } from './runtime.js';
import type { InputFactsTask, Outcome } from './task-types.js';

/** Annotation descriptions listed at most (a sleep scoring file may carry thousands). */
const MAX_DESCRIPTIONS = 200;

const round = (v: number, digits = 6) => Number(v.toFixed(digits));

function eegFacts(files: readonly InputFile[]) {
  const recording = readRecording(files);
  const groups = new Map<string, { description: string; count: number; firstOnset: number }>();
  for (const a of recording.annotations) {
    const g = groups.get(a.description);
    if (g) g.count++;
    else groups.set(a.description, { description: a.description, count: 1, firstOnset: round(a.onset) });
  }
  return {
    file: recording.file,
    format: recording.format,
    start: recording.start?.toISOString() ?? null,
    duration: round(recording.duration),
    channels: recording.channels.map((c) => ({ label: c.label, unit: c.unit, sampleRate: round(c.sampleRate) })),
    sampleRates: [...new Set(recording.channels.map((c) => round(c.sampleRate)))],
    annotations: [...groups.values()].slice(0, MAX_DESCRIPTIONS),
    annotationCount: recording.annotations.length,
  };
}

async function fmriFacts(files: readonly InputFile[]) {
  const file = files.find((f) => /\.nii(\.gz)?$/i.test(f.name)) ?? files[0]!;
  const { header } = await readNifti(file.bytes, file.name, { headerOnly: true });
  const spatial = header.shape.slice(0, 3);
  return {
    file: file.name,
    dims: [...header.shape],
    voxelSize: header.pixdim.slice(1, 1 + spatial.length).map((v) => round(v)),
    spatialUnit: header.spatialUnit,
    ...(header.shape.length > 3 ? { volumes: header.shape[3], repetitionTime: round(header.pixdim[4] ?? 0), temporalUnit: header.temporalUnit } : {}),
    datatype: header.datatype.name,
    affine: header.affine.map((row) => [...row].map((v) => round(v))),
    affineSource: header.affineSource,
  };
}

function audioFacts(files: readonly InputFile[]) {
  const file = files[0]!;
  const wav = readWav(file.bytes, file.name);
  return { file: file.name, sampleRate: wav.sampleRate, channels: wav.channels, bitsPerSample: wav.bitsPerSample, duration: round(wav.samples.length / wav.sampleRate) };
}

const READERS: Record<string, (files: readonly InputFile[]) => unknown> = { eeg: eegFacts, fmri: fmriFacts, audio: audioFacts };

export async function inputFacts(task: InputFactsTask): Promise<Outcome<Record<string, unknown>>> {
  return outcome(async () => {
    const read = READERS[task.modality];
    const base = { modality: task.modality, files: task.files.map((f) => f.name) };
    if (!read) return base;
    return { ...base, ...((await read(await readInputFiles(task.files))) as Record<string, unknown>) };
  }, true);
}

/**
 * Writes the EEG demo's epochs as NumPy .npy files for the PyTorch EEGNet (eeg-onnx-train.py):
 * the same synthetic oddball recordings eeg-make-data.ts writes (seeds 1…8, 300 s; 1–6 train,
 * 7–8 test), each written as EDF+ and read back with the project's reader, then cut with the demo's
 * pre-processing (EEG_DEMO_EPOCH: 16 channels, 0.5–8 Hz, 64 Hz, −0.2…0.8 s, baseline) — exactly
 * what the EEG adapter feeds a model at explain time. Also the committed demo recording's epochs.
 *
 *   npx tsx packages/modalities/scripts/eeg-onnx-export-epochs.ts [--out DIR]
 *
 * DIR (default: <tmp>/xai-eeg-onnx) receives {train,test,demo}-x.npy (float32 [N, 1, 16, 64],
 * braindecode/EEGNet layout), {train,test,demo}-y.npy (int64, 1 = target) and epochs.json (channels,
 * sampling rate, window, classes, pre-processing, recordings). Run by hand, never by CI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EEG_DEMO_CLASSES, EEG_DEMO_EPOCH, EEG_DEMO_INPUTS } from '../src/eeg/demo.js';
import { readEdfBytes, readEdfFile } from '../src/eeg/edf-reader.js';
import { extractEpochs, findEvents } from '../src/eeg/preprocess.js';
import type { EegRecording } from '../src/eeg/recording.js';
import { syntheticEdf } from './eeg-make-data.js';

/** As eeg-make-data.ts's defaults (the tfjs demo model's data). */
const RECORDINGS = 8;
const SECONDS = 300;
const TEST_RECORDINGS = 2;

/** A C-order little-endian .npy file, format 1.0 (numpy/lib/format.py), header padded to 64 bytes. */
function npy(data: Float32Array | BigInt64Array, shape: readonly number[]): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : '<i8';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** Epochs [N, 1, C, T] and labels of every stimulus of the recordings. */
export function stimulusEpochs(recordings: readonly EegRecording[]) {
  const xs: Float32Array[] = [];
  const labels: bigint[] = [];
  for (const rec of recordings) {
    const events = findEvents(rec, /^stimulus\//);
    extractEpochs(rec, events.map((e) => e.onset), EEG_DEMO_EPOCH).forEach((e, i) => {
      xs.push(e.data);
      labels.push(events[i]!.description === 'stimulus/target' ? 1n : 0n);
    });
  }
  const [C, T] = [EEG_DEMO_EPOCH.channels!.length, EEG_DEMO_EPOCH.samples!];
  const x = new Float32Array(xs.length * C * T);
  xs.forEach((e, i) => x.set(e, i * C * T));
  return { x, y: BigInt64Array.from(labels), shape: [xs.length, 1, C, T] };
}

function main() {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(tmpdir(), 'xai-eeg-onnx') } } });
  const out = values.out!;
  mkdirSync(out, { recursive: true });
  const names: string[] = [];
  const recordings = Array.from({ length: RECORDINGS }, (_, k) => {
    const name = `rec-${String(k + 1).padStart(2, '0')}.edf`;
    names.push(name);
    return readEdfBytes(name, syntheticEdf(SECONDS, k + 1));
  });
  const demoFile = EEG_DEMO_INPUTS[0]!.files[0]!;
  const sets = {
    train: stimulusEpochs(recordings.slice(0, -TEST_RECORDINGS)),
    test: stimulusEpochs(recordings.slice(-TEST_RECORDINGS)),
    demo: stimulusEpochs([readEdfFile(demoFile)]),
  };
  for (const [set, { x, y, shape }] of Object.entries(sets)) {
    writeFileSync(join(out, `${set}-x.npy`), npy(x, shape));
    writeFileSync(join(out, `${set}-y.npy`), npy(y, [y.length]));
    console.log(`${set}: ${shape[0]} epochs (${y.filter((v) => v === 1n).length} targets)`);
  }
  const spec = EEG_DEMO_EPOCH;
  writeFileSync(join(out, 'epochs.json'), JSON.stringify({
    channels: spec.channels,
    sampleRate: spec.sampleRate,
    tmin: spec.tmin,
    tmax: spec.tmin + spec.samples! / spec.sampleRate!,
    samples: spec.samples,
    classes: EEG_DEMO_CLASSES,
    preprocessing: spec,
    events: '/^stimulus\\//',
    layout: 'N × 1 × channels × time',
    data: {
      generator: 'scripts/eeg-make-data.ts (syntheticEdf), via scripts/eeg-onnx-export-epochs.ts',
      seconds: SECONDS,
      trainRecordings: names.slice(0, -TEST_RECORDINGS),
      testRecordings: names.slice(-TEST_RECORDINGS),
      demoRecording: 'demo/eeg/demo-recording.edf',
    },
  }, null, 2) + '\n');
  console.log(`wrote ${out}`);
}

if (process.argv[1]?.endsWith('eeg-onnx-export-epochs.ts')) main();

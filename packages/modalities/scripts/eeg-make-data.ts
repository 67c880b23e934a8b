/**
 * Writes the synthetic EEG oddball data set as EDF+ files (see src/eeg/synthetic.ts):
 *
 *   npx tsx packages/modalities/scripts/eeg-make-data.ts [--out DIR] [--recordings 8] [--seconds 300]
 *
 * DIR (default: <tmp>/xai-eeg-data) receives rec-01.edf … (training and test recordings, seeds 1…N);
 * packages/modalities/demo/eeg/demo-recording.edf (120 s, seed 1000, 1 MB) is the small committed one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EEG_DEMO_DIR } from '../src/eeg/demo.js';
import { writeEdfPlus } from '../src/eeg/edf-writer.js';
import { syntheticEeg } from '../src/eeg/synthetic.js';

export const DEMO_RECORDING_SEED = 1000;
export const DEMO_RECORDING_SECONDS = 120;

/** One synthetic recording as EDF+ bytes (µV, physical range ±500 µV like a typical amplifier export). */
export function syntheticEdf(seconds: number, seed: number): Uint8Array {
  const eeg = syntheticEeg({ seconds, seed });
  return writeEdfPlus(
    eeg.channels.map((c) => ({
      label: `EEG ${c.label}`, unit: 'uV', sampleRate: eeg.sampleRate, samples: c.samples, transducer: 'synthetic', prefilter: 'none',
      physicalMin: -500, physicalMax: 500,
    })),
    {
      start: new Date(Date.UTC(2024, 0, 15, 9, 0, 0) + seed * 3_600_000),
      annotations: eeg.annotations,
      patient: `SYN-${seed} X X Synthetic_subject`,
      recording: 'xai-demo X xai-eeg-make-data',
    },
  );
}

function main() {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: join(tmpdir(), 'xai-eeg-data') }, recordings: { type: 'string', default: '8' }, seconds: { type: 'string', default: '300' } },
  });
  const out = values.out!;
  mkdirSync(out, { recursive: true });
  for (let seed = 1; seed <= Number(values.recordings); seed++) {
    const path = join(out, `rec-${String(seed).padStart(2, '0')}.edf`);
    writeFileSync(path, syntheticEdf(Number(values.seconds), seed));
    console.log(`wrote ${path}`);
  }
  mkdirSync(EEG_DEMO_DIR, { recursive: true });
  const demo = join(EEG_DEMO_DIR, 'demo-recording.edf');
  writeFileSync(demo, syntheticEdf(DEMO_RECORDING_SECONDS, DEMO_RECORDING_SEED));
  console.log(`wrote ${demo}`);
}

if (process.argv[1]?.endsWith('eeg-make-data.ts')) main();

/**
 * Synthesises the spoken-digit demo corpus with espeak-ng (Debian package `espeak-ng`):
 * the words "zero" … "nine" in 8 English accents × 17 voice variants, each at a seeded random
 * speed (125–215 words/min) and pitch (30–70). Every recording is trimmed of leading/trailing
 * silence, resampled to 8 kHz with the package's own resampler and written as mono 16-bit WAV.
 *
 * The split is by voice variant (a speaker, in effect), so test voices are never heard in training:
 *   train  12 variants × 8 accents × 10 digits × 2 renditions → demo/audio/train-cache/ (not committed)
 *   val     2 variants × 8 accents × 10 digits               → demo/audio/train-cache/ (not committed)
 *   test    3 variants × 8 accents × 10 digits               → demo/audio/test/        (committed)
 * and demo/audio/digits.json lists the test files with their digit, accent, variant, speed and pitch.
 *
 *   npx tsx packages/modalities/scripts/audio-make-digits.ts
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mulberry32 } from '@xai/core';
import { AUDIO_DEMO_DIR, DIGIT_CLASSES } from '../src/audio/demo.js';
import { resample } from '../src/dsp/resample.js';
import { readWav, writeWav } from '../src/audio/wav.js';

const run = promisify(execFile);
const ESPEAK = process.env.ESPEAK ?? 'espeak-ng';
const RATE = 8000;

export const ACCENTS = ['en', 'en-us', 'en-gb-scotland', 'en-gb-x-rp', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-029', 'en-us-nyc'] as const;
export const SPLITS = {
  train: { variants: ['m1', 'm2', 'm4', 'm5', 'm7', 'm8', 'f1', 'f3', 'f5', 'klatt', 'klatt3', 'klatt4'], renditions: 2 },
  val: { variants: ['m6', 'f4'], renditions: 1 },
  test: { variants: ['m3', 'f2', 'klatt2'], renditions: 1 },
} as const;
export type Split = keyof typeof SPLITS;

export const TRAIN_CACHE = join(AUDIO_DEMO_DIR, 'train-cache');
export const TEST_DIR = join(AUDIO_DEMO_DIR, 'test');
export const MANIFEST = join(AUDIO_DEMO_DIR, 'digits.json');

export interface DigitFile {
  readonly file: string;
  readonly split: Split;
  readonly digit: number;
  readonly accent: string;
  readonly variant: string;
  readonly speed: number;
  readonly pitch: number;
  readonly seconds: number;
}

/** Folder of a split's files. */
export const splitDir = (split: Split) => (split === 'test' ? TEST_DIR : TRAIN_CACHE);

/** Leading/trailing samples below 1% of the peak removed, 10 ms kept on either side. */
function trimSilence(x: Float32Array, rate: number): Float32Array {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  const threshold = 0.01 * peak;
  let a = 0;
  let b = x.length - 1;
  while (a < b && Math.abs(x[a]!) < threshold) a++;
  while (b > a && Math.abs(x[b]!) < threshold) b--;
  const margin = Math.round(0.01 * rate);
  return x.slice(Math.max(0, a - margin), Math.min(x.length, b + 1 + margin));
}

async function synthesise(word: string, voice: string, speed: number, pitch: number, path: string): Promise<Float32Array> {
  await run(ESPEAK, ['-v', voice, '-s', String(speed), '-p', String(pitch), '-w', path, word]);
  const wav = readWav(new Uint8Array(readFileSync(path)), path);
  rmSync(path);
  return resample(trimSilence(wav.samples, wav.sampleRate), wav.sampleRate, RATE);
}

async function main() {
  const scratch = join(tmpdir(), `xai-digits-${process.pid}`);
  mkdirSync(scratch, { recursive: true });
  rmSync(TRAIN_CACHE, { recursive: true, force: true });
  rmSync(TEST_DIR, { recursive: true, force: true });
  mkdirSync(TRAIN_CACHE, { recursive: true });
  mkdirSync(TEST_DIR, { recursive: true });
  const random = mulberry32(2018);
  const jobs: (() => Promise<DigitFile>)[] = [];
  for (const [split, { variants, renditions }] of Object.entries(SPLITS) as [Split, (typeof SPLITS)[Split]][]) {
    for (const variant of variants) {
      for (const accent of ACCENTS) {
        for (let digit = 0; digit < 10; digit++) {
          for (let k = 0; k < renditions; k++) {
            const speed = 125 + Math.floor(random() * 91);
            const pitch = 30 + Math.floor(random() * 41);
            const file = `${digit}_${accent}_${variant}_${k}.wav`;
            jobs.push(async () => {
              const samples = await synthesise(DIGIT_CLASSES[digit]!, `${accent}+${variant}`, speed, pitch, join(scratch, file));
              if (samples.length > RATE) throw new Error(`${file}: ${samples.length / RATE} s is longer than the 1 s window`);
              writeFileSync(join(splitDir(split), file), writeWav(samples, RATE, '16'));
              return { file, split, digit, accent, variant, speed, pitch, seconds: samples.length / RATE };
            });
          }
        }
      }
    }
  }
  const files: DigitFile[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      files[i] = await jobs[i]!();
      if (i % 200 === 0) console.log(`${i}/${jobs.length}`);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  rmSync(scratch, { recursive: true, force: true });
  const count = (s: Split) => files.filter((f) => f.split === s).length;
  const longest = Math.max(...files.map((f) => f.seconds));
  writeFileSync(MANIFEST, JSON.stringify({
    generator: 'scripts/audio-make-digits.ts',
    espeak: (await run(ESPEAK, ['--version'])).stdout.trim(),
    sampleRate: RATE,
    accents: ACCENTS,
    splits: SPLITS,
    counts: { train: count('train'), val: count('val'), test: count('test') },
    longestSeconds: longest,
    // the training and validation files are reproduced by this script (train-cache/, not committed)
    testFiles: files.filter((f) => f.split === 'test').map(({ split: _, ...f }) => f),
  }, null, 1).replace(/\{\n\s+("file"[^}]*)\n\s+\}/g, (_, body: string) => `{ ${body.replace(/\n\s+/g, ' ')} }`) + '\n');
  console.log(`train ${count('train')}, val ${count('val')}, test ${count('test')} recordings; longest ${longest.toFixed(3)} s`);
}

if (process.argv[1]?.endsWith('audio-make-digits.ts')) await main();

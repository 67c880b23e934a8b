/**
 * Benchmark (not a test): time and peak memory to read a 64-channel, 1-hour, 512 Hz BDF+ file.
 *
 *   npx tsx packages/modalities/bench/eeg-read.ts [--keep DIR]
 *
 * Writes the file (354 MB, streamed record by record) into a temporary folder, then reads it in
 * fresh child processes — from disk in bounded chunks (readEdfFile) and from one in-memory buffer
 * (readFileSync + readEdfBytes, as an upload arrives) — and prints wall time, peak RSS and the
 * memory the samples themselves take (64 × 1 843 200 float32 = 472 MB).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEdfBytes, readEdfFile } from '../src/eeg/edf-reader.js';
import { EdfPlusWriter } from '../src/eeg/edf-writer.js';

const CHANNELS = 64;
const RATE = 512;
const SECONDS = 3600;

function writeBenchFile(path: string): void {
  const signals = Array.from({ length: CHANNELS }, (_, c) => ({ label: `EEG E${c + 1}`, unit: 'uV', sampleRate: RATE, physicalMin: -262144, physicalMax: 262143 }));
  const annotations = Array.from({ length: SECONDS / 2 }, (_, k) => ({ onset: 1 + 2 * k, duration: 0, description: k % 4 === 0 ? 'stimulus/target' : 'stimulus/standard' }));
  const writer = new EdfPlusWriter(signals, SECONDS, 1, { format: 'BDF+', start: new Date(Date.UTC(2024, 0, 1, 9)), annotations });
  const fd = openSync(path, 'w');
  writeSync(fd, writer.header());
  const row = new Float32Array(RATE);
  const record = new Uint8Array(writer.recordSize);
  let seed = 1;
  for (let k = 0; k < SECONDS; k++) {
    writer.record(k, (c) => {
      for (let j = 0; j < RATE; j++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        row[j] = 40 * Math.sin((2 * Math.PI * (8 + c / 8) * (k * RATE + j)) / RATE) + (seed / 2 ** 32 - 0.5) * 20;
      }
      return row;
    }, record);
    writeSync(fd, record);
  }
  closeSync(fd);
}

/** Child: read once and report JSON. */
function measure(path: string, how: 'file' | 'bytes'): void {
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const rec = how === 'file' ? readEdfFile(path) : readEdfBytes(path, readFileSync(path));
  const seconds = (performance.now() - t0) / 1000;
  const samples = rec.channels.reduce((n, c) => n + c.samples.length, 0);
  console.log(JSON.stringify({
    how, seconds, samples, annotations: rec.annotations.length, channels: rec.channels.length,
    peakRssMB: process.resourceUsage().maxRSS / 1024, startRssMB: before / 2 ** 20, sampleMB: (samples * 4) / 2 ** 20,
  }));
}

const args = process.argv.slice(2);
if (args[0] === '--measure') {
  measure(args[1]!, args[2] as 'file' | 'bytes');
} else {
  const keep = args[0] === '--keep' ? args[1] : undefined;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'xai-eeg-bench-'));
  const path = join(dir, 'bench-64ch-1h-512Hz.bdf');
  try {
    let t0 = performance.now();
    writeBenchFile(path);
    console.log(`wrote ${path}: ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const self = fileURLToPath(import.meta.url);
    for (const how of ['file', 'bytes', 'file'] as const) {
      t0 = performance.now();
      const out = execFileSync(process.execPath, [...process.execArgv, self, '--measure', path, how], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const r = JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; peakRssMB: number; startRssMB: number; sampleMB: number; samples: number; annotations: number };
      console.log(`read (${how === 'file' ? 'readEdfFile, 16 MiB chunks' : 'readFileSync + readEdfBytes'}): ${r.seconds.toFixed(2)} s, peak RSS ${r.peakRssMB.toFixed(0)} MiB `
        + `(process at start ${r.startRssMB.toFixed(0)} MiB; samples ${r.sampleMB.toFixed(0)} MiB = ${r.samples} float32), ${r.annotations} annotations`);
    }
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Time and peak memory to read a 128×128×64×200 int16 NIfTI run (419 MB of voxels, 839 MB as
 * float32), plain and gzip-compressed, streamed from disk (`readNiftiFile`) and from bytes in
 * memory (`readNifti`, what an upload gives the adapter). Each case runs in its own process so its
 * peak resident set (getrusage maxrss) is its own.
 *
 *   npx tsx packages/modalities/bench/fmri-read.ts [dir]     (default: the OS temp folder; needs ~0.9 GB of disk)
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { mulberry32 } from '@xai/core';
import { readNifti, readNiftiFile } from '../src/fmri/nifti-read.js';
import { writeNifti } from '../src/fmri/nifti-write.js';

const SHAPE = [128, 128, 64, 200] as const;
const MB = 2 ** 20;

/** A header for the run (the writer's, with the data cut off), then the volumes one at a time. */
async function generate(path: string, gzip: boolean): Promise<void> {
  const [ni, nj, nk, nt] = SHAPE;
  const header = writeNifti({ data: new Float32Array(1), shape: [1, 1, 1], affine: [[-2, 0, 0, 128], [0, 2, 0, -128], [0, 0, 2, -64], [0, 0, 0, 1]], datatype: 'int16' }).slice(0, 352);
  const dv = new DataView(header.buffer);
  dv.setInt16(40, 4, true);
  SHAPE.forEach((d, k) => dv.setInt16(42 + 2 * k, d, true));
  dv.setFloat32(88, 2, true); // pixdim[4]: TR 2 s
  dv.setFloat32(112, 0.5, true); // scl_slope
  dv.setFloat32(116, 100, true); // scl_inter
  header[123] = 2 | 8; // mm, s
  const out = createWriteStream(path);
  const sink = gzip ? createGzip({ level: 6 }) : out;
  if (gzip) sink.pipe(out);
  const write = (chunk: Uint8Array) => new Promise<void>((resolve, reject) => (sink.write(chunk, (err) => (err ? reject(err) : resolve()))));
  await write(header);
  const rand = mulberry32(1);
  const base = new Int16Array(ni * nj * nk);
  for (let k = 0, p = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++, p++) {
    const r = Math.hypot((i - 64) / 56, (j - 64) / 60, (k - 32) / 28);
    base[p] = r < 1 ? Math.round(1500 + 400 * Math.cos(i / 7) * Math.sin(j / 9)) : 0;
  }
  const volume = new Int16Array(base.length);
  for (let t = 0; t < nt; t++) {
    for (let p = 0; p < base.length; p++) volume[p] = base[p] === 0 ? 0 : base[p]! + Math.round(30 * (rand() - 0.5));
    await write(new Uint8Array(volume.buffer.slice(0)));
  }
  await new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
    sink.end();
  });
}

/** Output axis orders: nibabel's data[i][j][k][t], the adapter's batch of volumes data[t][i][j][k], the file's own order. */
const ORDERS: Record<string, number[]> = { nibabel: [0, 1, 2, 3], batch: [3, 0, 1, 2], file: [3, 2, 1, 0] };

/** Child: read once, print JSON with seconds, maxrss and an order-independent checksum. */
async function child(mode: string, path: string, order = 'nibabel'): Promise<void> {
  const axes = ORDERS[order]!;
  const t0 = performance.now();
  const v = mode === 'file' ? await readNiftiFile(path, { axes }) : await readNifti(new Uint8Array(readFileSync(path)), path, { axes });
  const seconds = (performance.now() - t0) / 1000;
  let sum = 0;
  for (let p = 0; p < v.data.length; p++) sum += v.data[p]!;
  console.log(JSON.stringify({ seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, voxels: v.data.length, outputMB: v.data.byteLength / MB, checksum: sum }));
}

/** Child: the resident set of the runtime, the modules and an empty float32 output of the same size. */
function baseline(): void {
  const data = new Float32Array(SHAPE.reduce((a, b) => a * b, 1)).fill(1);
  console.log(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024, outputMB: data.byteLength / MB }));
}

async function main() {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!, process.argv[5]);
  if (process.argv[2] === '--baseline') return baseline();
  const dir = process.argv[2] ?? join(tmpdir(), 'xai-fmri-bench');
  mkdirSync(dir, { recursive: true });
  const files = { plain: join(dir, 'run-128x128x64x200.nii'), gzip: join(dir, 'run-128x128x64x200.nii.gz') };
  for (const [kind, path] of Object.entries(files)) {
    if (existsSync(path)) continue;
    const t0 = performance.now();
    await generate(path, kind === 'gzip');
    console.log(`generated ${path} (${(statSync(path).size / MB).toFixed(0)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const script = fileURLToPath(import.meta.url);
  const run = (...args: string[]) => JSON.parse(execFileSync(process.execPath, [...process.execArgv, script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!);
  const base = run('--baseline');
  console.log(`\nbaseline (Node + modules + a filled ${base.outputMB.toFixed(0)} MB Float32Array): peak RSS ${base.maxRssMB.toFixed(0)} MB\n`);
  console.log('| file | size | read from | output order | time | peak RSS | RSS above baseline |');
  console.log('|---|---|---|---|---|---|---|');
  const checks = new Set<string>();
  const cases: [keyof typeof files, string, string][] = [
    ['plain', 'file', 'nibabel'], ['plain', 'bytes', 'nibabel'], ['gzip', 'file', 'nibabel'], ['gzip', 'bytes', 'nibabel'],
    ['gzip', 'file', 'batch'], ['gzip', 'file', 'file'], ['plain', 'file', 'file'],
  ];
  for (const [kind, mode, order] of cases) {
    const path = files[kind];
    const r = run('--child', mode, path, order);
    checks.add(r.checksum.toPrecision(12));
    const orderText = { nibabel: 'i, j, k, t (nibabel)', batch: 't, i, j, k (adapter batch)', file: 't, k, j, i (file order)' }[order];
    console.log(`| ${kind === 'gzip' ? '.nii.gz' : '.nii'} | ${(statSync(path).size / MB).toFixed(0)} MB | ${mode === 'file' ? 'disk (stream)' : 'bytes in memory'} | ${orderText} | ${r.seconds.toFixed(2)} s | ${r.maxRssMB.toFixed(0)} MB | ${(r.maxRssMB - base.maxRssMB).toFixed(0)} MB |`);
  }
  if (checks.size !== 1) throw new Error(`the reads disagree: ${[...checks].join(', ')}`);
  console.log(`\n${SHAPE.join('×')} int16 voxels → ${(SHAPE.reduce((a, b) => a * b, 1) * 4 / MB).toFixed(0)} MB float32; every read gives the same values (checksum).`);
}

await main();

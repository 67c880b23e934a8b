import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { writeBenchmark, type BenchmarkResult } from '@xai/eval';
import type { BenchmarkOutput, JobFile } from './task-types.js';

const MEDIA: Record<string, string> = { '.json': 'application/json', '.csv': 'text/csv; charset=utf-8', '.md': 'text/markdown; charset=utf-8' };
const DESCRIPTIONS: Record<string, string> = {
  'benchmark.json': 'the whole result: table, per-sample scores, curves, details',
  'benchmark-table.csv': 'method × metric table (mean, standard error, n)',
  'benchmark-scores.csv': 'per-sample scores',
  'benchmark-curves.csv': 'perturbation curves per sample and their mean',
  'benchmark.md': 'the table as Markdown',
};

/** Writes the eval runner's files into `outDir` and lists them with the table: a benchmark job's result. */
export async function writeBenchmarkOutput(result: BenchmarkResult, outDir: string): Promise<BenchmarkOutput> {
  const paths = await writeBenchmark(result, outDir);
  const files: JobFile[] = [];
  for (const path of paths) {
    const name = basename(path);
    const ext = name.slice(name.lastIndexOf('.'));
    files.push({ name, mediaType: MEDIA[ext] ?? 'application/octet-stream', description: DESCRIPTIONS[name] ?? name, file: name, size: (await stat(path)).size });
  }
  return { samples: result.samples, table: JSON.parse(JSON.stringify(result.table, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) as unknown[], files };
}

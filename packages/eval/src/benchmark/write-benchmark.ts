import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@xai/core';
import { benchmarkToCsv, benchmarkToJson, benchmarkToMarkdown } from './export.js';
import type { BenchmarkResult } from './run-benchmark.js';

/**
 * Writes `<name>.json` (everything), `<name>-table.csv`, `<name>-scores.csv`, `<name>-curves.csv`
 * and `<name>.md` into `dir` (created if missing); returns the paths.
 */
export async function writeBenchmark(result: BenchmarkResult, dir: string, name = 'benchmark'): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    [`${name}.json`, benchmarkToJson(result)],
    [`${name}-table.csv`, benchmarkToCsv(result, 'table')],
    [`${name}-scores.csv`, benchmarkToCsv(result, 'scores')],
    [`${name}-curves.csv`, benchmarkToCsv(result, 'curves')],
    [`${name}.md`, benchmarkToMarkdown(result)],
  ];
  const paths: string[] = [];
  for (const [file, text] of files) {
    const path = join(dir, file);
    await writeFileAtomic(path, text);
    paths.push(path);
  }
  return paths;
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { meanCurve, summarise, type BenchmarkResult, type CurveSummary, type TableRow } from '@xai/eval';

/** A chunk's benchmark.json (NaN written as null) read back with NaN. */
export async function readChunkResult(dir: string): Promise<BenchmarkResult> {
  const text = await readFile(join(dir, 'benchmark.json'), 'utf8');
  return JSON.parse(text, (_k, v: unknown) => (v === null ? NaN : v)) as BenchmarkResult;
}

const numbers = (values: readonly number[]) => values.map((v) => (v === null ? NaN : v));

/**
 * The result of a benchmark run in chunks of consecutive samples, as one run over all samples
 * gives it: per-sample scores, targets, curves and details concatenated in sample order; the
 * table's mean, standard error and n and the mean curves computed again over all samples. A cell
 * that failed in any chunk fails with that chunk's error (a whole run would have stopped there too).
 */
export function mergeBenchmarkResults(chunks: readonly BenchmarkResult[]): BenchmarkResult {
  const first = chunks[0];
  if (!first) throw new Error('no chunk results to merge');
  if (chunks.length === 1) return first;
  const count = chunks.reduce((n, c) => n + c.samples.count, 0);
  const cell = (c: BenchmarkResult, method: string, metric: string) => c.table.find((r) => r.method === method && r.metric === metric);
  const table: TableRow[] = first.table.map((row) => {
    const failed = chunks.map((c) => cell(c, row.method, row.metric)).find((r) => r?.error && r.n === 0 && !r.error.startsWith('no sample has a score'));
    if (failed) return { method: row.method, metric: row.metric, direction: row.direction, mean: NaN, stderr: NaN, n: 0, error: failed.error! };
    const values = chunks.flatMap((c) => numbers(c.scores.find((s) => s.method === row.method && s.metric === row.metric)?.values ?? []));
    const summary = summarise(values);
    // "no sample has a score" names the count: say it for all samples
    const why = summary.n === 0 ? { error: `no sample has a score: of ${count}, each is undefined — ${(row.error ?? '').split(' — ').slice(1).join(' — ') || 'the metric is not defined for these samples'}` } : {};
    return { method: row.method, metric: row.metric, direction: row.direction, ...summary, ...why };
  });
  const scores = first.scores.map((s) => ({ method: s.method, metric: s.metric, values: chunks.flatMap((c) => numbers(c.scores.find((o) => o.method === s.method && o.metric === s.metric)?.values ?? [])) }));
  const curves: CurveSummary[] = first.curves.map((curve) => {
    const values = chunks.flatMap((c) => c.curves.find((o) => o.method === curve.method && o.metric === curve.metric)?.values ?? []).map(numbers);
    return { ...curve, mean: meanCurve(values), values };
  });
  const details = first.details.map((d) => ({
    method: d.method,
    metric: d.metric,
    values: Object.fromEntries(Object.keys(d.values).map((key) => [key, chunks.flatMap((c) => numbers(c.details.find((o) => o.method === d.method && o.metric === d.metric)?.values[key] ?? []))])),
  }));
  const sum = (pick: (c: BenchmarkResult) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const c of chunks) for (const [k, v] of Object.entries(pick(c))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  return {
    ...first,
    samples: { ...first.samples, count },
    targets: chunks.flatMap((c) => c.targets),
    table,
    scores,
    curves,
    details,
    // summed over chunks: the work done, not the wall-clock time of the parallel run
    timing: { totalMs: chunks.reduce((t, c) => t + c.timing.totalMs, 0), explainMs: sum((c) => c.timing.explainMs), metricMs: sum((c) => c.timing.metricMs) },
  };
}

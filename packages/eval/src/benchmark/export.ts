import type { BenchmarkResult } from './run-benchmark.js';

export interface JsonOptions {
  /** Include wall-clock timings (default true); leave them out to compare runs byte for byte. */
  readonly timing?: boolean;
  readonly indent?: number;
}

/** The whole result as JSON (NaN and ±Infinity become null). */
export function benchmarkToJson(result: BenchmarkResult, options: JsonOptions = {}): string {
  const { timing, ...rest } = result;
  return JSON.stringify(options.timing === false ? rest : { ...rest, timing }, null, options.indent ?? 2);
}

const cell = (v: unknown): string => {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (rows: unknown[][]): string => rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';

export type CsvTable = 'table' | 'scores' | 'curves';

/**
 * CSV in long format: 'table' (method, metric, direction, mean, stderr, n, error), 'scores'
 * (method, metric, sample, target, score) or 'curves' (method, metric, sample, x, label, y; sample
 * "mean" for the mean curve). Undefined values are empty cells.
 */
export function benchmarkToCsv(result: BenchmarkResult, which: CsvTable = 'table'): string {
  switch (which) {
    case 'table':
      return csv([['method', 'metric', 'direction', 'mean', 'stderr', 'n', 'error'], ...result.table.map((r) => [r.method, r.metric, r.direction, r.mean, r.stderr, r.n, r.error])]);
    case 'scores':
      return csv([
        ['method', 'metric', 'sample', 'target', 'score'],
        ...result.scores.flatMap((s) => s.values.map((v, i) => [s.method, s.metric, i, result.targets[i], v])),
      ]);
    case 'curves':
      return csv([
        ['method', 'metric', 'sample', 'x', 'label', 'y'],
        ...result.curves.flatMap((c) => [
          ...c.values.flatMap((row, i) => row.map((y, k) => [c.method, c.metric, i, c.x[k], c.labels?.[k], y])),
          ...c.mean.map((y, k) => [c.method, c.metric, 'mean', c.x[k], c.labels?.[k], y]),
        ]),
      ]);
  }
}

const fmt = (v: number): string => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(4).replace(/\.?0+$/, '')) : '–');

/** The table as Markdown: methods as rows, metrics as columns with ↑/↓, cells "mean ± stderr". */
export function benchmarkToMarkdown(result: BenchmarkResult): string {
  const metrics = result.metrics.map((m) => m.label);
  const header = `| method | ${result.metrics.map((m) => `${m.label} ${m.direction === 'higher' ? '↑' : '↓'}`).join(' | ')} |`;
  const rule = `|---|${metrics.map(() => '---').join('|')}|`;
  const rows = result.methods.map((m) => {
    const cells = metrics.map((metric) => {
      const r = result.table.find((t) => t.method === m.label && t.metric === metric);
      if (!r) return '';
      if (r.error) return `error: ${r.error.replace(/\|/g, '\\|')}`;
      return Number.isFinite(r.stderr) ? `${fmt(r.mean)} ± ${fmt(r.stderr)}` : fmt(r.mean);
    });
    return `| ${m.label.replace(/\|/g, '\\|')} | ${cells.join(' | ')} |`;
  });
  const notes = result.metrics.map((m) => `- **${m.label}** (${m.category}): ${m.reference}`);
  return [
    `Benchmark on ${result.samples.count} samples of shape [${result.samples.shape}], seed ${result.seed}, explaining the ${result.target} class. ↑ higher is better, ↓ lower is better; mean ± standard error over samples.`,
    '',
    header,
    rule,
    ...rows,
    '',
    ...notes,
    '',
  ].join('\n');
}

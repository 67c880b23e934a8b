import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEMO_MODEL, generateShapes, initBackend, InvalidArgumentError, loadModel, stopWorkers, type XaiModel } from '@xai/core';
import type { MethodConfig } from '../data/explainer.js';
import { writeBenchmark } from '../benchmark/write-benchmark.js';
import { benchmarkToMarkdown } from '../benchmark/export.js';
import { DEFAULT_BENCHMARK_SEED, DEFAULT_DATA_SEED, runBenchmark, type BenchmarkProgress, type BenchmarkSamples, type MetricConfig } from '../benchmark/run-benchmark.js';
import { metricCatalog } from '../registry/registry.js';

export const USAGE = `usage: xai-benchmark --model <model.json|folder|demo> --data <demo:N[:seed]|data.json|folder|zip>
                     --methods <m1,m2|JSON list> --metrics <k1,k2|JSON list>
                     [--out <dir>] [--seed <n>] [--batch-size <n>] [--target label|predicted]
       xai-benchmark --list-metrics

--data demo:N[:seed]   N generated shapes (32×32×3) with object masks, as the demo model was trained on
                       (data seed 1 unless given; --seed, of the benchmark's random choices, is 0 unless given:
                       the server's and the dashboard's defaults too)
--data data.json       {"shape": [...], "inputs": [flat numbers] or [[per sample]], "labels": [...],
                        "masks"?: [flat] or [[per sample]], "channels"?: "last"|"none"}
--data <folder|zip>    (xai benchmark) a data set of inputs of any modality, decoded for the model: labels
                       from labels.csv (file,label[,mask]) or class sub-folders; masks/<stem>.png|.npy optional
--methods              names (lrp,gradient) or JSON: [{"method":"lrp","options":{"composite":"epsilon_plus"}}]
--metrics              names (pixel_flipping,relevance_mass_accuracy) or JSON: [{"name":"road","options":{...}}]`;

/** Reads a data set that is neither demo:N nor .json (a folder or .zip: the xai CLI reads them with @xai/modalities). */
export type DataReader = (spec: string, model: XaiModel) => Promise<BenchmarkSamples>;

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (text: string) => void;
  /** Whether err is a terminal (a redrawn bar) or a log (a line per task). */
  readonly tty: boolean;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (text) => process.stderr.write(text),
  tty: !!process.stderr.isTTY,
};

function parseList<T>(text: string, key: 'method' | 'name'): T[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed) as unknown;
    if (!Array.isArray(parsed)) throw new InvalidArgumentError(`expected a JSON list, got ${trimmed.slice(0, 40)}`);
    return parsed.map((v) => (typeof v === 'string' ? ({ [key]: v } as T) : (v as T)));
  }
  return trimmed.split(',').map((s) => s.trim()).filter(Boolean).map((s) => ({ [key]: s }) as T);
}

const flat = (v: unknown): number[] => (Array.isArray(v) ? (v as unknown[]).flat(Infinity as 1) as number[] : []);

async function readSamples(spec: string, model: XaiModel, readData?: DataReader): Promise<BenchmarkSamples> {
  const demo = /^demo:(\d+)(?::(\d+))?$/.exec(spec);
  if (demo) {
    const data = generateShapes(Number(demo[1]), Number(demo[2] ?? DEFAULT_DATA_SEED));
    return { inputs: data.images, shape: [32, 32, 3], labels: data.labels, masks: data.masks };
  }
  if (!spec.toLowerCase().endsWith('.json')) {
    if (readData) return readData(spec, model);
    if (/\.zip$/i.test(spec) || (await stat(spec).catch(() => null))?.isDirectory()) {
      throw new InvalidArgumentError(`--data ${spec}: a folder or .zip data set is read by \`xai benchmark\` (through @xai/modalities); xai-benchmark takes demo:N or a .json file`);
    }
  }
  const json = JSON.parse(await readFile(spec, 'utf8')) as { shape?: number[]; inputs?: unknown; labels?: number[]; masks?: unknown; channels?: 'last' | 'none' };
  if (!Array.isArray(json.shape) || !json.inputs || !Array.isArray(json.labels)) {
    throw new InvalidArgumentError(`${spec}: a data file needs "shape", "inputs" and "labels"`);
  }
  return {
    inputs: Float32Array.from(flat(json.inputs)),
    shape: json.shape,
    labels: json.labels,
    ...(json.masks ? { masks: Uint8Array.from(flat(json.masks)) } : {}),
    ...(json.channels ? { channels: json.channels } : {}),
  };
}

/** A one-line progress bar. */
export function progressLine(p: BenchmarkProgress, width = 30): string {
  const fraction = Math.min(1, (p.task + (p.total > 0 ? p.done / p.total : 0)) / p.tasks);
  const filled = Math.round(fraction * width);
  const what = p.phase === 'explain' ? `${p.method}: explaining` : `${p.method} · ${p.metric}`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(100 * fraction).toFixed(0).padStart(3)}% ${what} (${p.done}/${p.total} ${p.unit})`;
}

/** `xai-benchmark …`: runs a benchmark and writes JSON, CSV and Markdown; `readData` reads --data that is a folder or .zip. Returns the exit code. */
export async function benchmarkCommand(argv: readonly string[], io: CliIo = defaultIo, readData?: DataReader): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      model: { type: 'string' },
      data: { type: 'string' },
      methods: { type: 'string' },
      metrics: { type: 'string' },
      out: { type: 'string', default: 'benchmark' },
      seed: { type: 'string', default: String(DEFAULT_BENCHMARK_SEED) },
      'batch-size': { type: 'string', default: '64' },
      target: { type: 'string', default: 'label' },
      'list-metrics': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (values['list-metrics']) {
    for (const m of metricCatalog()) io.out(`${m.name.padEnd(26)} ${m.direction === 'higher' ? '↑' : '↓'} ${m.category.padEnd(14)} ${m.description}`);
    return 0;
  }
  if (!values.model || !values.data || !values.methods || !values.metrics) {
    io.err(USAGE + '\n');
    return 2;
  }
  if (values.target !== 'label' && values.target !== 'predicted') throw new InvalidArgumentError(`--target must be label or predicted, got ${values.target}`);
  for (const key of ['seed', 'batch-size'] as const) {
    if (!/^\d+$/.test(values[key]!)) throw new InvalidArgumentError(`--${key} must be a non-negative integer, got '${values[key]}'`);
  }
  await initBackend();
  const model = await loadModel(values.model === 'demo' ? DEMO_MODEL : values.model);
  try {
    const samples = await readSamples(values.data, model, readData);
    let last = '';
    const result = await runBenchmark({
      model,
      samples,
      methods: parseList<MethodConfig>(values.methods, 'method'),
      metrics: parseList<MetricConfig>(values.metrics, 'name'),
      seed: Number(values.seed),
      batchSize: Number(values['batch-size']),
      target: values.target,
      onProgress: (p) => {
        if (io.tty) io.err('\r' + progressLine(p));
        else {
          const line = progressLine(p).replace(/\(.*\)$/, '');
          if (line !== last && (p.done === p.total)) io.err(progressLine(p) + '\n');
          last = line;
        }
      },
    });
    if (io.tty) io.err('\n');
    const files = await writeBenchmark(result, values.out!);
    io.out(benchmarkToMarkdown(result));
    io.out(`wrote ${files.join(', ')}`);
    return 0;
  } finally {
    model.dispose();
    await stopWorkers();
  }
}

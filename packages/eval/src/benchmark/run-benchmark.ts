import { CancelledError, InvalidArgumentError, methodByName, optionsAsJson, type XaiModel } from '@xai/core';
import { coreExplainer, type BatchExplainer, type MethodConfig } from '../data/explainer.js';
import { channelsLastBoundary } from '../data/channels-first.js';
import { checkHeldInputs, type HeldInputs } from '../data/held-inputs.js';
import { checkBatch, layoutOf, type ChannelAxis } from '../data/layout.js';
import { argMaxRow, modelPredictor, predictInBatches, type PredictFn } from '../data/predict.js';
import { EmptyMaskError } from '../errors.js';
import { deriveSeed } from '../random/seeded.js';
import '../registry/builtin-metrics.js';
import type { Direction, MetricCategory, MetricContext, MetricDefinition } from '../registry/metric.js';
import { metricByName, metricDirection, resolveMetricOptions } from '../registry/registry.js';
import { meanCurve, summarise } from '../stats/summary.js';

/** The data a benchmark runs on: any modality, as plain arrays. */
export interface BenchmarkSamples {
  /** count × size, row-major, channels-last; for a channels-first (ONNX) model also in its own layout ([C, …]). */
  readonly inputs: Float32Array;
  /** Shape of one sample (no batch axis). */
  readonly shape: readonly number[];
  /** True class per sample. */
  readonly labels: ArrayLike<number>;
  /** Ground truth where the modality has it: count × positions, non-zero = on the object. */
  readonly masks?: ArrayLike<number>;
  readonly channels?: ChannelAxis;
  /**
   * A multi-input model: which input `inputs` feeds, and the other inputs held at each sample's
   * values. Only metrics that read the explanations as they are (localisation, complexity,
   * conservation …) apply; those that evaluate new inputs record an error in their cells.
   */
  readonly heldInputs?: HeldInputs;
}

export type MethodSpec = string | MethodConfig;

export interface MetricConfig {
  /** A registered metric (`listMetrics()`). */
  readonly name: string;
  /** Name in tables (default the metric name, with options when two configs share a metric). */
  readonly label?: string;
  readonly options?: Readonly<Record<string, unknown>>;
}
export type MetricSpec = string | MetricConfig;

export interface BenchmarkProgress {
  readonly phase: 'explain' | 'metric';
  readonly method: string;
  readonly metric?: string;
  /** Progress within the current task. */
  readonly done: number;
  readonly total: number;
  readonly unit: string;
  /** Tasks (one explanation pass per method, one run per method × metric) finished before this one, and in all. */
  readonly task: number;
  readonly tasks: number;
}

/**
 * The share of the whole benchmark done, 0…1: finished tasks plus the current one's share. It never
 * goes down over a run's events (a task's last event is reported before the next task starts).
 */
export function benchmarkFraction(p: BenchmarkProgress): number {
  return Math.min(1, (p.task + (p.total > 0 ? Math.min(1, p.done / p.total) : 0)) / Math.max(1, p.tasks));
}

export interface BenchmarkOptions {
  readonly model: XaiModel;
  readonly samples: BenchmarkSamples;
  readonly methods: readonly MethodSpec[];
  readonly metrics: readonly MetricSpec[];
  /** Seed of every random choice (default 0): the same seed gives the same result. */
  readonly seed?: number;
  /** Perturbed inputs per model call (default 64). */
  readonly batchSize?: number;
  /** Samples per `explain` call (default 16). */
  readonly explainBatchSize?: number;
  /** Explain the 'label' (default) or the 'predicted' class. */
  readonly target?: 'label' | 'predicted';
  /** Output head of a multi-output model. */
  readonly output?: number | string;
  readonly onProgress?: (progress: BenchmarkProgress) => void;
  readonly signal?: AbortSignal;
  /** Record a failing metric in its table cell and go on (default true); false rethrows. */
  readonly continueOnError?: boolean;
}

export interface TableRow {
  readonly method: string;
  readonly metric: string;
  readonly direction: Direction;
  /** Mean and standard error of the per-sample scores (NaN scores left out). */
  readonly mean: number;
  readonly stderr: number;
  /** Samples the mean is over. */
  readonly n: number;
  readonly error?: string;
}

export interface CurveSummary {
  readonly method: string;
  readonly metric: string;
  readonly x: number[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly labels?: string[];
  /** Mean over samples at each x. */
  readonly mean: number[];
  /** Per sample. */
  readonly values: number[][];
}

export interface BenchmarkResult {
  readonly seed: number;
  readonly target: 'label' | 'predicted';
  readonly samples: { readonly count: number; readonly shape: number[]; readonly hasMasks: boolean };
  readonly targets: number[];
  readonly methods: { readonly label: string; readonly method: string; readonly options: Record<string, unknown> }[];
  readonly metrics: {
    readonly label: string;
    readonly name: string;
    readonly category: MetricCategory;
    readonly direction: Direction;
    readonly reference: string;
    readonly options: Record<string, unknown>;
  }[];
  /** One row per method × metric. */
  readonly table: TableRow[];
  /** Per-sample scores per method × metric. */
  readonly scores: { readonly method: string; readonly metric: string; readonly values: number[] }[];
  readonly curves: CurveSummary[];
  readonly details: { readonly method: string; readonly metric: string; readonly values: Record<string, number[]> }[];
  /** Wall-clock times (not part of the deterministic result). */
  readonly timing: { readonly totalMs: number; readonly explainMs: Record<string, number>; readonly metricMs: Record<string, number> };
}

function labelled<T extends { label?: string; options?: Readonly<Record<string, unknown>> }>(items: T[], nameOf: (t: T) => string, what: string): string[] {
  const first = items.map((t) => t.label ?? nameOf(t));
  const labels = items.map((t, i) => {
    if (t.label || first.filter((l) => l === first[i]).length === 1) return first[i]!;
    return `${nameOf(t)} ${JSON.stringify(optionsAsJson(t.options ?? {}))}`;
  });
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup) throw new InvalidArgumentError(`two ${what} are both labelled '${dup}'; give them distinct labels`);
  return labels;
}

/**
 * Evaluates explanation methods with metrics on a model and samples: each method explains all
 * samples once (batched); each metric then scores each method's relevance (perturbations
 * evaluated in batches). Returns the method × metric table (mean ± standard error, the better
 * direction), per-sample scores and curves. Deterministic for a given seed: every metric draws
 * from a stream derived from the seed and its own label, the same for every method.
 * Channels-first (ONNX) models: the metrics see the samples channels-last (samples in the
 * model's own layout are moved), every model call and explanation crosses back to the model's
 * layout (see channelsLastBoundary); results report the channels-last shape.
 */
/**
 * Default seeds, the same in the CLI, the server and the dashboard, so that one benchmark gives one
 * result wherever it is run: of the benchmark's random choices, and of a generated data set.
 */
export const DEFAULT_BENCHMARK_SEED = 0;
export const DEFAULT_DATA_SEED = 1;

export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkResult> {
  const started = performance.now();
  const { model } = options;
  // A channels-first model: the metrics see the samples channels-last (see channelsLastBoundary).
  const boundary = options.samples.heldInputs ? null : channelsLastBoundary(model, options.samples.inputs, options.samples.shape, options.samples.channels);
  const samples: BenchmarkSamples = boundary ? { ...options.samples, inputs: boundary.inputs, shape: boundary.shape, channels: boundary.channels } : options.samples;
  const acrossBoundary = (explainer: BatchExplainer): BatchExplainer =>
    boundary ? async (inputs, count, targets, first) => boundary.fromModel(await explainer(boundary.toModel(inputs), count, targets, first)) : explainer;
  const seed = options.seed ?? DEFAULT_BENCHMARK_SEED;
  const batchSize = options.batchSize ?? 64;
  const layout = layoutOf(samples.shape, samples.channels);
  const count = checkBatch(samples.inputs, layout, 'samples.inputs');
  if (count < 1) throw new InvalidArgumentError('the benchmark needs at least one sample');
  if (samples.labels.length !== count) throw new InvalidArgumentError(`got ${samples.labels.length} labels for ${count} samples`);
  const labels = Array.from(samples.labels, Number);
  if (samples.masks && samples.masks.length !== count * layout.positions) {
    throw new InvalidArgumentError(`masks have ${samples.masks.length} values, expected ${count} samples × ${layout.positions} positions (grid [${layout.grid}])`);
  }
  const masks = samples.masks ? Uint8Array.from(samples.masks, (v) => (v ? 1 : 0)) : undefined;
  const heldInputs = samples.heldInputs;
  if (heldInputs) checkHeldInputs(heldInputs, model.inputShapes.length, count);

  // Resolve everything before any work, so a bad name or option fails at once.
  const methodConfigs = options.methods.map((m) => (typeof m === 'string' ? { method: m } : m));
  if (methodConfigs.length === 0) throw new InvalidArgumentError('no methods given');
  methodConfigs.forEach((m) => methodByName(m.method));
  const methodLabels = labelled(methodConfigs, (m) => m.method, 'methods');
  const metricConfigs = options.metrics.map((m) => (typeof m === 'string' ? { name: m } : m));
  if (metricConfigs.length === 0) throw new InvalidArgumentError('no metrics given');
  const metricLabels = labelled(metricConfigs, (m) => m.name, 'metrics');
  const metrics = metricConfigs.map((config, k) => {
    const definition: MetricDefinition = metricByName(config.name);
    const resolved = resolveMetricOptions(definition, config.options);
    if (definition.requires.includes('masks')) {
      if (!masks) throw new InvalidArgumentError(`metric '${definition.name}' needs ground-truth masks; the samples have none`);
      for (let i = 0; i < count; i++) {
        if (!masks.subarray(i * layout.positions, (i + 1) * layout.positions).some((v) => v)) throw new EmptyMaskError(i, metricLabels[k]!);
      }
    }
    return { label: metricLabels[k]!, definition, options: resolved, direction: metricDirection(definition, resolved) };
  });

  const modelPredict = modelPredictor(model, { output: options.output, heldInputs });
  const predict: PredictFn = boundary ? (inputs, n, first) => modelPredict(boundary.toModel(inputs), n, first) : modelPredict;
  const target = options.target ?? 'label';
  let targets = labels;
  if (target === 'predicted') {
    const logits = await predictInBatches(predict, samples.inputs, count, batchSize);
    const classes = logits.length / count;
    targets = Array.from({ length: count }, (_, i) => argMaxRow(logits, i * classes, classes));
  }

  const tasks = methodConfigs.length * (1 + metrics.length);
  let task = 0;
  const table: TableRow[] = [];
  const scores: BenchmarkResult['scores'] = [];
  const curves: CurveSummary[] = [];
  const details: BenchmarkResult['details'] = [];
  const explainMs: Record<string, number> = {};
  const metricMs: Record<string, number> = {};
  const explainBatch = Math.max(1, options.explainBatchSize ?? 16);

  for (const [m, config] of methodConfigs.entries()) {
    const method = methodLabels[m]!;
    const explainerOptions = { batchSize: explainBatch, output: options.output, heldInputs };
    const explain = acrossBoundary(coreExplainer(model, config, explainerOptions));
    const t0 = performance.now();
    const relevance = new Float32Array(samples.inputs.length);
    for (let start = 0; start < count; start += explainBatch) {
      if (options.signal?.aborted) throw new CancelledError('benchmark cancelled');
      const n = Math.min(explainBatch, count - start);
      const part = await explain(samples.inputs.subarray(start * layout.size, (start + n) * layout.size), n, targets.slice(start, start + n), start);
      relevance.set(part, start * layout.size);
      options.onProgress?.({ phase: 'explain', method, done: start + n, total: count, unit: 'samples', task, tasks });
    }
    explainMs[method] = performance.now() - t0;
    task++;

    for (const metric of metrics) {
      const context: MetricContext = {
        model,
        predict,
        inputs: samples.inputs,
        relevance,
        shape: samples.shape,
        channels: samples.channels,
        count,
        targets,
        labels,
        masks,
        explain,
        explainWith: (other) => acrossBoundary(coreExplainer(other, config, explainerOptions)),
        seed: deriveSeed(seed, 'metric', metric.label),
        batchSize,
        signal: options.signal,
        onProgress: (p) => options.onProgress?.({ phase: 'metric', method, metric: metric.label, ...p, task, tasks }),
      };
      const t1 = performance.now();
      try {
        const result = await metric.definition.run(context, metric.options);
        const summary = summarise(result.scores);
        // A cell without a single score says why rather than staying empty.
        const why = summary.n === 0 ? { error: `no sample has a score: of ${count}, each is undefined — ${metric.definition.undefinedWhen ?? 'the metric is not defined for these samples'}` } : {};
        table.push({ method, metric: metric.label, direction: metric.direction, ...summary, ...why });
        scores.push({ method, metric: metric.label, values: [...result.scores] });
        if (result.curve) {
          const c = result.curve;
          curves.push({ method, metric: metric.label, x: c.x, xLabel: c.xLabel, yLabel: c.yLabel, ...(c.labels ? { labels: c.labels } : {}), mean: meanCurve(c.values), values: c.values });
        }
        if (result.details) details.push({ method, metric: metric.label, values: result.details });
      } catch (err) {
        if (err instanceof CancelledError || options.continueOnError === false) throw err;
        table.push({ method, metric: metric.label, direction: metric.direction, mean: NaN, stderr: NaN, n: 0, error: (err as Error).message });
        scores.push({ method, metric: metric.label, values: new Array<number>(count).fill(NaN) });
      }
      metricMs[`${method} / ${metric.label}`] = performance.now() - t1;
      // This task is complete (reported as its own, before counting it: reported as the next task
      // with done 1/1, the fraction overshot by one task and then fell back — 75 % → 72 %).
      options.onProgress?.({ phase: 'metric', method, metric: metric.label, done: 1, total: 1, unit: 'runs', task, tasks });
      task++;
    }
  }

  return {
    seed,
    target,
    samples: { count, shape: [...samples.shape], hasMasks: !!masks },
    targets,
    methods: methodConfigs.map((c, i) => ({ label: methodLabels[i]!, method: c.method, options: optionsAsJson(c.options ?? {}) })),
    metrics: metrics.map((m) => ({
      label: m.label,
      name: m.definition.name,
      category: m.definition.category,
      direction: m.direction,
      reference: m.definition.reference,
      options: optionsAsJson(m.options),
    })),
    table,
    scores,
    curves,
    details,
    timing: { totalMs: performance.now() - started, explainMs, metricMs },
  };
}

import { InvalidArgumentError } from '@xai/core';
import { benchmarkFraction, runBenchmark, type BenchmarkSamples, type MetricSpec, type MethodSpec } from '@xai/eval';
import { adapterByName, modelInputSpecs, type ModelInputSpec } from '@xai/modalities';
import { writeBenchmarkOutput } from './benchmark-output.js';
import { datasetByName } from './datasets.js';
import { decodedSets, uploadedDatasetSamples } from './dataset-worker.js';
import { fileVersion } from './worker-cache.js';
import { readInputFiles } from './inspect-worker.js';
import { ProgressPort } from './progress-port.js';
import { sampleRange } from './sample-range.js';
import { cachedModel, initWorker, outcome } from './runtime.js';
import type { BenchmarkOutput, BenchmarkTask, Outcome } from './task-types.js';

/**
 * A model input's shape as data sets give samples: channels-last. The benchmark runner takes a
 * channels-first (ONNX) model's samples in either layout and moves them at its boundary.
 */
function readAs(spec: ModelInputSpec | undefined): readonly (number | null)[] | undefined {
  if (!spec || spec.layout !== 'channels-first' || spec.shape.length < 2) return spec?.shape;
  return [...spec.shape.slice(1), spec.shape[0]!];
}

/** Decodes stored inputs for the model and stacks their first sample into one batch. */
async function samplesOf(task: BenchmarkTask, specs: ReturnType<typeof modelInputSpecs>, port: ProgressPort): Promise<BenchmarkSamples> {
  if ('upload' in task.data) {
    // reading comes before the benchmark's own tasks: its progress stays at fraction 0 (it never goes backwards)
    const report = (done: number, total: number) => port.progress({ phase: 'read', done, total, unit: 'inputs', fraction: 0 });
    return uploadedDatasetSamples(task.data.upload, specs, task.model.classNames, report, port.signal);
  }
  if ('dataset' in task.data) {
    const { name, count, seed } = task.data.dataset;
    const dataset = datasetByName(name);
    const expected = readAs(specs[0]);
    if (specs.length !== 1 || !expected || expected.length !== dataset.shape.length || expected.some((d, i) => d !== null && d !== dataset.shape[i])) {
      throw new InvalidArgumentError(`data set '${name}' has samples of shape [${dataset.shape}], the model takes [${expected?.map((d) => d ?? 'any')}]`);
    }
    return decodedSets.get(JSON.stringify({ generated: name, count, seed }), async () => dataset.generate(count, seed));
  }
  const { inputs, labels } = task.data;
  const key = JSON.stringify({ inputs: inputs.map((input) => [input.modality, input.decodeOptions, input.files.map((f) => fileVersion(f.path))]), labels: labels ?? null, specs });
  return decodedSets.get(key, () => decodeInputs(inputs, labels, specs));
}

type BenchmarkInputs = Extract<BenchmarkTask['data'], { inputs: unknown }>['inputs'];

/** Stored inputs decoded for the model, one sample each, stacked. */
async function decodeInputs(inputs: BenchmarkInputs, labels: readonly number[] | undefined, specs: ReturnType<typeof modelInputSpecs>): Promise<BenchmarkSamples> {
  const rows: Float32Array[] = [];
  let shape: number[] | null = null;
  for (const [i, input] of inputs.entries()) {
    const decoded = await adapterByName(input.modality).decode(await readInputFiles(input.files), input.decodeOptions, specs);
    if (decoded.samples.length !== 1) throw new InvalidArgumentError(`input ${i}: benchmarks take single-input models, this one decodes to ${decoded.samples.length} inputs`);
    const sample = decoded.samples[0]!;
    if (shape && sample.shape.join() !== shape.join()) throw new InvalidArgumentError(`input ${i} has shape [${sample.shape}], the first had [${shape}]: a benchmark needs samples of one shape`);
    shape = [...sample.shape];
    rows.push(Float32Array.from(sample.values));
  }
  const size = rows[0]?.length ?? 0;
  const values = new Float32Array(size * rows.length);
  rows.forEach((r, i) => values.set(r, i * size));
  return { inputs: values, shape: shape ?? [], labels: labels ? [...labels] : new Array<number>(rows.length).fill(0) };
}

/** A benchmark of methods × metrics on a generated or uploaded data set or stored inputs; writes the eval runner's files. */
export async function benchmarkTask(task: BenchmarkTask): Promise<Outcome<BenchmarkOutput>> {
  const port = new ProgressPort(task.port, 200);
  try {
    return await outcome(async () => {
      await initWorker();
      port.started();
      const model = await cachedModel(task.model.id, task.model.path);
      // the facts stated with an uploaded model (channels, rate, unit) lie over its file's metadata, as for explanations
      const all = await samplesOf(task, modelInputSpecs(model, task.model.metadata), port);
      const samples = task.range ? sampleRange(all, task.range) : all;
      const result = await runBenchmark({
        model,
        samples,
        methods: task.methods as MethodSpec[],
        metrics: task.metrics as MetricSpec[],
        seed: task.seed,
        target: task.target,
        ...(task.batchSize !== undefined ? { batchSize: task.batchSize } : {}),
        signal: port.signal,
        onProgress: (p) => port.progress({ ...p, fraction: benchmarkFraction(p) }),
      });
      return await writeBenchmarkOutput(result, task.outDir);
    }, false);
  } finally {
    port.close();
  }
}

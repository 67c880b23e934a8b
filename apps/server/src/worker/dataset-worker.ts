import { readFile } from 'node:fs/promises';
import { datasetBenchmarkSamples, datasetFilesFromZip, indexDataset, labelCounts, readDataset, type Dataset, type ModelInputSpec } from '@xai/modalities';
import type { BenchmarkSamples } from '@xai/eval';
import type { DatasetInfo, ReadDatasetTask, UploadedDatasetRef } from './dataset-types.js';
import { initWorker, outcome } from './runtime.js';
import { dataCacheOptions, fileVersion, LruCache } from './worker-cache.js';
import type { Outcome } from './task-types.js';

async function datasetFiles(file: { name: string; path: string }, limits: ReadDatasetTask['limits']) {
  return datasetFilesFromZip(new Uint8Array(await readFile(file.path)), file.name, limits, { files: 'XAI_MAX_DATASET_FILES', bytes: 'XAI_MAX_UNZIPPED_MB', ratio: 'XAI_MAX_ZIP_RATIO' });
}

/** Reads an uploaded data set as a benchmark would (every input decoded, labels and masks checked) and summarises it. */
export async function readDatasetTask(task: ReadDatasetTask): Promise<Outcome<DatasetInfo>> {
  return outcome(async () => {
    await initWorker();
    const files = await datasetFiles(task.file, task.limits);
    const { modality } = indexDataset(files, task.modality ? { modality: task.modality } : {});
    const model = task.models[modality];
    const dataset = await readDataset(files, {
      modality,
      ...(model ? { model: model.specs, decodeOptions: model.decodeOptions, ...(model.classNames ? { classNames: model.classNames } : {}) } : {}),
    });
    const shape = [...dataset.items[0]!.samples[0]!.shape];
    return {
      modality,
      count: dataset.items.length,
      labelSource: dataset.labelSource,
      labels: labelCounts(dataset),
      hasMasks: dataset.hasMasks,
      shape,
      uniformShape: dataset.items.every((x) => x.samples.length === 1 && x.samples[0]!.shape.join() === shape.join()),
      model: model?.id ?? null,
      ignored: [...dataset.ignored],
    };
  }, true);
}

/** Decoded data sets of this worker process (benchmark samples), the last three used within 512 MB: chunks of one job share them. */
export const decodedSets = new LruCache<BenchmarkSamples>(dataCacheOptions(3, (s) => s.inputs.byteLength + (s.masks?.length ?? 0)));

/**
 * An uploaded data set's inputs decoded for the benchmark's model, as benchmark samples; kept in
 * this worker's cache under the zip's path, modification time and size and the decoding settings.
 */
export function uploadedDatasetSamples(
  ref: UploadedDatasetRef,
  specs: readonly ModelInputSpec[],
  classNames: readonly string[] | undefined,
  onProgress: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<BenchmarkSamples> {
  const key = JSON.stringify({ upload: fileVersion(ref.file.path), modality: ref.modality, decodeOptions: ref.decodeOptions, limits: ref.limits, count: ref.count ?? null, specs, classNames: classNames ?? null });
  return decodedSets.get(key, () => decodeUploadedDataset(ref, specs, classNames, onProgress, signal));
}

async function decodeUploadedDataset(
  ref: UploadedDatasetRef,
  specs: readonly ModelInputSpec[],
  classNames: readonly string[] | undefined,
  onProgress: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<BenchmarkSamples> {
  const files = await datasetFiles(ref.file, ref.limits);
  const dataset: Dataset = await readDataset(files, { modality: ref.modality, model: specs, decodeOptions: ref.decodeOptions, ...(classNames ? { classNames } : {}), onProgress, signal });
  const taken = ref.count !== undefined && ref.count < dataset.items.length ? { ...dataset, items: dataset.items.slice(0, ref.count) } : dataset;
  return datasetBenchmarkSamples(taken, classNames);
}

/** Data sets: a folder or .zip of inputs of any modality, with labels (labels.csv or sub-folders) and optional masks. */
export { InvalidDatasetError, DatasetLimitError } from './dataset-errors.js';
export { datasetFilesFromFolder, datasetFilesFromPath, datasetFilesFromZip, DEFAULT_DATASET_LIMITS, type DatasetFile, type DatasetLimits } from './dataset-files.js';
export { parseLabelsCsv, type LabelRow } from './labels-csv.js';
export {
  datasetBenchmarkSamples, indexDataset, labelCounts, readDataset, resolveLabel, type Dataset, type DatasetEntry, type DatasetIndex, type DatasetSample, type LabelSource,
  type ReadDatasetOptions,
} from './read-dataset.js';

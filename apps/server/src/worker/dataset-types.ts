/** The messages of uploaded data sets between the HTTP thread and the workers (see task-types.ts). */
import type { ModelInputSpec } from '@xai/modalities';
import type { FileRef } from './task-types.js';

/** Limits of one data set (XAI_MAX_DATASET_FILES, XAI_MAX_UNZIPPED_MB, XAI_MAX_ZIP_RATIO). */
export interface DatasetReadLimits {
  readonly maxFiles: number;
  readonly maxBytes: number;
  readonly maxZipRatio: number;
}

/** What a data set is decoded for: a model's inputs, class names and decoding options. */
export interface DatasetModel {
  readonly id: string;
  readonly specs: readonly ModelInputSpec[];
  readonly classNames?: readonly string[];
  readonly decodeOptions: Record<string, unknown>;
}

/** Checks an uploaded data set (the zip) by reading it as a benchmark would, and summarises it. */
export interface ReadDatasetTask {
  readonly kind: 'read-dataset';
  readonly file: FileRef;
  readonly limits: DatasetReadLimits;
  /** The model to decode for, by modality (the model the upload names, else each modality's demo model). */
  readonly models: Readonly<Record<string, DatasetModel>>;
  /** Names the modality when the extensions do not. */
  readonly modality?: string;
}

/** What the server keeps about an uploaded data set. */
export interface DatasetInfo {
  readonly modality: string;
  readonly count: number;
  readonly labelSource: 'labels.csv' | 'folders';
  /** Distinct labels as written, the class index each resolves to for `model` (null: a name it does not have), and how many inputs carry it. */
  readonly labels: { readonly label: string; readonly index: number | null; readonly count: number }[];
  readonly hasMasks: boolean;
  /** The first input's sample shape(s), decoded for `model`. */
  readonly shape: number[];
  /** Whether every input decodes to that shape (a benchmark needs one shape). */
  readonly uniformShape: boolean;
  /** The model it was checked against, if any. */
  readonly model: string | null;
  /** Files that are neither inputs, masks nor labels.csv. */
  readonly ignored: string[];
}

/** An uploaded data set as a benchmark reads it. */
export interface UploadedDatasetRef {
  readonly id: string;
  readonly file: FileRef;
  readonly modality: string;
  readonly decodeOptions: Record<string, unknown>;
  readonly limits: DatasetReadLimits;
  /** Benchmark the first `count` inputs (default all). */
  readonly count?: number;
}

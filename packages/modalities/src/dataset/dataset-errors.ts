import { XaiError } from '@xai/core';

/** A data set (folder or .zip of inputs with labels) that cannot be read: names the file or labels.csv row at fault. */
export class InvalidDatasetError extends XaiError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** A data set over the reader's limits (files, unpacked bytes, zip ratio): a 413 for an upload. */
export class DatasetLimitError extends InvalidDatasetError {}

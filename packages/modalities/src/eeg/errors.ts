import { XaiError } from '@xai/core';

/**
 * An EEG file is malformed, truncated, inconsistent or of the wrong kind. The message names the
 * file and the header field (or data part) at fault, e.g.
 * `rec.edf: field 'number of data records': header declares 3600 records (…) but the file holds 12`.
 */
export class InvalidEegFileError extends XaiError {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${file}: field '${field}': ${detail}`);
  }
}

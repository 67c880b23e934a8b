import { XaiError } from '@xai/core';

/**
 * A NIfTI file is malformed, truncated, inconsistent or larger than allowed. The message names the
 * file and the header field (or 'gzip', 'data') at fault, e.g.
 * `scan.nii.gz: dim[3]: must be ≥ 1, got 0`.
 */
export class InvalidNiftiError extends XaiError {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${file}: ${field}: ${detail}`);
  }
}

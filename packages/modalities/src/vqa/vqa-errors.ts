import { XaiError } from '@xai/core';

/** A VQA input (image, question file, scene description) cannot be read; names the file and field. */
export class InvalidVqaInputError extends XaiError {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

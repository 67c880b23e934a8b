import { XaiError } from '@xai/core';

/** An audio file cannot be read: names the file and what is wrong with it. */
export class InvalidAudioError extends XaiError {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

import { XaiError } from '@xai/core';

/**
 * A video input cannot be read: not a video, corrupt, undecodable by ffmpeg, frames of different
 * sizes, a time range outside the clip. The message names the file, e.g.
 * `clip.mp4: ffmpeg cannot decode it (moov atom not found)`.
 */
export class InvalidVideoError extends XaiError {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** The ffmpeg (or ffprobe) executable is missing or does not run; the message names the binary and the file it was needed for. */
export class FfmpegUnavailableError extends XaiError {
  constructor(
    readonly binary: string,
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: needs ${binary} to be decoded or encoded, but ${detail} (install Debian's 'ffmpeg' package, or set the option 'ffmpeg' to its path)`);
  }
}

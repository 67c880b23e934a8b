/**
 * Size caps every decoder checks before it allocates, each overridable by an option of the call or
 * by an environment variable (read at each call, so a server can set them at start):
 *
 * - `XAI_MAX_IMAGE_PIXELS` (default 2^25 = 33,554,432): pixels of one image or one video canvas,
 *   from the PNG/JPEG/GIF header, refused before any pixel buffer exists;
 * - `XAI_MAX_DECODED_BYTES` (default 1 GiB): bytes one decoder may produce in all (every frame of
 *   a GIF, say);
 * - `XAI_MAX_MODEL_BYTES` (default 2 GiB): weight bytes a model's manifest may declare, and the
 *   largest weight a layer may allocate while it is built.
 */
import { InvalidArgumentError } from '../errors.js';

export const DEFAULT_LIMITS = {
  XAI_MAX_IMAGE_PIXELS: 2 ** 25,
  XAI_MAX_DECODED_BYTES: 2 ** 30,
  XAI_MAX_MODEL_BYTES: 2 ** 31,
} as const;

export type LimitName = keyof typeof DEFAULT_LIMITS;

/** The cap: the option when given, else the environment variable, else the default. */
export function sizeLimit(name: LimitName, option?: number): number {
  const raw = option ?? (typeof process !== 'undefined' ? process.env[name] : undefined);
  if (raw === undefined || raw === '') return DEFAULT_LIMITS[name];
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`${option !== undefined ? `the limit for ${name}` : name} must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';
import { DatasetLimitError, InvalidDatasetError } from './dataset-errors.js';

/** One file of a data set: its path inside the data set (posix, relative) and its bytes. */
export interface DatasetFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface DatasetLimits {
  /** Most files (inputs, masks, labels.csv …) a data set may hold. */
  readonly maxFiles: number;
  /** Most bytes all its files may hold together (unpacked, for a zip). */
  readonly maxBytes: number;
  /** A zip may unpack to at most this many times its own size (a zip bomb stops early). */
  readonly maxZipRatio: number;
}

export const DEFAULT_DATASET_LIMITS: DatasetLimits = { maxFiles: 4096, maxBytes: 1024 * 1024 * 1024, maxZipRatio: 200 };

/** Files a data set never counts: folders, hidden files, macOS resource forks. */
const skipped = (path: string) => path.endsWith('/') || path.startsWith('__MACOSX/') || path.split('/').some((part) => part.startsWith('.'));

function cleanPath(name: string, where: string): string {
  const path = posix.normalize(name.replace(/\\/g, '/')).replace(/^\/+/, '');
  if (path.startsWith('../') || path === '..') throw new InvalidDatasetError(where, `entry '${name}' points outside the data set`);
  return path;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) (out.set(c, offset), (offset += c.byteLength));
  return out;
}

/**
 * The files of a .zip, unpacked in small steps while counting the bytes actually inflated (never
 * the sizes its directory claims): the total and the ratio to the zip's size stop a bomb early.
 */
export function datasetFilesFromZip(zip: Uint8Array, name: string, limits: DatasetLimits = DEFAULT_DATASET_LIMITS): DatasetFile[] {
  const maxBytes = Math.min(limits.maxBytes, Math.max(1024 * 1024, zip.byteLength * limits.maxZipRatio));
  const files: DatasetFile[] = [];
  let inflated = 0;
  let refused: Error | undefined;
  const unzipper = new Unzip();
  unzipper.register(UnzipInflate);
  unzipper.onfile = (entry) => {
    if (skipped(entry.name)) return;
    const chunks: Uint8Array[] = [];
    entry.ondata = (err, data, final) => {
      if (refused) throw refused; // fflate hands a thrown error back to ondata: keep ours
      if (err) throw (refused = new InvalidDatasetError(name, `not a readable zip archive (${entry.name}: ${err.message})`));
      inflated += data.byteLength;
      if (inflated > maxBytes) {
        throw (refused = new DatasetLimitError(
          name,
          maxBytes === limits.maxBytes
            ? `unpacks to more than the limit of ${limits.maxBytes} bytes for a data set; stopped after ${inflated} bytes`
            : `unpacks to more than ${limits.maxZipRatio} times its size of ${zip.byteLength} bytes: a zip bomb? stopped after ${inflated} bytes`,
        ));
      }
      chunks.push(data);
      if (final) {
        if (files.length >= limits.maxFiles) throw (refused = new DatasetLimitError(name, `holds more than ${limits.maxFiles} files, the limit for a data set`));
        files.push({ path: cleanPath(entry.name, name), bytes: concat(chunks) });
      }
    };
    entry.start();
  };
  try {
    // small compressed steps: deflate expands at most ~1032×, so one step inflates at most ~4 MB
    for (let offset = 0; offset < zip.byteLength; offset += 4096) unzipper.push(zip.subarray(offset, offset + 4096), false);
    unzipper.push(new Uint8Array(0), true);
  } catch (err) {
    if (refused) throw refused;
    throw new InvalidDatasetError(name, `not a readable zip archive (${(err as Error).message})`);
  }
  if (refused) throw refused;
  if (files.length === 0) throw new InvalidDatasetError(name, 'not a readable zip archive, or an empty one (no files in it)');
  return files;
}

/** The files of a folder and its sub-folders (hidden files left out), within the limits. */
export async function datasetFilesFromFolder(dir: string, limits: DatasetLimits = DEFAULT_DATASET_LIMITS): Promise<DatasetFile[]> {
  const files: DatasetFile[] = [];
  let bytes = 0;
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })).map(String).sort();
  } catch (err) {
    throw new InvalidDatasetError(dir, `cannot read the folder (${(err as Error).message})`);
  }
  for (const entry of entries) {
    const path = relative(dir, join(dir, entry)).split(sep).join('/');
    if (skipped(path)) continue;
    const full = join(dir, entry);
    const info = await stat(full);
    if (!info.isFile()) continue;
    if (files.length >= limits.maxFiles) throw new DatasetLimitError(dir, `holds more than ${limits.maxFiles} files, the limit for a data set`);
    bytes += info.size;
    if (bytes > limits.maxBytes) throw new DatasetLimitError(dir, `holds more than ${limits.maxBytes} bytes, the limit for a data set (at ${path})`);
    files.push({ path, bytes: new Uint8Array(await readFile(full)) });
  }
  if (files.length === 0) throw new InvalidDatasetError(dir, 'the folder holds no files');
  return files;
}

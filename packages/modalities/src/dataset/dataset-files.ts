import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isSkippedEntry, unzipBytes, type UnzipLimits, type UnzipOptions } from '../zip/unzip.js';
import { DatasetLimitError, InvalidDatasetError } from './dataset-errors.js';

/** One file of a data set: its path inside the data set (posix, relative) and its bytes. */
export interface DatasetFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** Most files (inputs, masks, labels.csv …), most bytes (unpacked, for a zip) and the zip ratio of a data set. */
export type DatasetLimits = UnzipLimits;

export const DEFAULT_DATASET_LIMITS: DatasetLimits = { maxFiles: 4096, maxBytes: 1024 * 1024 * 1024, maxZipRatio: 200 };

/** The files of a .zip, `settings` naming what sets each limit in messages (the project's one unpacker: a bomb or an entry outside the archive stops it, naming the entry). */
export function datasetFilesFromZip(zip: Uint8Array, name: string, limits: DatasetLimits = DEFAULT_DATASET_LIMITS, settings?: UnzipOptions['settings']): DatasetFile[] {
  return unzipBytes(zip, name, limits, { what: 'a data set', ...(settings ? { settings } : {}), errors: { invalid: InvalidDatasetError, limit: DatasetLimitError } });
}

/** The files of a data set at a path: a folder, or a .zip (anything not a folder is read as one). */
export async function datasetFilesFromPath(path: string, limits: DatasetLimits = DEFAULT_DATASET_LIMITS): Promise<DatasetFile[]> {
  const info = await stat(path).catch(() => {
    throw new InvalidDatasetError(path, 'no such folder or .zip');
  });
  return info.isDirectory() ? datasetFilesFromFolder(path, limits) : datasetFilesFromZip(new Uint8Array(await readFile(path)), path, limits);
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
    if (isSkippedEntry(path)) continue;
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

/**
 * The one zip unpacker of the project (uploaded models, uploaded and local data sets): it counts
 * the bytes actually inflated, never the sizes a zip's directory claims, so a bomb stops after at
 * most the limit's worth of work however its headers lie; it refuses entries that point outside the
 * archive and names the entry at fault.
 */
import { posix } from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';
import { XaiError } from '@xai/core';

/** A zip that cannot be read, or holds an entry that points outside it. */
export class InvalidZipError extends XaiError {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** A zip over the limits (files, unpacked bytes, ratio): a 413 for an upload. */
export class ZipLimitError extends InvalidZipError {}

/** One file of a zip: its cleaned path inside the archive (posix, relative) and its bytes. */
export interface ZipEntry {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface UnzipLimits {
  /** Most files (folders, hidden files and __MACOSX/ not counted) all zips of one budget may hold. */
  readonly maxFiles: number;
  /** Most bytes all zips of one budget may unpack to. */
  readonly maxBytes: number;
  /** Most bytes one zip may unpack to per byte of its own size (at least 1 MiB is always allowed). */
  readonly maxZipRatio: number;
}

/** A budget shared by several zips (one upload's); each unpacking adds what it used. */
export interface UnzipBudget {
  files: number;
  bytes: number;
}

type ErrorClass = new (file: string, detail: string) => Error;

export interface UnzipOptions {
  /** What the limits are for, in messages ("a data set", "one upload"); default "one archive". */
  readonly what?: string;
  /** The settings behind each limit, named in messages (e.g. XAI_MAX_UNZIPPED_MB). */
  readonly settings?: { readonly files?: string; readonly bytes?: string; readonly ratio?: string };
  /** Counts shared with other zips of the same upload. */
  readonly budget?: UnzipBudget;
  /** The errors thrown, so each caller keeps its own kinds (default InvalidZipError, ZipLimitError). */
  readonly errors?: { readonly invalid: ErrorClass; readonly limit: ErrorClass };
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** Whether bytes begin as a zip's first local file header does. */
export const hasZipMagic = (bytes: Uint8Array): boolean => bytes.length >= 4 && ZIP_MAGIC.every((b, i) => bytes[i] === b);

/** Entries no one wants: folders, hidden files (.DS_Store), macOS resource forks (a relative posix path). */
export const isSkippedEntry = (path: string): boolean => path === '' || path === '.' || path.endsWith('/') || path.startsWith('__MACOSX/') || path.split('/').some((part) => part.startsWith('.'));

/** An entry's name as a relative posix path, or null when it points outside the archive. */
function cleanPath(name: string): string | null {
  const raw = name.replace(/\\/g, '/');
  if (raw.startsWith('/') || /^[a-zA-Z]:/.test(raw)) return null; // absolute (C:/… too)
  const path = posix.normalize(raw);
  return path === '..' || path.startsWith('../') ? null : path;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) (out.set(c, offset), (offset += c.byteLength));
  return out;
}

// small compressed steps: deflate expands at most ~1032×, so one step inflates at most ~4 MB
const STEP = 4096;

/** Unpacks a zip fed in chunks (`push`, then `finish`), within the limits. */
class LimitedUnzip {
  private readonly entries: ZipEntry[] = [];
  private readonly unzipper = new Unzip();
  private readonly maxHere: number;
  private readonly byRatio: number;
  private readonly budget: UnzipBudget;
  private inflated = 0;
  private files = 0;
  private refused: Error | undefined;

  constructor(
    private readonly name: string,
    private readonly size: number,
    private readonly limits: UnzipLimits,
    private readonly options: UnzipOptions,
  ) {
    this.budget = options.budget ?? { files: 0, bytes: 0 };
    this.byRatio = Math.max(1024 * 1024, size * limits.maxZipRatio);
    this.maxHere = Math.min(limits.maxBytes - this.budget.bytes, this.byRatio);
    this.unzipper.register(UnzipInflate);
    this.unzipper.onfile = (entry) => {
      if (this.refused) return;
      const path = cleanPath(entry.name);
      if (path === null) throw (this.refused = this.invalid(`entry '${entry.name}' points outside the archive`));
      if (isSkippedEntry(path)) return;
      if (this.budget.files + ++this.files > limits.maxFiles) {
        throw (this.refused = this.limit(`holds more than ${limits.maxFiles} files, the limit for ${this.what}${this.setting('files')} (at '${entry.name}')`));
      }
      const chunks: Uint8Array[] = [];
      entry.ondata = (err, data, final) => {
        if (this.refused) throw this.refused; // fflate hands a thrown error back to ondata: keep ours
        if (err) throw (this.refused = this.invalid(`not a readable zip archive (${entry.name}: ${err.message})`));
        this.inflated += data.byteLength;
        if (this.inflated > this.maxHere) throw (this.refused = this.overBytes(entry.name));
        chunks.push(data);
        if (final) this.entries.push({ path, bytes: concat(chunks) });
      };
      entry.start();
    };
  }

  private get what() {
    return this.options.what ?? 'one archive';
  }
  private setting(limit: 'files' | 'bytes' | 'ratio') {
    const name = this.options.settings?.[limit];
    return name ? ` (${name})` : '';
  }
  private invalid(detail: string): Error {
    return new (this.options.errors?.invalid ?? InvalidZipError)(this.name, detail);
  }
  private limit(detail: string): Error {
    return new (this.options.errors?.limit ?? ZipLimitError)(this.name, detail);
  }
  private overBytes(entry: string): Error {
    const stopped = `stopped after ${this.inflated} bytes, in '${entry}'`;
    return this.byRatio >= this.limits.maxBytes - this.budget.bytes
      ? this.limit(`unpacks to more than the limit of ${this.limits.maxBytes} bytes for ${this.what}${this.setting('bytes')}; ${stopped}`)
      : this.limit(`unpacks to more than ${this.limits.maxZipRatio} times its size of ${this.size} bytes${this.setting('ratio')}: a zip bomb? ${stopped}`);
  }

  push(chunk: Uint8Array): void {
    try {
      for (let offset = 0; offset < chunk.byteLength; offset += STEP) this.unzipper.push(chunk.subarray(offset, offset + STEP), false);
    } catch (err) {
      throw this.refused ?? this.invalid(`not a readable zip archive (${(err as Error).message})`);
    }
  }

  finish(): ZipEntry[] {
    try {
      this.unzipper.push(new Uint8Array(0), true);
    } catch (err) {
      throw this.refused ?? this.invalid(`not a readable zip archive (${(err as Error).message})`);
    }
    if (this.refused) throw this.refused;
    if (this.entries.length === 0) throw this.invalid('not a readable zip archive, or an empty one (no files in it)');
    this.budget.files += this.files;
    this.budget.bytes += this.inflated;
    return this.entries;
  }
}

/** The files of a zip held in memory, within the limits. */
export function unzipBytes(zip: Uint8Array, name: string, limits: UnzipLimits, options: UnzipOptions = {}): ZipEntry[] {
  const unzip = new LimitedUnzip(name, zip.byteLength, limits, options);
  unzip.push(zip);
  return unzip.finish();
}

/** The files of a zip read as a stream (a file on disk: `createReadStream(path)`) of `size` bytes, within the limits. */
export async function unzipStream(chunks: AsyncIterable<Uint8Array>, size: number, name: string, limits: UnzipLimits, options: UnzipOptions = {}): Promise<ZipEntry[]> {
  const unzip = new LimitedUnzip(name, size, limits, options);
  try {
    for await (const chunk of chunks) unzip.push(chunk);
  } catch (err) {
    if (err instanceof XaiError || (options.errors && (err instanceof options.errors.invalid || err instanceof options.errors.limit))) throw err;
    throw new (options.errors?.invalid ?? InvalidZipError)(name, `cannot be read (${(err as Error).message})`);
  }
  return unzip.finish();
}

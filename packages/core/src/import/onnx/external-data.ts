/**
 * External tensor data (`model.onnx` + `model.onnx.data`): resolves `location` inside the model's
 * folder (absolute paths and `..` are refused) and reads `offset`/`length` ranges from it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { OnnxExternalDataError } from './errors.js';

export interface ExternalDataRef {
  readonly location: string;
  readonly offset: number;
  /** `null`: to the end of the file. */
  readonly length: number | null;
}

/** Parses the key/value entries of TensorProto.external_data. */
export function externalDataRef(
  entries: readonly { key?: string | null; value?: string | null }[],
  file: string,
  field: string,
): ExternalDataRef {
  const map = new Map(entries.map((e) => [e.key ?? '', e.value ?? '']));
  const location = map.get('location');
  if (!location) throw new OnnxExternalDataError(file, field, "external_data has no 'location'");
  const integer = (key: string): number | null => {
    const text = map.get(key);
    if (text === undefined || text === '') return null;
    if (!/^\d+$/.test(text)) throw new OnnxExternalDataError(file, field, `external_data '${key}' is not a non-negative integer: '${text}'`);
    return Number(text);
  };
  return { location, offset: integer('offset') ?? 0, length: integer('length') };
}

/** Reads external ranges from files under one folder, keeping each file open until `close()`. */
export class ExternalDataReader {
  private readonly open = new Map<string, { fd: number; size: number }>();

  constructor(
    /** The folder external locations are relative to; `null` when the model came as bytes alone. */
    private readonly dir: string | null,
    private readonly modelFile: string,
  ) {}

  read(ref: ExternalDataRef, field: string): Uint8Array {
    if (this.dir === null) {
      throw new OnnxExternalDataError(this.modelFile, field,
        `tensor data is stored in external file '${ref.location}', but no externalDataDir was given for a model read from bytes`);
    }
    const path = this.safePath(ref.location, field);
    const { fd, size } = this.handle(path, ref.location, field);
    const length = ref.length ?? size - ref.offset;
    if (ref.offset + length > size || length < 0) {
      throw new OnnxExternalDataError(ref.location, field,
        `external data range [${ref.offset}, ${ref.offset + length}) lies outside the file (${size} bytes)`);
    }
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, bytes, done, length - done, ref.offset + done);
      if (n === 0) break;
      done += n;
    }
    return bytes;
  }

  close(): void {
    for (const { fd } of this.open.values()) closeSync(fd);
    this.open.clear();
  }

  private safePath(location: string, field: string): string {
    const dir = resolve(this.dir as string);
    const path = resolve(dir, location);
    const rel = relative(dir, path);
    if (isAbsolute(location) || location.split(/[\\/]/).includes('..') || rel.startsWith('..') || isAbsolute(rel) || rel === '') {
      throw new OnnxExternalDataError(this.modelFile, field,
        `external data location '${location}' leaves the model's folder; only files beside the model are read`);
    }
    return join(dir, rel.split(/[\\/]/).join(sep));
  }

  private handle(path: string, location: string, field: string): { fd: number; size: number } {
    let entry = this.open.get(path);
    if (!entry) {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (error) {
        throw new OnnxExternalDataError(this.modelFile, field,
          `external data file '${location}' cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
      entry = { fd, size: fstatSync(fd).size };
      this.open.set(path, entry);
    }
    return entry;
  }
}

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Random access to the bytes of one file. Readers ask for bounded pieces (a header, a chunk of
 * data records), so a recording on disk is never held in memory as a whole.
 */
export interface ByteSource {
  /** File name used in error messages. */
  readonly name: string;
  readonly size: number;
  /**
   * Bytes [offset, offset + length), clipped to the end of the file. The returned view may be
   * overwritten by the next `read`: copy what must be kept.
   */
  read(offset: number, length: number): Uint8Array;
  close?(): void;
}

/** A source over bytes already in memory: reads are views, nothing is copied. */
export function memorySource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.length,
    read: (offset, length) => bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length)),
  };
}

/** A source over a file on disk, read with one reusable buffer (grown to the largest request). */
export function fileSource(path: string, name = basename(path)): ByteSource & { close(): void } {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  let buffer = new Uint8Array(0);
  return {
    name,
    size,
    read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      if (buffer.length < n) buffer = new Uint8Array(n);
      let done = 0;
      while (done < n) {
        const got = readSync(fd, buffer, done, n - done, offset + done);
        if (got === 0) break;
        done += got;
      }
      return buffer.subarray(0, done);
    },
    close: () => closeSync(fd),
  };
}

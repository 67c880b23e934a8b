/**
 * One HTTP byte range (RFC 9110 §14): enough for <audio>/<video> elements, which only seek in a
 * source that answers `Range: bytes=a-b` with 206. Several ranges are answered with the whole file.
 */
export type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

/** The inclusive range a `Range` header asks of a file of `size` bytes; null: send the whole file. */
export function parseByteRange(header: string | undefined, size: number): ByteRange {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    // suffix: the last n bytes
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

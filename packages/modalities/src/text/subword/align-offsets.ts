/**
 * Offsets of subword tokens in the original text. The tokenizer library (@huggingface/tokenizers
 * 0.2) returns token strings without offsets, so they are recovered by alignment: the text is
 * normalised piece by piece (a character with its combining marks), each piece remembering the
 * original span it came from, and each token's surface (its UTF-8 bytes, without the WordPiece
 * '##' prefix, the BPE end-of-word suffix, the byte-level 'Ġ' / Metaspace '▁' space marker) is
 * matched left to right in the normalised bytes. An unknown token ([UNK]) spans up to the next
 * whitespace or the next token's surface. A token whose surface is not found has no offsets.
 */
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);
const encoder = new TextEncoder();

/** The text after normalisation as UTF-8 bytes, with each byte's original span [start, end) (UTF-16 units). */
export interface NormalizedBytes {
  readonly bytes: Uint8Array;
  readonly origStart: Int32Array;
  readonly origEnd: Int32Array;
}

/** A base character with its combining marks: the pieces normalised one at a time. */
const PIECE = /\P{M}\p{M}*|\p{M}+/gsu;

export function normalizedBytes(text: string, normalize: ((s: string) => string) | null): NormalizedBytes {
  const bytes: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (const m of text.matchAll(PIECE)) {
    const start = m.index!;
    const end = start + m[0].length;
    const piece = normalize ? normalize(m[0]) : m[0];
    for (const b of encoder.encode(piece)) {
      bytes.push(b);
      starts.push(start);
      ends.push(end);
    }
  }
  return { bytes: Uint8Array.from(bytes), origStart: Int32Array.from(starts), origEnd: Int32Array.from(ends) };
}

/** What a token stands for in the normalised text: its bytes, or 'unknown' for the unknown token. */
export type Surface = Uint8Array | 'unknown';

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function trimLeadingSpace(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && WHITESPACE.has(b[i]!)) i++;
  return b.subarray(i);
}

/** Original-text spans [start, end) per token (null: not found), matched in order. */
export function alignSurfaces(norm: NormalizedBytes, surfaces: readonly Surface[]): ([number, number] | null)[] {
  const { bytes } = norm;
  let cursor = 0;
  const span = (from: number, to: number): [number, number] => [norm.origStart[from]!, norm.origEnd[to - 1]!];
  const skipSpace = () => {
    while (cursor < bytes.length && WHITESPACE.has(bytes[cursor]!)) cursor++;
  };
  return surfaces.map((surface, k) => {
    skipSpace();
    if (surface === 'unknown') {
      if (cursor >= bytes.length) return null;
      const next = surfaces.slice(k + 1).find((s): s is Uint8Array => s !== 'unknown' && trimLeadingSpace(s).length > 0);
      let end = cursor + 1;
      const nextAt = next ? indexOf(bytes, trimLeadingSpace(next), cursor + 1) : -1;
      while (end < bytes.length && !WHITESPACE.has(bytes[end]!) && end !== nextAt) end++;
      // Whole characters: continue through the rest of a multi-byte character.
      while (end < bytes.length && norm.origStart[end] === norm.origStart[end - 1]) end++;
      const s = span(cursor, end);
      cursor = end;
      return s;
    }
    const needle = trimLeadingSpace(surface);
    if (needle.length === 0) return null;
    const at = indexOf(bytes, needle, cursor);
    if (at < 0) return null;
    cursor = at + needle.length;
    return span(at, cursor);
  });
}

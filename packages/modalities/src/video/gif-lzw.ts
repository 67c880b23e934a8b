/**
 * GIF's LZW image data → palette indices, in place of omggif's decoder, which loops forever on
 * some corrupt streams (its prefix chains can form cycles, e.g. after an edited minimum code
 * size). Here every code must already be in the table (or be the next one, the KwKwK case), so a
 * prefix chain always points to smaller codes and ends; each code writes at most `out.length`
 * indices in all, and the loop ends when the data or the output runs out: work is bounded by the
 * input and output sizes whatever the bytes.
 */
const MAX_CODES = 4096;

/**
 * Decodes the LZW stream of one frame (starting at its minimum code size byte) into `out`.
 * Returns the number of indices written; throws a plain Error with the reason on corrupt data.
 */
export function decodeGifLzw(bytes: Uint8Array, start: number, out: Uint8Array): number {
  const minSize = bytes[start];
  if (minSize === undefined || minSize < 1 || minSize > 8) throw new Error(`LZW minimum code size ${minSize ?? '(missing)'} is outside 1..8`);
  const clear = 1 << minSize;
  const eoi = clear + 1;
  const prefix = new Int16Array(MAX_CODES);
  const suffix = new Uint8Array(MAX_CODES);
  const length = new Uint16Array(MAX_CODES); // string length of each code
  for (let c = 0; c < clear; c++) {
    suffix[c] = c & 0xff;
    length[c] = 1;
  }
  let next = eoi + 1;
  let size = minSize + 1;
  let prev = -1;
  let written = 0;
  // Sub-blocks: a length byte, then that many bytes; a zero length ends the data.
  let p = start + 1;
  let block = 0;
  let acc = 0;
  let bits = 0;
  for (;;) {
    while (bits < size) {
      if (block === 0) {
        if (p >= bytes.length) return written; // data cut off: keep what was decoded
        block = bytes[p++]!;
        if (block === 0) return written;
      }
      if (p >= bytes.length) return written;
      acc |= bytes[p++]! << bits;
      bits += 8;
      block--;
    }
    const code = acc & ((1 << size) - 1);
    acc >>>= size;
    bits -= size;
    if (code === clear) {
      next = eoi + 1;
      size = minSize + 1;
      prev = -1;
      continue;
    }
    if (code === eoi) return written;
    if (code > next || (code === next && prev < 0)) throw new Error(`LZW code ${code} is not in the table (next free code ${next})`);
    {
      // The string of `code` (or, for code === next, prev's string plus its own first index).
      const known = code < next;
      const base = known ? code : prev;
      const n = length[base]! + (known ? 0 : 1);
      if (written + n > out.length) return written; // more data than pixels: ignore the rest
      let c = base;
      for (let k = length[base]! - 1; k >= 0; k--) {
        out[written + k] = suffix[c]!;
        c = prefix[c]!;
      }
      const first = out[written]!;
      if (!known) out[written + n - 1] = first;
      written += n;
      if (prev >= 0 && next < MAX_CODES) {
        prefix[next] = prev;
        suffix[next] = first;
        length[next] = length[prev]! + 1;
        next++;
        if (next === 1 << size && size < 12) size++;
      }
      prev = code;
    }
  }
}

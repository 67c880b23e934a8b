/**
 * GPT-2's byte-level alphabet (used by ByteLevel pre-tokenizers: RoBERTa, GPT-2, …): every byte is
 * written as one printable character, so a token's characters stand for its UTF-8 bytes.
 */
let decoder: Map<string, number> | undefined;

/** Character → byte, the inverse of GPT-2's `bytes_to_unicode`. */
export function byteLevelDecoder(): Map<string, number> {
  if (decoder) return decoder;
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map = new Map<string, number>();
  for (const b of printable) map.set(String.fromCodePoint(b), b);
  let extra = 0;
  for (let b = 0; b < 256; b++) if (!printable.includes(b)) map.set(String.fromCodePoint(256 + extra++), b);
  decoder = map;
  return map;
}

/** The UTF-8 bytes a byte-level token stands for; null when a character is not in the alphabet. */
export function byteLevelBytes(token: string): Uint8Array | null {
  const map = byteLevelDecoder();
  const out: number[] = [];
  for (const ch of token) {
    const b = map.get(ch);
    if (b === undefined) return null;
    out.push(b);
  }
  return Uint8Array.from(out);
}

/** EDF+ Time-stamped Annotation Lists (TALs): the bytes of the 'EDF Annotations' signal. */
import type { EegAnnotation } from './recording.js';

export interface Tal {
  readonly onset: number;
  readonly duration: number;
  /** Annotation texts; the time-keeping TAL of a data record has one empty text. */
  readonly texts: readonly string[];
}

const ONSET = /^[+-]\d+(\.\d*)?$/;
const DURATION = /^\d+(\.\d*)?$/;
const utf8 = new TextDecoder('utf-8');

/**
 * Parses the TALs of one data record's annotation signal: `onset [0x15 duration] 0x14 (text 0x14)* 0x00`,
 * the rest filled with 0x00. Throws an Error with the reason (the caller adds file and record).
 */
export function parseTals(bytes: Uint8Array): Tal[] {
  const tals: Tal[] = [];
  let i = 0;
  while (i < bytes.length && bytes[i] !== 0) {
    const end = bytes.indexOf(0, i);
    if (end < 0) throw new Error(`TAL at byte ${i} is not terminated by 0x00`);
    const tal = bytes.subarray(i, end);
    const first20 = tal.indexOf(0x14);
    if (first20 < 0) throw new Error(`TAL at byte ${i} has no 0x14 after its onset`);
    if (tal[tal.length - 1] !== 0x14) throw new Error(`TAL at byte ${i} does not end with 0x14 before its 0x00`);
    const head = utf8.decode(tal.subarray(0, first20));
    const [onsetText, durationText, ...extra] = head.split('\x15');
    if (extra.length > 0 || !ONSET.test(onsetText!)) throw new Error(`TAL at byte ${i} has a malformed onset '${head.replace(/\x15/g, '<0x15>')}'`);
    if (durationText !== undefined && !DURATION.test(durationText)) throw new Error(`TAL at byte ${i} has a malformed duration '${durationText}'`);
    const texts = utf8.decode(tal.subarray(first20 + 1, tal.length - 1)).split('\x14');
    tals.push({ onset: Number(onsetText), duration: durationText === undefined ? 0 : Number(durationText), texts });
    i = end + 1;
  }
  return tals;
}

/** Shortest decimal text of a time in seconds, no exponent, at most 9 decimals (EDF+ TAL onsets and durations; 1/256 s steps are exact). */
export function formatTalNumber(value: number, signed: boolean): string {
  let t = Math.abs(value).toFixed(9).replace(/\.?0+$/, '');
  if (t === '') t = '0';
  return signed ? (value < 0 && t !== '0' ? '-' : '+') + t : t;
}

const encoder = new TextEncoder();

/** Bytes of a TAL; no text gives the time-keeping TAL `+onset 0x14 0x14 0x00`. */
export function encodeTal(onset: number, duration: number | null, texts: readonly string[]): Uint8Array {
  const head = formatTalNumber(onset, true) + (duration !== null && duration > 0 ? `\x15${formatTalNumber(duration, false)}` : '');
  const body = (texts.length === 0 ? [''] : texts).map((t) => t.replace(/[\x00\x14\x15]/g, ' ')).join('\x14');
  return encoder.encode(`${head}\x14${body}\x14\x00`);
}

/** Annotations of a list of TALs, skipping empty texts (as MNE and EDFbrowser do). */
export function talAnnotations(tals: readonly Tal[]): EegAnnotation[] {
  const out: EegAnnotation[] = [];
  for (const tal of tals) for (const text of tal.texts) if (text !== '') out.push({ onset: tal.onset, duration: tal.duration, description: text });
  return out;
}

import TreebankWordTokenizer from 'natural/lib/natural/tokenizers/treebank_word_tokenizer.js';

/** One word token and where it stands in the original text. */
export interface TextToken {
  /** Exactly `text.slice(start, end)` of the original text (what is drawn). */
  readonly text: string;
  /** What the vocabulary is looked up with: the token NFC-normalised, ’ as ', lower-cased if asked. */
  readonly form: string;
  /** Offsets into the original text in UTF-16 code units (JavaScript string indices), end exclusive. */
  readonly start: number;
  readonly end: number;
}

export interface TokenizeOptions {
  /** Lower-case the token forms (offsets and drawn text keep the original case). Default false. */
  readonly lowercase?: boolean;
}

const treebank = new TreebankWordTokenizer();
const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
const ASCII = /^[\x00-\x7f]$/;

/** Indices where a new grapheme (user-perceived character) starts, or null for ASCII-only text. */
function graphemeStarts(text: string): Set<number> | null {
  if (/^[\x00-\x7f]*$/.test(text)) return null;
  const starts = new Set<number>();
  for (const { index } of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)) starts.add(index);
  return starts;
}

const codePointBefore = (text: string, k: number) => {
  const low = text.charCodeAt(k - 1);
  return low >= 0xdc00 && low <= 0xdfff && k >= 2 ? text.slice(k - 2, k) : text.slice(k - 1, k);
};
const codePointAt = (text: string, k: number) => String.fromCodePoint(text.codePointAt(k)!);

/**
 * Whether natural split a word it should not have: its tokenizer treats every non-ASCII character
 * as punctuation (JavaScript's `\w` is ASCII), so 'café' comes out as 'caf', 'é' and an emoji as two
 * lone surrogates. Pieces that touch are joined again inside one grapheme, and between two word
 * characters (letters, marks, digits) of which one is not ASCII. ASCII splits ('do'|"n't",
 * 'gon'|'na') are Treebank's own and stay.
 */
function splitInsideWord(text: string, k: number, graphemes: Set<number> | null): boolean {
  if (graphemes && !graphemes.has(k)) return true;
  const before = codePointBefore(text, k);
  const after = codePointAt(text, k);
  return WORD_CHAR.test(before) && WORD_CHAR.test(after) && !(ASCII.test(before) && ASCII.test(after));
}

/**
 * Penn-Treebank word tokens (natural's TreebankWordTokenizer: contractions split as 'do' + "n't",
 * punctuation split off, inner periods kept as in 'Mr.' and '3.5', a period split only at the end of
 * the text or a line), each with its character offsets into the original text.
 *
 * Beyond natural: the typographic apostrophe ’ tokenizes as ' (don’t → do + n’t, looked up as
 * "n't"), and words with non-ASCII letters, combining marks and emoji stay whole (see above).
 * Every non-space character of the text belongs to exactly one token.
 */
export function tokenizeTreebank(text: string, options: TokenizeOptions = {}): TextToken[] {
  // Same length as the text, so offsets found in it are offsets into the text.
  const normalised = text.replace(/\u2019/g, "'");
  const spans: [number, number][] = [];
  let cursor = 0;
  for (const piece of treebank.tokenize(normalised)) {
    const at = normalised.indexOf(piece, cursor);
    if (at < 0 || /\S/.test(normalised.slice(cursor, at))) {
      throw new Error(`tokenizer: cannot align token ${JSON.stringify(piece)} at offset ${cursor}`);
    }
    spans.push([at, at + piece.length]);
    cursor = at + piece.length;
  }
  if (/\S/.test(normalised.slice(cursor))) throw new Error(`tokenizer: text after offset ${cursor} was dropped`);

  const graphemes = graphemeStarts(text);
  const joined: [number, number][] = [];
  for (const span of spans) {
    const last = joined.at(-1);
    if (last && last[1] === span[0] && splitInsideWord(text, span[0], graphemes)) last[1] = span[1];
    else joined.push([span[0], span[1]]);
  }

  return joined.map(([start, end]) => {
    const form = normalised.slice(start, end).normalize('NFC');
    return { text: text.slice(start, end), form: options.lowercase ? form.toLowerCase() : form, start, end };
  });
}

/**
 * Maps UTF-16 offsets into `text` to code-point offsets (what Python's `str` indices count):
 * `map[utf16]` for 0 ≤ utf16 ≤ text.length.
 */
export function codePointOffsets(text: string): Int32Array {
  const map = new Int32Array(text.length + 1);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = n;
    const c = text.charCodeAt(i);
    const isLowSurrogateOfPair = c >= 0xdc00 && c <= 0xdfff && i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff;
    if (!isLowSurrogateOfPair) n++;
    else map[i] = n - 1;
  }
  map[text.length] = n;
  return map;
}

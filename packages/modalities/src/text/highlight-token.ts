/** A stretch of the original text to highlight with its relevance. */
export interface HighlightToken {
  readonly start: number;
  readonly end: number;
  /** Relevance, or null for a token the model did not see (drawn without colour). */
  readonly score: number | null;
  /** Extra words for the hover text ("out of vocabulary, fed as <unk>", "truncated" …). */
  readonly note?: string;
  /** Why the token is drawn marked: unknown to the vocabulary, cut off, or left out as unknown. */
  readonly mark?: TokenMark;
}

/**
 * 'oov': fed to the model as the out-of-vocabulary id (the model knows nothing of the word);
 * 'truncated': cut off, the model reads fewer tokens than the text has; 'skipped': unknown and left
 * out (oov policy 'skip').
 */
export type TokenMark = 'oov' | 'truncated' | 'skipped';

/** What each mark means, for legends (`length`: the model's sequence length; `side`: which end truncation cuts). */
export function markMeaning(mark: TokenMark, length?: number, side: 'pre' | 'post' = 'pre'): string {
  if (mark === 'oov') return 'unknown word: not in the vocabulary, fed as <unk>';
  if (mark === 'skipped') return 'unknown word: not in the vocabulary, left out';
  return length === undefined ? 'cut off: not read by the model' : `cut off: the model reads only the ${side === 'pre' ? 'last' : 'first'} ${length} tokens`;
}

/** The tokens in text order; throws when they overlap or leave the text. */
export function orderedTokens(text: string, tokens: readonly HighlightToken[]): HighlightToken[] {
  const sorted = [...tokens].sort((a, b) => a.start - b.start);
  let cursor = 0;
  for (const t of sorted) {
    if (!(t.start >= cursor && t.end > t.start && t.end <= text.length)) {
      throw new RangeError(`token [${t.start}, ${t.end}) overlaps another or lies outside the text of ${text.length} characters`);
    }
    cursor = t.end;
  }
  return sorted;
}

/** How the colour scale is chosen: one per text (the explained input), or one per sentence of it. */
export type ScaleBy = 'text' | 'sentence';

const TERMINATOR = /^(?:[.!?]+|\.\.\.|…)$/;

/**
 * Sentence index of each token (tokens in text order): a sentence ends after a token that is a
 * terminator (. ! ? … or a run of them), or a token ending in one of them when the next token starts
 * upper-case ('it. They'), and at a blank line.
 */
export function sentenceOf(text: string, tokens: readonly { readonly start: number; readonly end: number }[]): number[] {
  const out: number[] = [];
  let sentence = 0;
  tokens.forEach((t, i) => {
    if (i > 0) {
      const prev = tokens[i - 1]!;
      const word = text.slice(prev.start, prev.end);
      const next = text.slice(t.start, t.end);
      const gap = text.slice(prev.end, t.start);
      if (TERMINATOR.test(word) || (/[.!?…]$/.test(word) && /^["'«(]?\p{Lu}/u.test(next)) || /\n[^\S\n]*\n/.test(gap)) sentence++;
    }
    out.push(sentence);
  });
  return out;
}

/**
 * The symmetric colour scale of each token: `fixed` when given, else max |R| over the text
 * (scaleBy 'text') or over the token's sentence ('sentence').
 */
export function tokenScales(text: string, tokens: readonly HighlightToken[], scaleBy: ScaleBy = 'text', fixed?: number): number[] {
  if (fixed !== undefined) return tokens.map(() => fixed);
  const max = (ts: readonly HighlightToken[]) => ts.reduce((m, t) => (t.score !== null && Number.isFinite(t.score) ? Math.max(m, Math.abs(t.score)) : m), 0);
  if (scaleBy === 'text') {
    const m = max(tokens);
    return tokens.map(() => m);
  }
  const sentences = sentenceOf(text, tokens);
  const perSentence = new Map<number, number>();
  tokens.forEach((t, i) => {
    const s = sentences[i]!;
    perSentence.set(s, Math.max(perSentence.get(s) ?? 0, max([t])));
  });
  return sentences.map((s) => perSentence.get(s)!);
}

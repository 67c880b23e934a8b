import type { TokenMark } from './highlight-token.js';
import type { TextToken } from './treebank-tokenizer.js';
import { InvalidTextError, OutOfVocabularyError } from './text-errors.js';
import { OOV_ID, PAD_ID, type OovPolicy, type SequenceSide, type Vocabulary } from './vocabulary.js';

/** A token of the text with what the model sees of it. */
export interface EncodedToken extends TextToken {
  /** The id fed to the model (the OOV id for an unknown word under 'unk'); null when skipped. */
  readonly id: number | null;
  /** Whether the vocabulary lacks the token's form. */
  readonly oov: boolean;
  /** Index in the model input, null when the token is not in it (skipped or truncated). */
  readonly position: number | null;
  /** Why the token is not in the model input. */
  readonly dropped?: 'oov' | 'truncated';
}

export interface EncodedText {
  /** The model input: `length` token ids, padding included. */
  readonly ids: Int32Array;
  readonly tokens: readonly EncodedToken[];
  /** Per model position: the index into `tokens`, or null for padding. */
  readonly tokenAt: readonly (number | null)[];
  /** Padding positions added, and tokens cut off. */
  readonly padded: number;
  readonly truncated: number;
  /** Distinct out-of-vocabulary forms, in order of appearance. */
  readonly oovWords: readonly string[];
}

export interface EncodeOptions {
  readonly oov: OovPolicy;
  /** The model's sequence length; null: as many positions as tokens (no padding, no truncation). */
  readonly length: number | null;
  readonly padding: SequenceSide;
  readonly truncating: SequenceSide;
  /** Named in errors. */
  readonly file: string;
}

/**
 * Token ids for the model, as Keras' `texts_to_sequences` + `pad_sequences` make them: each form
 * looked up in the vocabulary; an unknown one becomes the OOV id ('unk'), is left out ('skip'), or
 * fails the whole text naming every unknown word ('error'); then the sequence is cut to `length`
 * (truncating 'pre' drops the first tokens, 'post' the last) and filled up with the padding id
 * (padding 'pre' in front, 'post' behind).
 */
export function encodeTokens(tokens: readonly TextToken[], vocabulary: Vocabulary, options: EncodeOptions): EncodedText {
  const { file } = options;
  if (tokens.length === 0) throw new InvalidTextError(file, 'empty text: there is nothing to explain');
  const looked = tokens.map((t) => ({ token: t, id: vocabulary.idOf(t.form) }));
  const oovWords = [...new Set(looked.filter((l) => l.id === undefined).map((l) => l.token.form))];
  if (options.oov === 'error' && oovWords.length > 0) throw new OutOfVocabularyError(file, oovWords);

  // Indices (into tokens) of what goes to the model, before truncation.
  const kept: number[] = [];
  looked.forEach((l, i) => {
    if (l.id !== undefined || options.oov === 'unk') kept.push(i);
  });
  if (kept.length === 0) {
    throw new InvalidTextError(file, `none of the ${tokens.length} tokens is in the vocabulary (oov policy 'skip'): nothing to explain`);
  }
  const length = options.length ?? kept.length;
  const cut = Math.max(0, kept.length - length);
  const window = options.truncating === 'pre' ? kept.slice(cut) : kept.slice(0, kept.length - cut);
  const pad = length - window.length;
  const first = options.padding === 'pre' ? pad : 0;

  const ids = new Int32Array(length).fill(PAD_ID);
  const tokenAt: (number | null)[] = new Array<number | null>(length).fill(null);
  const positionOf = new Map<number, number>();
  window.forEach((tokenIndex, k) => {
    const p = first + k;
    ids[p] = looked[tokenIndex]!.id ?? OOV_ID;
    tokenAt[p] = tokenIndex;
    positionOf.set(tokenIndex, p);
  });
  const keptSet = new Set(kept);
  const encoded = looked.map(({ token, id }, i): EncodedToken => {
    const position = positionOf.get(i) ?? null;
    const oov = id === undefined;
    const base = { ...token, id: keptSet.has(i) ? (id ?? OOV_ID) : null, oov, position };
    if (!keptSet.has(i)) return { ...base, dropped: 'oov' };
    return position === null ? { ...base, dropped: 'truncated' } : base;
  });
  return { ids, tokens: encoded, tokenAt, padded: pad, truncated: cut, oovWords };
}

/** How a token is marked in every rendering: unknown (fed as <unk>), cut off, or unknown and left out. */
export function markOf(t: EncodedToken): TokenMark | undefined {
  if (t.dropped === 'oov') return 'skipped';
  if (t.dropped === 'truncated') return 'truncated';
  return t.oov ? 'oov' : undefined;
}

/**
 * Relevance of subword tokens turned into relevance of words: per token, the sum over the embedding
 * dimension of the relevance at the encoder input ([T, d]; a [T] relevance such as attention
 * rollout is taken as it is); per word, the sum over its subwords. Special tokens and padding are
 * kept apart.
 */
import { InvalidArgumentError } from '@xai/core';
import type { SubwordEncoding, SubwordToken } from './subword-tokenizer.js';

/** A word of the original text: its span and the indices (into `encoding.tokens`) of its subwords. */
export interface SubwordWord {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly tokens: readonly number[];
}

/** Words from subwords: a token that continues a word joins the previous one; tokens without offsets stay out. */
export function subwordWords(text: string, tokens: readonly SubwordToken[]): SubwordWord[] {
  const words: { start: number; end: number; tokens: number[] }[] = [];
  tokens.forEach((t, i) => {
    if (t.special || t.start === null || t.end === null) return;
    const last = words[words.length - 1];
    if (last && (t.continuesWord || t.start < last.end)) {
      last.end = Math.max(last.end, t.end);
      last.tokens.push(i);
    } else words.push({ start: t.start, end: t.end, tokens: [i] });
  });
  return words.map((w) => ({ ...w, text: text.slice(w.start, w.end) }));
}

export interface SubwordRelevance {
  /** Per token of `encoding.tokens` (special ones included). */
  readonly tokens: number[];
  /** Per word of `words`. */
  readonly words: number[];
  /** On special tokens, on padding positions, and on text tokens that have no offsets. */
  readonly special: number;
  readonly padding: number;
  readonly unplaced: number;
}

/** Per-position relevance: the sum over the trailing (embedding) axis of a [T, d] or [1, T, d] relevance; [T] as it is. */
export function positionRelevance(values: Float32Array, shape: readonly number[], length: number): Float64Array {
  const dims = shape[0] === 1 && shape.length >= 2 && shape[1] === length ? shape.slice(1) : shape;
  if (dims[0] !== length || dims.length > 2) {
    throw new InvalidArgumentError(`relevance of shape [${shape.join(', ')}] is not per position of the ${length} tokens fed ([T] or [T, d])`);
  }
  const d = dims.length === 2 ? dims[1]! : 1;
  const out = new Float64Array(length);
  for (let t = 0; t < length; t++) for (let k = 0; k < d; k++) out[t]! += values[t * d + k]!;
  return out;
}

export function subwordRelevance(encoding: SubwordEncoding, words: readonly SubwordWord[], values: Float32Array, shape: readonly number[]): SubwordRelevance {
  const perPosition = positionRelevance(values, shape, encoding.ids.length);
  const tokens = encoding.tokens.map((t) => perPosition[t.position]!);
  const fed = new Set(encoding.tokens.map((t) => t.position));
  let padding = 0;
  perPosition.forEach((v, p) => {
    if (!fed.has(p)) padding += v;
  });
  const inWords = new Set(words.flatMap((w) => w.tokens));
  let special = 0;
  let unplaced = 0;
  encoding.tokens.forEach((t, i) => {
    if (t.special) special += tokens[i]!;
    else if (!inWords.has(i)) unplaced += tokens[i]!;
  });
  return { tokens, words: words.map((w) => w.tokens.reduce((s, i) => s + tokens[i]!, 0)), special, padding, unplaced };
}

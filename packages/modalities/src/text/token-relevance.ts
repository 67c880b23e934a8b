import { InvalidArgumentError } from '@xai/core';
import type { EncodedText } from './encode-tokens.js';

export interface TokenRelevance {
  /** Per token of the text: its relevance, or null when the token was not in the model input. */
  readonly scores: (number | null)[];
  /** Per model position (padding included). */
  readonly positions: Float32Array;
  /** Relevance that landed on padding positions (zero for an Embedding with maskZero). */
  readonly padding: number;
}

/**
 * One relevance per token. Relevance shaped like the input ([T], what the LSTM plugin's Embedding
 * gives) is taken as is; relevance at the embedding output ([T, D], e.g. from `relevanceAtEmbedding`)
 * is summed over the embedding axis (Arras et al.: a word's relevance is the sum over its vector).
 */
export function tokenRelevance(encoded: EncodedText, values: ArrayLike<number>, shape: readonly number[]): TokenRelevance {
  const T = encoded.ids.length;
  if (shape[0] !== T || values.length % T !== 0) {
    throw new InvalidArgumentError(`relevance of shape [${shape.join(', ')}] does not fit the ${T} token positions of the input`);
  }
  const D = values.length / T;
  const positions = new Float32Array(T);
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += values[t * D + d]!;
    positions[t] = s;
  }
  let padding = 0;
  encoded.tokenAt.forEach((tokenIndex, p) => {
    if (tokenIndex === null) padding += positions[p]!;
  });
  const scores = encoded.tokens.map((t) => (t.position === null ? null : positions[t.position]!));
  return { scores, positions, padding };
}

import { hexColour, scoreColour } from './bwr-colour.js';
import type { EncodedText } from './encode-tokens.js';
import type { TokenMark } from './highlight-token.js';
import type { TokenRelevance } from './token-relevance.js';
import { codePointOffsets } from './treebank-tokenizer.js';
import type { TextRelevance, TextRelevanceToken } from '../view-schemas.js';

export type { TextRelevance as TextRelevanceJson, TextRelevanceToken as TextRelevanceJsonToken };

/** The per-token relevance as JSON: token, offsets, id, score, colour. */
export function textRelevanceJson(
  file: string,
  text: string,
  encoded: EncodedText,
  relevance: TokenRelevance,
  about: {
    method: string; target: number; targetName?: string; logits?: readonly number[]; scale: number; scaleBy?: 'text' | 'sentence'; tokenScales?: readonly number[];
    /** Per token: its mark and what the mark means, or null. */
    marks?: readonly ({ mark: TokenMark; note: string } | null)[];
    truncating?: 'pre' | 'post';
    vocabularyWords?: number;
    vocabularyAbout?: string;
  },
): TextRelevance {
  const scaleBy = about.scaleBy ?? 'text';
  const cp = codePointOffsets(text);
  let sum = 0;
  const tokens = encoded.tokens.map((t, i): TextRelevanceToken => {
    const score = relevance.scores[i]!;
    if (score !== null) sum += score;
    return {
      token: t.text,
      form: t.form,
      start: t.start,
      end: t.end,
      codePoints: [cp[t.start]!, cp[t.end]!],
      id: t.id,
      oov: t.oov,
      position: t.position,
      ...(t.dropped ? { dropped: t.dropped } : {}),
      ...(about.marks?.[i] ? { mark: about.marks[i].mark, note: about.marks[i].note } : {}),
      score,
      colour: score === null ? null : hexColour(scoreColour(score, about.tokenScales?.[i] ?? about.scale)),
      ...(scaleBy === 'sentence' && about.tokenScales ? { sentenceScale: about.tokenScales[i]! } : {}),
    };
  });
  return {
    format: 'xai-text-relevance',
    version: 1,
    file,
    text,
    method: about.method,
    target: about.target,
    ...(about.targetName !== undefined ? { targetName: about.targetName } : {}),
    ...(about.logits ? { logits: [...about.logits] } : {}),
    scale: about.scale,
    scaleBy,
    tokenRelevance: sum,
    paddingRelevance: relevance.padding,
    length: encoded.ids.length,
    truncating: about.truncating ?? 'pre',
    truncated: encoded.truncated,
    oovWords: [...encoded.oovWords],
    ...(about.vocabularyWords !== undefined ? { vocabularyWords: about.vocabularyWords } : {}),
    ...(about.vocabularyAbout !== undefined ? { vocabularyAbout: about.vocabularyAbout } : {}),
    tokens,
  };
}

import { hexColour, scoreColour } from './bwr-colour.js';
import type { EncodedText } from './encode-tokens.js';
import type { TokenRelevance } from './token-relevance.js';
import { codePointOffsets } from './treebank-tokenizer.js';

export interface TextRelevanceJsonToken {
  /** The token as written in the text (`text.slice(start, end)`). */
  readonly token: string;
  /** The form looked up in the vocabulary. */
  readonly form: string;
  /** UTF-16 offsets (JavaScript string indices), end exclusive. */
  readonly start: number;
  readonly end: number;
  /** The same offsets in code points (Python `str` indices). */
  readonly codePoints: readonly [number, number];
  readonly id: number | null;
  readonly oov: boolean;
  /** Index in the model input; null when the token was not fed (see `dropped`). */
  readonly position: number | null;
  readonly dropped?: 'oov' | 'truncated';
  readonly score: number | null;
  /** Its bwr colour on its symmetric scale. */
  readonly colour: string | null;
  /** The scale of the token's sentence (scaleBy 'sentence' only). */
  readonly sentenceScale?: number;
}

export interface TextRelevanceJson {
  readonly format: 'xai-text-relevance';
  readonly version: 1;
  readonly file: string;
  readonly text: string;
  readonly method: string;
  readonly target: number;
  readonly targetName?: string;
  readonly logits?: readonly number[];
  /** The symmetric colour scale (max |R| over the tokens unless given). */
  readonly scale: number;
  /** 'text': one scale; 'sentence': each token coloured on its sentence's max |R| (`sentenceScale`). */
  readonly scaleBy: 'text' | 'sentence';
  /** Σ R over the tokens, and what fell on padding positions. */
  readonly tokenRelevance: number;
  readonly paddingRelevance: number;
  readonly tokens: readonly TextRelevanceJsonToken[];
}

/** The per-token relevance as JSON: token, offsets, id, score, colour. */
export function textRelevanceJson(
  file: string,
  text: string,
  encoded: EncodedText,
  relevance: TokenRelevance,
  about: { method: string; target: number; targetName?: string; logits?: readonly number[]; scale: number; scaleBy?: 'text' | 'sentence'; tokenScales?: readonly number[] },
): TextRelevanceJson {
  const scaleBy = about.scaleBy ?? 'text';
  const cp = codePointOffsets(text);
  let sum = 0;
  const tokens = encoded.tokens.map((t, i): TextRelevanceJsonToken => {
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
    ...(about.logits ? { logits: about.logits } : {}),
    scale: about.scale,
    scaleBy,
    tokenRelevance: sum,
    paddingRelevance: relevance.padding,
    tokens,
  };
}

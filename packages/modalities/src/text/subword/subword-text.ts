/**
 * The text modality for transformer models: a text tokenised by the model's own tokenizer.json
 * (ids, and the attention mask when the model reads one), and relevance at the encoder input drawn
 * on the original text per word (sum over its subwords) with subwords, special tokens and padding
 * listed apart. The text adapter hands over to these functions when its `tokenizer` option is set.
 */
import { basename } from 'node:path';
import { InvalidArgumentError } from '@xai/core';
import type { Artefact, DecodedInput, ModelInputSpec, RelevanceOf, SampleArray } from '../../adapter.js';
import { relevanceArtefact, textArtefact } from '../../artefacts.js';
import { formatScore, hexColour, scoreColour } from '../bwr-colour.js';
import type { HighlightToken, ScaleBy } from '../highlight-token.js';
import type { EncodedText, EncodedToken } from '../encode-tokens.js';
import { textHeatmapAnsi } from '../render-ansi.js';
import { textPreviewPng } from '../render-preview.js';
import { escapeHtml, htmlPage, legendHtml, textHeatmapHtml } from '../render-html.js';
import { SubwordTokenizer, type SubwordEncoding } from './subword-tokenizer.js';
import { subwordRelevance, subwordWords, type SubwordWord } from './subword-words.js';

export interface SubwordDecodeOptions {
  /** The model's tokenizer.json: a path, its parsed JSON, or a loaded tokenizer. */
  readonly tokenizer: string | SubwordTokenizer | Record<string, unknown>;
  readonly maxLength?: number;
}

interface SubwordInternal {
  readonly text: string;
  readonly encoding: SubwordEncoding;
  readonly words: readonly SubwordWord[];
}

export async function subwordTokenizerOf(option: SubwordDecodeOptions['tokenizer']): Promise<SubwordTokenizer> {
  if (option instanceof SubwordTokenizer) return option;
  if (typeof option === 'string') return SubwordTokenizer.load(option);
  return SubwordTokenizer.fromJson(option, 'tokenizer option');
}

/** The model's token-id input (and attention mask) from its input specs: [T] fixed or free, int32. */
function inputsOf(file: string, model: readonly ModelInputSpec[] | undefined): { length: number | null; mask: boolean } {
  if (!model) return { length: null, mask: false };
  if (model.length < 1 || model.length > 2) throw new InvalidArgumentError(`${file}: a transformer text model reads token ids (and optionally an attention mask); this one has ${model.length} inputs`);
  for (const [i, spec] of model.entries()) {
    if (spec.shape.length !== 1 || spec.dtype !== 'int32') {
      throw new InvalidArgumentError(`${file}: model input ${i} has shape [${spec.shape.map((d) => d ?? 'any').join(', ')}] (${spec.dtype}); a transformer text model reads integer token ids [length]`);
    }
  }
  return { length: model[0]!.shape[0] ?? null, mask: model.length === 2 };
}

/** Decodes a text for a transformer model: tokens of its tokenizer.json, padded to a fixed model length. */
export async function decodeSubwordText(file: string, text: string, options: SubwordDecodeOptions, model?: readonly ModelInputSpec[]): Promise<DecodedInput> {
  const tokenizer = await subwordTokenizerOf(options.tokenizer);
  const { length, mask } = inputsOf(file, model);
  if (length !== null && options.maxLength !== undefined && options.maxLength > length) throw new InvalidArgumentError(`${file}: maxLength ${options.maxLength} exceeds the model's input length ${length}`);
  const maxLength = options.maxLength ?? length ?? tokenizer.maxLength;
  const encoding = tokenizer.encode(text, { ...(maxLength !== undefined ? { maxLength } : {}), ...(length !== null ? { padTo: length } : {}) });
  const words = subwordWords(text, encoding.tokens);
  const T = encoding.ids.length;
  const samples: SampleArray[] = [{ values: encoding.ids, shape: [T], dtype: 'int32' }];
  if (mask) samples.push({ values: encoding.attentionMask, shape: [T], dtype: 'int32' });
  const labels = Array.from({ length: T }, (_, p) => '[padding]');
  for (const t of encoding.tokens) labels[t.position] = t.token;
  return {
    modality: 'text',
    samples,
    axes: [{ name: 'token', labels }],
    metadata: {
      file, text, characters: text.length, tokenizer: basename(tokenizer.source), tokenizerKind: tokenizer.kind, subword: true,
      length: T, tokenCount: encoding.tokens.length, wordCount: words.length, padded: encoding.padded, truncated: encoding.truncated, fedUntil: encoding.fedUntil,
      tokens: encoding.tokens,
    },
    internal: { text, encoding, words } satisfies SubwordInternal,
  };
}

/** Whether a decoded input came from decodeSubwordText. */
export const isSubwordInput = (input: DecodedInput): boolean => input.metadata.subword === true;

function subwordOf(input: DecodedInput): SubwordInternal {
  const internal = input.internal as SubwordInternal | undefined;
  if (internal?.encoding) return internal;
  const meta = input.metadata as { text?: string; tokens?: SubwordEncoding['tokens']; padded?: number; truncated?: number; fedUntil?: number };
  if (typeof meta.text !== 'string' || !Array.isArray(meta.tokens)) throw new InvalidArgumentError('not a decoded subword text: its metadata has no text and tokens');
  const ids = input.samples[0]!.values as Int32Array;
  const attentionMask = new Int32Array(ids.length);
  for (const t of meta.tokens) attentionMask[t.position] = 1;
  const encoding: SubwordEncoding = { ids, attentionMask, tokens: meta.tokens, padded: meta.padded ?? 0, truncated: meta.truncated ?? 0, fedUntil: meta.fedUntil ?? meta.text.length };
  return { text: meta.text, encoding, words: subwordWords(meta.text, meta.tokens) };
}

/**
 * The subword tokens the model reads as the text modality's preview PNG (render-preview.ts: one box
 * per token, special ones included; [UNK] in a dashed red box; a first line counting the cut-off ones).
 */
export function subwordPreview(input: DecodedInput): Artefact {
  const { encoding } = subwordOf(input);
  const tokens: EncodedToken[] = encoding.tokens.map((t) => ({
    text: t.token, form: t.token, start: t.start ?? 0, end: t.end ?? 0, id: t.id, oov: t.unknown, position: t.position,
  }));
  const tokenAt: (number | null)[] = new Array<number | null>(encoding.ids.length).fill(null);
  tokens.forEach((t, i) => (tokenAt[t.position!] = i));
  const unknown = [...new Set(encoding.tokens.filter((t) => t.unknown).map((t) => t.token))];
  const encoded: EncodedText = { ids: encoding.ids, tokens, tokenAt, padded: encoding.padded, truncated: encoding.truncated, oovWords: unknown };
  return {
    name: 'input.png', mediaType: 'image/png',
    description: 'the subword tokens the model reads, special tokens included (dashed red: unknown to the vocabulary)',
    bytes: textPreviewPng(encoded, 'post'),
  };
}

export interface SubwordRenderOptions {
  readonly scale?: number;
  readonly scaleBy?: ScaleBy;
  readonly colours?: 'truecolor' | '256';
}

/** Subword highlights for the 'subwords' view: tokens sharing characters (byte pieces of one character) are drawn as one. */
function subwordHighlights(encoding: SubwordEncoding, scores: readonly number[]): HighlightToken[] {
  const out: { start: number; end: number; score: number; names: string[] }[] = [];
  encoding.tokens.forEach((t, i) => {
    if (t.special || t.start === null || t.end === null || t.end <= t.start) return;
    const last = out[out.length - 1];
    if (last && t.start < last.end) {
      last.end = Math.max(last.end, t.end);
      last.score += scores[i]!;
      last.names.push(t.token);
    } else out.push({ start: t.start, end: t.end, score: scores[i]!, names: [t.token] });
  });
  return out.map((h) => ({ start: h.start, end: h.end, score: h.score, note: h.names.join(' ') }));
}

export function subwordArtefacts(input: DecodedInput, relevance: RelevanceOf, options: SubwordRenderOptions = {}): Artefact[] {
  const { text, encoding, words } = subwordOf(input);
  const file = String(input.metadata.file ?? 'text');
  const first = relevance.relevances[0];
  if (!first) throw new InvalidArgumentError('no relevance given');
  const r = subwordRelevance(encoding, words, first.values, first.shape);
  const scaleBy = options.scaleBy ?? 'text';
  const fmt = (v: number) => formatScore(v);
  const highlight: HighlightToken[] = words.map((w, i) => ({
    start: w.start, end: w.end, score: r.words[i]!,
    ...(w.tokens.length > 1 ? { note: `${w.tokens.length} subwords: ${w.tokens.map((k) => `${encoding.tokens[k]!.token} ${fmt(r.tokens[k]!)}`).join(', ')}` } : {}),
  }));
  const html = textHeatmapHtml(text, highlight, { scale: options.scale, scaleBy });
  const subwords = textHeatmapHtml(text, subwordHighlights(encoding, r.tokens), { scale: options.scale ?? html.scale, scaleBy });
  const ansi = textHeatmapAnsi(text, highlight, { scale: options.scale, scaleBy, colours: options.colours ?? 'truecolor' });
  const target = relevance.targetName ?? `class ${relevance.target}`;
  const logits = relevance.logits ? ` · logits ${relevance.logits.map((v) => fmt(v)).join(', ')}` : '';
  const specials = encoding.tokens.filter((t) => t.special).map((t) => `${t.token} ${fmt(r.tokens[encoding.tokens.indexOf(t)]!)}`);
  const unknown = encoding.tokens.filter((t) => t.unknown && t.start !== null).map((t) => text.slice(t.start!, t.end!));
  const notes = [
    specials.length ? `special tokens: ${specials.join(', ')}` : '',
    encoding.padded ? `padding (${encoding.padded} positions): ${fmt(r.padding)}` : '',
    encoding.truncated ? `${encoding.truncated} subword tokens cut off (the model reads ${encoding.tokens.length}): the text after “${text.slice(Math.max(0, encoding.fedUntil - 20), encoding.fedUntil)}” is not seen` : '',
    unknown.length ? `unknown to the vocabulary ([UNK]): ${unknown.join(', ')}` : '',
    r.unplaced ? `on tokens not found in the text: ${fmt(r.unplaced)}` : '',
  ].filter(Boolean);
  const body =
    `<p class="xai-caption">${escapeHtml(`${relevance.method} relevance for '${target}'${logits} · ${file} · per word (sum over its subwords)`)}</p>\n` +
    `${legendHtml(html.scale, `'${target}'`)}\n${html.html}\n` +
    `<details><summary>subwords</summary>\n${subwords.html}\n</details>\n` +
    (notes.length ? `<p class="xai-notes" style="font-size:0.85em;color:#555">${notes.map(escapeHtml).join('<br>')}</p>\n` : '');
  const colour = (v: number) => hexColour(scoreColour(v, html.scale));
  const wordOf = new Map(words.flatMap((w, i) => w.tokens.map((k) => [k, i] as const)));
  const json = {
    format: 'xai-subword-relevance',
    version: 1,
    file, text, method: relevance.method, target: relevance.target,
    ...(relevance.targetName !== undefined ? { targetName: relevance.targetName } : {}),
    ...(relevance.logits ? { logits: [...relevance.logits] } : {}),
    tokenizer: input.metadata.tokenizer, scale: html.scale, scaleBy,
    words: words.map((w, i) => ({ text: w.text, start: w.start, end: w.end, score: r.words[i]!, colour: colour(r.words[i]!), tokens: w.tokens.map((k) => encoding.tokens[k]!.position) })),
    tokens: encoding.tokens.map((t, i) => ({ token: t.token, id: t.id, position: t.position, start: t.start, end: t.end, special: t.special, unknown: t.unknown, continuesWord: t.continuesWord, word: wordOf.get(i) ?? null, score: r.tokens[i]! })),
    specialRelevance: r.special, paddingRelevance: r.padding, unplacedRelevance: r.unplaced,
    wordRelevance: r.words.reduce((s, v) => s + v, 0),
    padded: encoding.padded, truncated: encoding.truncated,
  };
  return [
    textArtefact('text.html', 'text/html', `the text with each word coloured by its relevance (sum over its subwords; subwords under 'subwords'; red: for '${target}')`, htmlPage(`Relevance — ${file}`, body)),
    textArtefact('text.ansi', 'text/x-ansi', 'the words coloured for a terminal (ANSI escape codes)', ansi.ansi),
    textArtefact('tokens.json', 'application/json', 'per word and per subword token: offsets, ids, relevance; special tokens and padding apart', JSON.stringify(json)),
    relevanceArtefact(relevance, { tokens: input.axes[0]?.labels ?? [] }),
  ];
}

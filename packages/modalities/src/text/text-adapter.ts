import { extname } from 'node:path';
import { InvalidArgumentError } from '@xai/core';
import { Type, type Static } from 'typebox';
import { asObjectSchema, checkedOptions, OptionsObject, StringEnum } from '../adapter-options.js';
import type { Artefact, DecodedInput, InputFile, ModalityAdapter, ModelInputSpec, RelevanceOf } from '../adapter.js';
import { relevanceArtefact, textArtefact } from '../artefacts.js';
import { formatScore } from './bwr-colour.js';
import { textDemoInputs, textDemoModels } from './demo.js';
import { encodeTokens, markOf, type EncodedText, type EncodedToken } from './encode-tokens.js';
import { markMeaning, tokenScales, type HighlightToken, type TokenMark } from './highlight-token.js';
import { textHeatmapAnsi } from './render-ansi.js';
import { escapeHtml, htmlPage, legendHtml, marksKeyHtml, textHeatmapHtml } from './render-html.js';
import { textPreviewPng } from './render-preview.js';
import { decodeSubwordText, isSubwordInput, subwordArtefacts, subwordPreview } from './subword/subword-text.js';
import { InvalidTextError } from './text-errors.js';
import { textRelevanceJson } from './token-json.js';
import { tokenRelevance } from './token-relevance.js';
import { tokenizeTreebank } from './treebank-tokenizer.js';
import { OOV_POLICIES, SEQUENCE_SIDES, Vocabulary } from './vocabulary.js';

const TEXT_OPTIONS = OptionsObject({
  vocabulary: Type.Union([Type.String(), Type.Object({}, { additionalProperties: true })], {
    'x-object': true,
    description: 'the vocabulary: a JSON file path, or its word → id object (or pass a .json file along with the text)',
  }),
  tokenizer: Type.Union([Type.String(), Type.Object({}, { additionalProperties: true })], {
    'x-object': true,
    description: "a transformer model's tokenizer.json, a path or its JSON object (WordPiece/BPE subwords, special tokens, attention mask): when given, the text is tokenised by it instead of Treebank words and a vocabulary",
  }),
  lowercase: Type.Boolean({ description: "lower-case tokens before the lookup (default: the vocabulary file's setting, else false)" }),
  oov: StringEnum(OOV_POLICIES, { description: "unknown words: 'unk' feeds the OOV id 1, 'skip' leaves them out, 'error' refuses the text (default: vocabulary setting, else 'unk')" }),
  padding: StringEnum(SEQUENCE_SIDES, { description: "where padding (id 0) goes (default: vocabulary setting, else 'pre' as Keras)" }),
  truncating: StringEnum(SEQUENCE_SIDES, { description: "which end is cut when the text is longer than the model (default: vocabulary setting, else 'pre' as Keras)" }),
  maxLength: Type.Integer({ minimum: 1, description: "sequence length for models whose input length is not fixed" }),
  scale: Type.Number({ exclusiveMinimum: 0, description: 'colour scale: |R| drawn at full colour (default: max |R| per scaleBy)' }),
  scaleBy: StringEnum(['text', 'sentence'], { default: 'text', description: "symmetric colour scale per explained text (Arras et al.: the explained sequence) or per sentence of it" }),
  colours: StringEnum(['truecolor', '256'], { default: 'truecolor', description: 'terminal colours of the ANSI rendering' }),
});
export type TextOptions = Static<typeof TEXT_OPTIONS>;

/** Wraps inline text as an input file (the adapter reads `.txt` files). */
export const textFile = (text: string, name = 'input.txt'): InputFile => ({ name, bytes: new TextEncoder().encode(text) });

function readText(file: InputFile): string {
  const [b0, b1] = file.bytes;
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) throw new InvalidTextError(file.name, 'UTF-16 text: save it as UTF-8');
  if (file.bytes.includes(0)) throw new InvalidTextError(file.name, 'binary data (NUL bytes), not text');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes); // drops a byte-order mark
  } catch {
    throw new InvalidTextError(file.name, 'not UTF-8 text (invalid byte sequence)');
  }
  if (text.trim() === '') throw new InvalidTextError(file.name, 'empty text: there is nothing to explain');
  return text;
}

async function vocabularyFor(files: readonly InputFile[], option: unknown): Promise<Vocabulary> {
  if (option instanceof Vocabulary) return option;
  if (typeof option === 'string') return Vocabulary.load(option);
  if (option !== undefined) return Vocabulary.fromJson(option, 'vocabulary option');
  const file = files.slice(1).find((f) => extname(f.name).toLowerCase() === '.json');
  if (file) return Vocabulary.fromBytes(file.bytes, file.name);
  throw new InvalidTextError(files[0]!.name, "no vocabulary: give the 'vocabulary' option (path or word → id object) or a .json vocabulary file with the text");
}

/** The model's sequence length: [T] fixed, [null] free (then maxLength, else the token count). */
function modelLength(file: string, model: readonly ModelInputSpec[] | undefined, maxLength: number | undefined): number | null {
  if (!model) return maxLength ?? null;
  if (model.length !== 1) throw new InvalidArgumentError(`${file}: the text modality feeds one input of token ids; the model has ${model.length} inputs`);
  const shape = model[0]!.shape;
  if (shape.length !== 1) {
    throw new InvalidArgumentError(`${file}: the model's input has shape [${shape.map((d) => d ?? 'any').join(', ')}]; the text modality feeds token ids of shape [length]`);
  }
  const fixed = shape[0];
  if (fixed !== null && fixed !== undefined) {
    if (maxLength !== undefined && maxLength !== fixed) throw new InvalidArgumentError(`${file}: maxLength ${maxLength} differs from the model's input length ${fixed}`);
    return fixed;
  }
  return maxLength ?? null;
}

interface TextInternal {
  readonly text: string;
  readonly encoded: EncodedText;
  readonly truncating: 'pre' | 'post';
  /** What the model knows: its vocabulary's word count and description. */
  readonly vocabularyWords?: number;
  readonly vocabularyAbout?: string;
}

/** The decoded text and its encoding: from `internal`, or rebuilt from the JSON metadata. */
function textOf(input: DecodedInput): TextInternal {
  const internal = input.internal as TextInternal | undefined;
  if (internal?.encoded) return internal;
  const meta = input.metadata as {
    text?: string; tokens?: EncodedToken[]; padded?: number; truncated?: number; oovWords?: string[]; truncating?: 'pre' | 'post'; vocabularyWords?: number; vocabularyAbout?: string;
  };
  if (typeof meta.text !== 'string' || !Array.isArray(meta.tokens)) throw new InvalidArgumentError('not a decoded text input: its metadata has no text and tokens');
  const ids = input.samples[0]!.values as Int32Array;
  const tokenAt: (number | null)[] = new Array<number | null>(ids.length).fill(null);
  meta.tokens.forEach((t, i) => {
    if (t.position !== null) tokenAt[t.position] = i;
  });
  return {
    text: meta.text,
    encoded: { ids, tokens: meta.tokens, tokenAt, padded: meta.padded ?? 0, truncated: meta.truncated ?? 0, oovWords: meta.oovWords ?? [] },
    truncating: meta.truncating ?? 'pre',
    ...(meta.vocabularyWords !== undefined ? { vocabularyWords: meta.vocabularyWords } : {}),
    ...(meta.vocabularyAbout !== undefined ? { vocabularyAbout: meta.vocabularyAbout } : {}),
  };
}

/**
 * Text: Penn-Treebank tokens looked up in the model's vocabulary (token ids, padded or truncated to
 * the model's length); relevance per token drawn on the original text as HTML (bwr colouring of
 * Arras et al.), as ANSI colours for a terminal, and as JSON with each token's offsets.
 */
export const textAdapter: ModalityAdapter = {
  name: 'text',
  description: 'text (.txt; Penn-Treebank word tokens and a vocabulary): highlighted tokens as HTML, ANSI and JSON',
  extensions: ['.txt'],
  options: asObjectSchema(TEXT_OPTIONS),
  demos: { models: textDemoModels, inputs: textDemoInputs },

  async decode(files: readonly InputFile[], given = {}, model?: readonly ModelInputSpec[]): Promise<DecodedInput> {
    if (files.length === 0) throw new InvalidArgumentError('no input files given');
    const file = files[0]!;
    const extra = files.slice(1).filter((f) => extname(f.name).toLowerCase() !== '.json');
    if (extra.length > 0 || files.length > 2) {
      throw new InvalidArgumentError(`${file.name}: the text modality reads one text file (and optionally its .json vocabulary), got ${files.map((f) => f.name).join(', ')}`);
    }
    const options = checkedOptions(TEXT_OPTIONS, given, "modality 'text'");
    const text = readText(file);
    if (options.tokenizer !== undefined) return decodeSubwordText(file.name, text, { tokenizer: options.tokenizer as string | Record<string, unknown>, ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}) }, model);
    const vocabulary = await vocabularyFor(files, options.vocabulary);
    const s = vocabulary.settings;
    const lowercase = options.lowercase ?? s.lowercase ?? false;
    const oov = options.oov ?? s.oov ?? 'unk';
    const padding = options.padding ?? s.padding ?? 'pre';
    const truncating = options.truncating ?? s.truncating ?? 'pre';
    // An explicit maxLength must agree with a fixed model length; the vocabulary's only fills a free one.
    const length = modelLength(file.name, model, options.maxLength) ?? s.maxLength ?? null;

    const tokens = tokenizeTreebank(text, { lowercase });
    const encoded = encodeTokens(tokens, vocabulary, { oov, length, padding, truncating, file: file.name });
    const labels = Array.from(encoded.tokenAt, (i) => (i === null ? '<pad>' : encoded.tokens[i]!.text));
    return {
      modality: 'text',
      samples: [{ values: encoded.ids, shape: [encoded.ids.length], dtype: 'int32' }],
      axes: [{ name: 'token', labels }],
      metadata: {
        file: file.name,
        text,
        characters: text.length,
        vocabulary: vocabulary.source,
        lowercase,
        oovPolicy: oov,
        padding,
        truncating,
        length: encoded.ids.length,
        tokenCount: encoded.tokens.length,
        padded: encoded.padded,
        truncated: encoded.truncated,
        oovWords: encoded.oovWords,
        vocabularyWords: vocabulary.wordCount,
        ...(vocabulary.settings.about !== undefined ? { vocabularyAbout: vocabulary.settings.about } : {}),
        tokens: encoded.tokens,
      },
      internal: {
        text, encoded, truncating, vocabularyWords: vocabulary.wordCount, ...(vocabulary.settings.about !== undefined ? { vocabularyAbout: vocabulary.settings.about } : {}),
      } satisfies TextInternal,
    };
  },

  async preview(input: DecodedInput): Promise<Artefact> {
    if (isSubwordInput(input)) return subwordPreview(input);
    const { encoded, truncating } = textOf(input);
    return { name: 'input.png', mediaType: 'image/png', description: 'the tokens the model reads (dashed red: unknown word; grey, struck through: not read)', bytes: textPreviewPng(encoded, truncating) };
  },

  async artefacts(input: DecodedInput, relevance: RelevanceOf, given = {}): Promise<Artefact[]> {
    const options = checkedOptions(TEXT_OPTIONS, given, "modality 'text'");
    if (isSubwordInput(input)) return subwordArtefacts(input, relevance, { scale: options.scale, scaleBy: options.scaleBy ?? 'text', colours: options.colours ?? 'truecolor' });
    const { text, encoded, truncating, vocabularyWords, vocabularyAbout } = textOf(input);
    const file = String(input.metadata.file ?? 'text');
    const first = relevance.relevances[0];
    if (!first) throw new InvalidArgumentError('no relevance given');
    const length = encoded.ids.length;
    const scores = tokenRelevance(encoded, first.values, first.shape);
    const highlight: HighlightToken[] = encoded.tokens.map((t, i) => {
      const mark = markOf(t);
      return { start: t.start, end: t.end, score: scores.scores[i]!, ...(mark ? { mark, note: markMeaning(mark, length, truncating) } : {}) };
    });
    const scale = options.scale;
    const scaleBy = options.scaleBy ?? 'text';
    const html = textHeatmapHtml(text, highlight, { scale, scaleBy });
    const ansi = textHeatmapAnsi(text, highlight, { scale, scaleBy, colours: options.colours ?? 'truecolor', length, truncating });
    const target = relevance.targetName ?? `class ${relevance.target}`;
    const logits = relevance.logits ? ` · logits ${relevance.logits.map((v) => formatScore(v)).join(', ')}` : '';
    const notes = [
      encoded.truncated ? `${encoded.truncated} token${encoded.truncated === 1 ? '' : 's'} cut off (the model reads only the ${truncating === 'pre' ? 'last' : 'first'} ${length})` : '',
      encoded.oovWords.length ? `unknown words: ${encoded.oovWords.join(', ')}` : '',
      scores.padding !== 0 ? `relevance on padding: ${formatScore(scores.padding)}` : '',
      vocabularyWords !== undefined ? `the vocabulary holds ${vocabularyWords} words${vocabularyAbout ? ` (${vocabularyAbout})` : ''}` : '',
    ].filter(Boolean);
    const body =
      `<p class="xai-caption">${escapeHtml(`${relevance.method} relevance for '${target}'${logits} · ${file}`)}</p>\n` +
      `${legendHtml(html.scale, `'${target}'`)}\n${html.html}\n${marksKeyHtml(highlight, length, truncating)}\n` +
      (notes.length ? `<p class="xai-notes" style="font-size:0.85em;color:#555">${escapeHtml(notes.join(' · '))}</p>\n` : '');
    const json = textRelevanceJson(file, text, encoded, scores, {
      method: relevance.method, target: relevance.target, targetName: relevance.targetName, logits: relevance.logits, scale: html.scale,
      scaleBy, tokenScales: tokenScales(text, highlight, scaleBy, scale), truncating, vocabularyWords, vocabularyAbout,
      marks: highlight.map((h) => (h.mark ? { mark: h.mark, note: h.note! } : null)),
    });
    return [
      textArtefact('text.html', 'text/html', `the text with each token coloured by its relevance (bwr, symmetric scale per ${scaleBy}${scaleBy === 'text' ? ` ±${formatScore(html.scale).replace('+', '')}` : ''}; red: for '${target}')`, htmlPage(`Relevance — ${file}`, body)),
      textArtefact('text.ansi', 'text/x-ansi', 'the text coloured for a terminal (ANSI escape codes)', ansi.ansi),
      textArtefact('tokens.json', 'application/json', 'per token: text, offsets, id, relevance, colour and mark (unknown, cut off); what the model reads and knows', JSON.stringify(json)),
      relevanceArtefact(relevance, { tokens: input.axes[0]?.labels ?? [] }),
    ];
  },
};

/**
 * Subword tokenisation from a model's own `tokenizer.json` (Hugging Face format: WordPiece, BPE,
 * byte-level BPE, Unigram) with @huggingface/tokenizers, offline: the file is read from disk.
 * Adds the model's special tokens ([CLS] … [SEP], <s> … </s>) by its post-processor, truncates to
 * the model's length, pads with an attention mask and gives each token its offsets in the original
 * text (recovered by alignment, see align-offsets.ts: the library reports none).
 */
import { readFile } from 'node:fs/promises';
// The package's .d.ts files import without extensions, so under NodeNext its members type as any: results are typed here.
import { Tokenizer } from '@huggingface/tokenizers';
import { InvalidArgumentError } from '@xai/core';
import { alignSurfaces, normalizedBytes, type Surface } from './align-offsets.js';
import { byteLevelBytes } from './byte-level.js';

/** One position of the encoded sequence (padding excluded). */
export interface SubwordToken {
  /** The token string of the vocabulary ('##ing', 'Ġgreat', '[CLS]'). */
  readonly token: string;
  readonly id: number;
  /** Index in the model input. */
  readonly position: number;
  /** Span in the original text [start, end) in UTF-16 units; null for special tokens and tokens not found in it. */
  readonly start: number | null;
  readonly end: number | null;
  /** Inserted by the post-processor ([CLS], [SEP], <s>, </s>). */
  readonly special: boolean;
  /** The unknown token ([UNK]): the text had a piece the vocabulary cannot spell. */
  readonly unknown: boolean;
  /** Continues the previous token's word (WordPiece '##', or a BPE piece glued to a letter before it). */
  readonly continuesWord: boolean;
}

export interface SubwordEncoding {
  /** The model input: token ids, then padding. */
  readonly ids: Int32Array;
  /** 1 for tokens, 0 for padding. */
  readonly attentionMask: Int32Array;
  /** The tokens fed (special ones included), in order; `tokens[i].position === i`. */
  readonly tokens: readonly SubwordToken[];
  /** Positions of padding added, and text tokens cut off by truncation. */
  readonly padded: number;
  readonly truncated: number;
  /** Where the fed text ends in the original (the rest was cut off): an offset, or the text length. */
  readonly fedUntil: number;
}

export interface SubwordEncodeOptions {
  /** Most positions the model reads, special tokens included (truncation); default the file's `truncation.max_length`, else no limit. */
  readonly maxLength?: number;
  /** Pad to this length (a model with a fixed length); default the file's fixed padding, else no padding. */
  readonly padTo?: number;
}

type Json = Record<string, unknown>;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/** A model's `tokenizer.json` as a tokenizer with offsets, truncation and padding. */
export class SubwordTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly modelType: string;
  private readonly byteLevel: boolean;
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly unkToken: string | undefined;
  readonly padId: number;
  readonly padLeft: boolean;
  readonly fixedLength: number | undefined;
  readonly maxLength: number | undefined;

  private constructor(readonly json: Json, readonly source: string) {
    const model = json.model as Json | undefined;
    if (!model || typeof model !== 'object') throw new InvalidArgumentError(`${source}: not a tokenizer.json (no 'model' object)`);
    for (const key of ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder']) if (!(key in json)) (json as Json)[key] = null;
    if (!Array.isArray(json.added_tokens)) (json as Json).added_tokens = [];
    try {
      this.tokenizer = new Tokenizer(json, {});
    } catch (err) {
      throw new InvalidArgumentError(`${source}: the tokenizer cannot be built: ${(err as Error).message}`);
    }
    this.modelType = String(model.type ?? (model.merges ? 'BPE' : 'WordPiece'));
    const kinds = JSON.stringify([json.pre_tokenizer, json.decoder]);
    this.byteLevel = kinds.includes('"ByteLevel"');
    this.prefix = typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : this.modelType === 'WordPiece' ? '##' : '';
    this.suffix = typeof model.end_of_word_suffix === 'string' ? model.end_of_word_suffix : '';
    this.unkToken = typeof model.unk_token === 'string' ? model.unk_token : undefined;
    const padding = json.padding as Json | null | undefined;
    const padToken = typeof padding?.pad_token === 'string' ? padding.pad_token : ['[PAD]', '<pad>'].find((t) => this.tokenizer.token_to_id(t) !== undefined);
    this.padId = typeof padding?.pad_id === 'number' ? padding.pad_id : padToken !== undefined ? this.tokenizer.token_to_id(padToken) ?? 0 : 0;
    this.padLeft = padding?.direction === 'Left';
    const strategy = padding?.strategy as Json | string | undefined;
    this.fixedLength = typeof strategy === 'object' && strategy && typeof strategy.Fixed === 'number' ? strategy.Fixed : undefined;
    const truncation = json.truncation as Json | null | undefined;
    this.maxLength = typeof truncation?.max_length === 'number' ? truncation.max_length : undefined;
  }

  static fromJson(json: unknown, source = 'tokenizer.json'): SubwordTokenizer {
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new InvalidArgumentError(`${source}: not a tokenizer.json (expected a JSON object)`);
    return new SubwordTokenizer(structuredClone(json) as Json, source);
  }

  static async load(path: string): Promise<SubwordTokenizer> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new InvalidArgumentError(`cannot read the tokenizer file ${path}: ${(err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new InvalidArgumentError(`${path}: not JSON (${(err as Error).message})`);
    }
    return SubwordTokenizer.fromJson(json, path);
  }

  /** 'WordPiece', 'BPE', 'Unigram' … (the file's model.type). */
  get kind(): string {
    return this.modelType;
  }

  /** The number of special tokens the post-processor adds around one text. */
  get specialCount(): number {
    return this.postProcess([]).length;
  }

  private postProcess(tokens: string[]): string[] {
    const pp = this.tokenizer.post_processor;
    return pp ? pp(tokens, null, true).tokens : tokens;
  }

  private idOf(token: string): number {
    const id = this.tokenizer.token_to_id(token) ?? (this.unkToken !== undefined ? this.tokenizer.token_to_id(this.unkToken) : undefined);
    if (id === undefined) throw new InvalidArgumentError(`${this.source}: token '${token}' has no id and the vocabulary has no unknown token`);
    return id;
  }

  /** The bytes of the text a token stands for. */
  private surface(token: string): Surface {
    if (token === this.unkToken) return 'unknown';
    let t = token;
    if (this.prefix && t.startsWith(this.prefix) && t.length > this.prefix.length) t = t.slice(this.prefix.length);
    if (this.suffix && t.endsWith(this.suffix)) t = t.slice(0, -this.suffix.length);
    const fallback = /^<0x([0-9A-Fa-f]{2})>$/.exec(t);
    if (fallback) return Uint8Array.of(parseInt(fallback[1]!, 16));
    if (this.byteLevel) {
      const bytes = byteLevelBytes(t);
      if (bytes) return bytes;
    }
    return new TextEncoder().encode(t.replaceAll('▁', ' '));
  }

  /** Encodes one text: special tokens, truncation (right) to `maxLength`, padding to `padTo`. */
  encode(text: string, options: SubwordEncodeOptions = {}): SubwordEncoding {
    const content: string[] = this.tokenizer.tokenize(text, { add_special_tokens: false });
    const specials = this.specialCount;
    const maxLength = options.maxLength ?? this.maxLength;
    if (maxLength !== undefined && maxLength <= specials) throw new InvalidArgumentError(`${this.source}: maxLength ${maxLength} leaves no room for text beside ${specials} special tokens`);
    const kept = maxLength === undefined ? content.length : Math.min(content.length, maxLength - specials);
    const normalize = this.tokenizer.normalizer ? (s: string) => this.tokenizer.normalizer!(s) : null;
    const spans = alignSurfaces(normalizedBytes(text, normalize), content.map((t: string) => this.surface(t)));

    // Placeholders through the post-processor tell which output positions are text tokens.
    const marks = content.slice(0, kept).map((_: string, i: number) => `\u0000xai-${i}\u0000`);
    const processed = this.postProcess(marks);
    const tokens: SubwordToken[] = processed.map((t, position) => {
      const m = /^\u0000xai-(\d+)\u0000$/.exec(t);
      if (!m) return { token: t, id: this.idOf(t), position, start: null, end: null, special: true, unknown: false, continuesWord: false };
      const i = Number(m[1]);
      const token = content[i]!;
      const span = spans[i];
      const before = i > 0 ? spans[i - 1] : null;
      const glued = !!span && !!before && span[0] === before[1] && span[0] > 0 && WORD_CHAR.test(text[span[0] - 1]!) && WORD_CHAR.test(text[span[0]]!);
      const overlapping = !!span && !!before && span[0] < before[1];
      const continuesWord = i > 0 && ((this.prefix !== '' && token.startsWith(this.prefix) && token.length > this.prefix.length) || glued || overlapping);
      return { token, id: this.idOf(token), position, start: span?.[0] ?? null, end: span?.[1] ?? null, special: false, unknown: token === this.unkToken, continuesWord };
    });
    const padTo = options.padTo ?? this.fixedLength;
    const padded = padTo !== undefined ? Math.max(0, padTo - tokens.length) : 0;
    const ids = new Int32Array(tokens.length + padded).fill(this.padId);
    const attentionMask = new Int32Array(tokens.length + padded);
    const offset = this.padLeft ? padded : 0;
    const placed = tokens.map((t) => ({ ...t, position: t.position + offset }));
    for (const t of placed) {
      ids[t.position] = t.id;
      attentionMask[t.position] = 1;
    }
    const firstCut = spans.slice(kept).find((s) => s !== null);
    return { ids, attentionMask, tokens: placed, padded, truncated: content.length - kept, fedUntil: firstCut ? firstCut[0] : text.length };
  }
}

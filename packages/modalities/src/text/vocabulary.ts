import { readFile } from 'node:fs/promises';
import { InvalidTextError } from './text-errors.js';

/** Id of the padding token: every model input is filled up with it; no word may use it. */
export const PAD_ID = 0;
/** Id of an out-of-vocabulary word under the 'unk' policy. */
export const OOV_ID = 1;
export const PAD_TOKEN = '<pad>';
export const OOV_TOKEN = '<unk>';

/** What happens to a token the vocabulary does not hold. */
export type OovPolicy = 'unk' | 'skip' | 'error';
export const OOV_POLICIES: readonly OovPolicy[] = ['unk', 'skip', 'error'];
/** Where padding goes / which end truncation cuts (Keras `pad_sequences`: both default 'pre'). */
export type SequenceSide = 'pre' | 'post';
export const SEQUENCE_SIDES: readonly SequenceSide[] = ['pre', 'post'];

/** The tokenisation a model was trained with, stored next to the words (all optional). */
export interface VocabularySettings {
  readonly lowercase?: boolean;
  readonly oov?: OovPolicy;
  readonly padding?: SequenceSide;
  readonly truncating?: SequenceSide;
  /** Sequence length, for models whose input length is not fixed. */
  readonly maxLength?: number;
  /** What the vocabulary covers, in words for people (shown beside explanations). */
  readonly about?: string;
}

/** The JSON file: either a plain `{ word: id }` map, or this object carrying the settings too. */
export interface VocabularyFile extends VocabularySettings {
  readonly format: 'xai-vocabulary';
  /** Only 'treebank' (see tokenizeTreebank) is reproduced. */
  readonly tokenizer: 'treebank';
  readonly words: Readonly<Record<string, number>>;
}

const SETTING_KEYS = ['lowercase', 'oov', 'padding', 'truncating', 'maxLength', 'about'] as const;

/**
 * A vocabulary: word → id, with ids 0 (padding) and 1 (out of vocabulary) reserved. A word mapped to
 * 1 names the OOV token (Keras' `Tokenizer(oov_token=…)` puts it there); '<pad>' may be listed at 0.
 * Every other word needs an id ≥ 2. Ids must be integers below the model's Embedding input size.
 */
export class Vocabulary {
  private readonly byId = new Map<number, string>();

  private constructor(
    private readonly ids: ReadonlyMap<string, number>,
    /** Where it came from (a path or 'vocabulary'), for error messages. */
    readonly source: string,
    readonly settings: VocabularySettings,
  ) {
    for (const [word, id] of ids) if (!this.byId.has(id)) this.byId.set(id, word);
  }

  /** Reads a parsed JSON value (plain map or `xai-vocabulary` object); errors name `source`. */
  static fromJson(value: unknown, source = 'vocabulary'): Vocabulary {
    const fail = (detail: string): never => {
      throw new InvalidTextError(source, detail);
    };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('a vocabulary is a JSON object of word → id');
    const object = value as Record<string, unknown>;
    let words: Record<string, unknown> = object;
    const settings: Record<string, unknown> = {};
    // A plain map may hold the words 'format' and 'words' (with numeric ids); the file object has an object of words.
    const structured = typeof object.format === 'string' || (typeof object.words === 'object' && object.words !== null);
    if (structured) {
      if (object.format !== 'xai-vocabulary') fail(`unknown vocabulary format ${JSON.stringify(object.format)} (expected 'xai-vocabulary' or a plain word → id map)`);
      if (object.tokenizer !== undefined && object.tokenizer !== 'treebank') {
        fail(`tokenizer ${JSON.stringify(object.tokenizer)} is not reproduced here; only 'treebank' is`);
      }
      if (typeof object.words !== 'object' || object.words === null || Array.isArray(object.words)) fail("'words' must be an object of word → id");
      words = object.words as Record<string, unknown>;
      for (const key of SETTING_KEYS) if (object[key] !== undefined) settings[key] = object[key];
      checkSettings(settings, source);
    }
    const ids = new Map<string, number>();
    let oovWord: string | null = null;
    for (const [word, id] of Object.entries(words)) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) fail(`the id of ${JSON.stringify(word)} must be a non-negative integer, got ${JSON.stringify(id)}`);
      if (word === '') fail('the empty string is not a word');
      if (id === PAD_ID && word !== PAD_TOKEN) fail(`id ${PAD_ID} is reserved for padding, but ${JSON.stringify(word)} uses it`);
      if (word === PAD_TOKEN && id !== PAD_ID) fail(`${PAD_TOKEN} must have id ${PAD_ID}, got ${id}`);
      if (id === OOV_ID) {
        if (oovWord !== null) fail(`id ${OOV_ID} is reserved for out-of-vocabulary words, but both ${JSON.stringify(oovWord)} and ${JSON.stringify(word)} use it`);
        oovWord = word;
      }
      if (word === OOV_TOKEN && id !== OOV_ID) fail(`${OOV_TOKEN} must have id ${OOV_ID}, got ${id}`);
      ids.set(word, id as number);
    }
    if (![...ids.values()].some((id) => id >= 2)) fail('the vocabulary holds no words');
    return new Vocabulary(ids, source, settings as VocabularySettings);
  }

  /** Parses the bytes of a vocabulary file. */
  static fromBytes(bytes: Uint8Array, source: string): Vocabulary {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (err) {
      throw new InvalidTextError(source, `not a JSON vocabulary: ${(err as Error).message}`);
    }
    return Vocabulary.fromJson(value, source);
  }

  /** Reads a vocabulary file from disk. */
  static async load(path: string): Promise<Vocabulary> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw new InvalidTextError(path, `cannot read the vocabulary: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return Vocabulary.fromBytes(bytes, path);
  }

  /** A vocabulary of these words in this order, ids 2, 3, … ('<pad>' at 0, '<unk>' at 1). */
  static fromWords(words: Iterable<string>, settings: VocabularySettings = {}, source = 'vocabulary'): Vocabulary {
    const map: Record<string, number> = { [PAD_TOKEN]: PAD_ID, [OOV_TOKEN]: OOV_ID };
    let next = 2;
    for (const w of words) if (!Object.hasOwn(map, w)) map[w] = next++;
    return Vocabulary.fromJson({ format: 'xai-vocabulary', tokenizer: 'treebank', ...settings, words: map }, source);
  }

  /** The id of a token form, or undefined when the form is out of vocabulary. */
  idOf(form: string): number | undefined {
    const id = this.ids.get(form);
    return id === undefined || id === PAD_ID || id === OOV_ID ? undefined : id;
  }

  /** The word of an id ('<pad>' / the OOV token for the reserved ids). */
  wordOf(id: number): string | undefined {
    if (id === PAD_ID) return this.byId.get(PAD_ID) ?? PAD_TOKEN;
    if (id === OOV_ID) return this.byId.get(OOV_ID) ?? OOV_TOKEN;
    return this.byId.get(id);
  }

  /** Highest id + 1: the smallest Embedding input size that takes this vocabulary. */
  get size(): number {
    let max = OOV_ID;
    for (const id of this.ids.values()) if (id > max) max = id;
    return max + 1;
  }

  /** Number of words, reserved tokens not counted. */
  get wordCount(): number {
    return [...this.ids.values()].filter((id) => id >= 2).length;
  }

  toJson(): VocabularyFile {
    return { format: 'xai-vocabulary', tokenizer: 'treebank', ...this.settings, words: Object.fromEntries(this.ids) };
  }
}

function checkSettings(settings: Record<string, unknown>, source: string): void {
  const fail = (detail: string): never => {
    throw new InvalidTextError(source, detail);
  };
  const { lowercase, oov, padding, truncating, maxLength, about } = settings;
  if (about !== undefined && typeof about !== 'string') fail(`'about' must be a string, got ${JSON.stringify(about)}`);
  if (lowercase !== undefined && typeof lowercase !== 'boolean') fail(`'lowercase' must be true or false, got ${JSON.stringify(lowercase)}`);
  if (oov !== undefined && !OOV_POLICIES.includes(oov as OovPolicy)) fail(`'oov' must be one of ${OOV_POLICIES.join(', ')}, got ${JSON.stringify(oov)}`);
  for (const [key, v] of [['padding', padding], ['truncating', truncating]] as const) {
    if (v !== undefined && !SEQUENCE_SIDES.includes(v as SequenceSide)) fail(`'${key}' must be 'pre' or 'post', got ${JSON.stringify(v)}`);
  }
  if (maxLength !== undefined && !(typeof maxLength === 'number' && Number.isInteger(maxLength) && maxLength >= 1)) {
    fail(`'maxLength' must be a positive integer, got ${JSON.stringify(maxLength)}`);
  }
}

/** Text modality: Treebank tokens with offsets, vocabulary files, OOV policies, padding and truncation. */
import { describe, expect, it } from 'vitest';
import {
  codePointOffsets, encodeTokens, InvalidTextError, OOV_ID, OutOfVocabularyError, PAD_ID, tokenizeTreebank, Vocabulary, type EncodeOptions, type TextToken,
} from '../src/index.js';

const words = (tokens: readonly TextToken[]) => tokens.map((t) => t.text);
/** Every token is its slice of the text, in order, and nothing but whitespace lies between tokens. */
function expectAligned(text: string, tokens: readonly TextToken[]) {
  let cursor = 0;
  for (const t of tokens) {
    expect(text.slice(t.start, t.end)).toBe(t.text);
    expect(t.start).toBeGreaterThanOrEqual(cursor);
    expect(text.slice(cursor, t.start)).toMatch(/^\s*$/);
    cursor = t.end;
  }
  expect(text.slice(cursor)).toMatch(/^\s*$/);
}

describe('Treebank tokens with offsets', () => {
  it('splits contractions and punctuation the Treebank way, offsets into the original text', () => {
    const text = `Don't say "hi", Mr. O'Neil! It's 3.5 km/h (really)?`;
    const tokens = tokenizeTreebank(text);
    expect(words(tokens)).toEqual(['Do', "n't", 'say', '"', 'hi', '"', ',', 'Mr.', "O'Neil", '!', 'It', "'s", '3.5', 'km/h', '(', 'really', ')', '?']);
    expectAligned(text, tokens);
    expect(tokens[1]).toMatchObject({ text: "n't", start: 2, end: 5 });
    expect(tokens[7]).toMatchObject({ text: 'Mr.', start: 16, end: 19 }); // inner period kept
  });

  it("splits can't, gonna, 'll and a final period; an inner sentence period stays on its word (Treebank works per sentence)", () => {
    const text = "I can't go. They'll be gonna win.";
    const tokens = tokenizeTreebank(text);
    expect(words(tokens)).toEqual(['I', 'ca', "n't", 'go.', 'They', "'ll", 'be', 'gon', 'na', 'win', '.']);
    expectAligned(text, tokens);
  });

  it('keeps repeated words apart with their own offsets', () => {
    const text = 'the the  the.\nthe';
    const tokens = tokenizeTreebank(text);
    expect(tokens.map((t) => [t.text, t.start])).toEqual([['the', 0], ['the', 4], ['the', 9], ['.', 12], ['the', 14]]);
  });

  it('keeps words with non-ASCII letters, combining marks and emoji whole (natural alone splits them)', () => {
    const text = 'Naïve café — «Bonjour», dit-il 😀👍🏽 re\u0301sume\u0301 中文字 José’s';
    const tokens = tokenizeTreebank(text, { lowercase: true });
    expect(words(tokens)).toEqual(['Naïve', 'café', '—', '«', 'Bonjour', '»', ',', 'dit-il', '😀', '👍🏽', 're\u0301sume\u0301', '中文字', 'José', '’s']);
    expectAligned(text, tokens);
    // Forms: NFC, lower-cased, typographic apostrophe as ASCII.
    expect(tokens.map((t) => t.form)).toContain('résumé');
    expect(tokens.at(-1)!.form).toBe("'s");
    expect(tokens[0]!.form).toBe('naïve');
  });

  it("treats ’ as an apostrophe: don’t → do + n’t looked up as n't", () => {
    const tokens = tokenizeTreebank('I don’t know', { lowercase: true });
    expect(words(tokens)).toEqual(['I', 'do', 'n’t', 'know']);
    expect(tokens[2]!.form).toBe("n't");
  });

  it('lower-cases forms only; offsets and text keep the case', () => {
    const [t] = tokenizeTreebank('GREAT', { lowercase: true });
    expect(t).toEqual({ text: 'GREAT', form: 'great', start: 0, end: 5 });
    expect(tokenizeTreebank('GREAT')[0]!.form).toBe('GREAT');
  });

  it('maps UTF-16 offsets to code points', () => {
    const text = 'a😀b';
    const map = codePointOffsets(text);
    expect(Array.from(map)).toEqual([0, 1, 1, 2, 3]);
  });
});

const vocab = () => Vocabulary.fromWords(['the', 'movie', 'was', 'great', '.', 'bad'], {}, 'vocab.json');
const opts = (o: Partial<EncodeOptions> = {}): EncodeOptions => ({ oov: 'unk', length: 8, padding: 'pre', truncating: 'pre', file: 'review.txt', ...o });

describe('vocabulary files', () => {
  it('reads a plain word → id map and the xai-vocabulary object with its settings', () => {
    const plain = Vocabulary.fromJson({ the: 2, movie: 3, '<OOV>': 1 }, 'plain.json');
    expect(plain.idOf('movie')).toBe(3);
    expect(plain.idOf('<OOV>')).toBeUndefined(); // reserved tokens are never looked up as words
    expect(plain.wordOf(OOV_ID)).toBe('<OOV>');
    expect(plain.wordOf(PAD_ID)).toBe('<pad>');
    expect(plain.size).toBe(4);
    const full = Vocabulary.fromBytes(new TextEncoder().encode(JSON.stringify(vocab().toJson())), 'full.json');
    expect(full.idOf('great')).toBe(5);
    expect(full.settings).toEqual({});
    // 'words' and 'format' can be plain words too.
    expect(Vocabulary.fromJson({ words: 2, format: 3 }).idOf('words')).toBe(2);
    const withSettings = Vocabulary.fromJson({ format: 'xai-vocabulary', words: { a: 2 }, lowercase: true, padding: 'post', maxLength: 5 });
    expect(withSettings.settings).toEqual({ lowercase: true, padding: 'post', maxLength: 5 });
  });

  it('refuses reserved ids, bad ids, unknown formats and tokenizers, naming the file and the word', () => {
    const bad: [unknown, RegExp][] = [
      [{ the: 0 }, /v\.json: id 0 is reserved for padding, but "the" uses it/],
      [{ the: 1, '<unk>': 1 }, /both "the" and "<unk>" use it/],
      [{ the: 2.5 }, /the id of "the" must be a non-negative integer, got 2\.5/],
      [{ the: '2' }, /the id of "the" must be a non-negative integer/],
      [[], /a vocabulary is a JSON object/],
      [{ '<pad>': 0 }, /holds no words/],
      [{ format: 'keras', words: {} }, /unknown vocabulary format "keras"/],
      [{ format: 'xai-vocabulary', tokenizer: 'wordpiece', words: { a: 2 } }, /tokenizer "wordpiece" is not reproduced/],
      [{ format: 'xai-vocabulary', words: { a: 2 }, oov: 'ignore' }, /'oov' must be one of unk, skip, error/],
    ];
    for (const [value, message] of bad) {
      expect(() => Vocabulary.fromJson(value, 'v.json')).toThrow(InvalidTextError);
      expect(() => Vocabulary.fromJson(value, 'v.json')).toThrow(message);
    }
    expect(() => Vocabulary.fromBytes(new TextEncoder().encode('{"a": 2,'), 'broken.json')).toThrow(/broken\.json: not a JSON vocabulary/);
  });

  it('names a missing vocabulary file', async () => {
    await expect(Vocabulary.load('/nonexistent/vocab.json')).rejects.toThrow(/\/nonexistent\/vocab\.json: cannot read the vocabulary: ENOENT/);
  });
});

describe('OOV policies, padding and truncation', () => {
  const tokens = tokenizeTreebank('The movie was GREAT, truly great.', { lowercase: true });
  // the movie was great , truly great .  → ',' and 'truly' are unknown

  it("'unk' feeds the OOV id and marks the words", () => {
    const e = encodeTokens(tokens, vocab(), opts({ length: 10 }));
    expect(Array.from(e.ids)).toEqual([0, 0, 2, 3, 4, 5, 1, 1, 5, 6]);
    expect(e.oovWords).toEqual([',', 'truly']);
    expect(e.tokens[4]).toMatchObject({ text: ',', id: OOV_ID, oov: true, position: 6 });
    expect(e.padded).toBe(2);
    expect(e.tokenAt).toEqual([null, null, 0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("'skip' leaves unknown words out of the model input but keeps them in the token list", () => {
    const e = encodeTokens(tokens, vocab(), opts({ oov: 'skip', length: 8 }));
    expect(Array.from(e.ids)).toEqual([0, 0, 2, 3, 4, 5, 5, 6]);
    expect(e.tokens[5]).toMatchObject({ text: 'truly', id: null, position: null, dropped: 'oov' });
    expect(e.tokens[6]).toMatchObject({ text: 'great', position: 6 });
  });

  it("'error' names every unknown word and the file", () => {
    expect(() => encodeTokens(tokens, vocab(), opts({ oov: 'error' }))).toThrow(OutOfVocabularyError);
    expect(() => encodeTokens(tokens, vocab(), opts({ oov: 'error' }))).toThrow(`review.txt: 2 words not in the vocabulary (oov policy 'error'): ",", "truly"`);
    try {
      encodeTokens(tokens, vocab(), opts({ oov: 'error' }));
    } catch (err) {
      expect((err as OutOfVocabularyError).words).toEqual([',', 'truly']);
      expect((err as OutOfVocabularyError).file).toBe('review.txt');
    }
  });

  it('pads pre or post and truncates pre (keeps the end) or post (keeps the start), as Keras pad_sequences', () => {
    expect(Array.from(encodeTokens(tokens, vocab(), opts({ length: 10, padding: 'post' })).ids)).toEqual([2, 3, 4, 5, 1, 1, 5, 6, 0, 0]);
    const pre = encodeTokens(tokens, vocab(), opts({ length: 3, truncating: 'pre' }));
    expect(Array.from(pre.ids)).toEqual([1, 5, 6]);
    expect(pre.truncated).toBe(5);
    expect(pre.tokens[0]).toMatchObject({ text: 'The', id: 2, position: null, dropped: 'truncated' });
    expect(pre.tokens[7]).toMatchObject({ text: '.', position: 2 });
    const post = encodeTokens(tokens, vocab(), opts({ length: 3, truncating: 'post' }));
    expect(Array.from(post.ids)).toEqual([2, 3, 4]);
    expect(post.tokens[3]!.dropped).toBe('truncated');
    // Without a model length: as many positions as tokens.
    expect(encodeTokens(tokens, vocab(), opts({ length: null })).ids).toHaveLength(8);
  });

  it('refuses empty token lists and texts with no known word under skip, naming the file', () => {
    expect(() => encodeTokens([], vocab(), opts())).toThrow('review.txt: empty text: there is nothing to explain');
    expect(() => encodeTokens(tokenizeTreebank('xyzzy plugh'), vocab(), opts({ oov: 'skip' }))).toThrow(/review\.txt: none of the 2 tokens is in the vocabulary/);
  });
});

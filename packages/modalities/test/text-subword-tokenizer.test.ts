/**
 * Subword tokenisation from hand-written tokenizer.json files (test/fixtures/subword): a BERT-style
 * WordPiece (lower-casing, accent stripping, [CLS]/[SEP]) and a RoBERTa-style byte-level BPE
 * (<s>/</s>). Expected ids, tokens and offsets were worked out by hand from the vocabularies and
 * merges (greedy longest-match WordPiece; BPE merges by rank), not by running this code.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { positionRelevance, SubwordTokenizer, subwordRelevance, subwordWords, type SubwordEncoding } from '../src/text/subword/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/subword/${name}`, import.meta.url));
const view = (e: SubwordEncoding) => e.tokens.map((t) => [t.token, t.id, t.start, t.end]);

describe('WordPiece tokenizer.json (BERT normaliser and pre-tokeniser)', async () => {
  const tok = await SubwordTokenizer.load(fixture('wordpiece-tokenizer.json'));

  it('lower-cases, splits punctuation, adds [CLS] and [SEP], offsets into the original text', () => {
    const e = tok.encode('The film was GREAT!');
    expect(view(e)).toEqual([
      ['[CLS]', 2, null, null], ['the', 4, 0, 3], ['film', 5, 4, 8], ['was', 6, 9, 12], ['great', 7, 13, 18], ['!', 8, 18, 19], ['[SEP]', 3, null, null],
    ]);
    expect(e.tokens.map((t) => t.special)).toEqual([true, false, false, false, false, false, true]);
    expect(Array.from(e.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(e.truncated).toBe(0);
    expect(tok.kind).toBe('WordPiece');
  });

  it('splits words into subwords (##), strips accents, marks word continuations', () => {
    const text = 'Unbelievable caf\u00e9, badly.';
    const e = tok.encode(text);
    expect(view(e)).toEqual([
      ['[CLS]', 2, null, null], ['un', 11, 0, 2], ['##believ', 12, 2, 8], ['##able', 13, 8, 12], ['cafe', 14, 13, 17],
      [',', 9, 17, 18], ['bad', 16, 19, 22], ['##ly', 17, 22, 24], ['.', 10, 24, 25], ['[SEP]', 3, null, null],
    ]);
    expect(e.tokens.map((t) => t.continuesWord)).toEqual([false, false, true, true, false, false, false, true, false, false]);
    expect(text.slice(13, 17)).toBe('café');
  });

  it('a decomposed accent (e + combining acute) maps back to both characters', () => {
    const e = tok.encode('cafe\u0301 not bad');
    expect(view(e).slice(1, -1)).toEqual([['cafe', 14, 0, 5], ['not', 15, 6, 9], ['bad', 16, 10, 13]]);
  });

  it('an unknown word is one [UNK] spanning the word', () => {
    const e = tok.encode('Xylophone was great');
    expect(view(e)).toEqual([['[CLS]', 2, null, null], ['[UNK]', 1, 0, 9], ['was', 6, 10, 13], ['great', 7, 14, 19], ['[SEP]', 3, null, null]]);
    expect(e.tokens[1]!.unknown).toBe(true);
  });

  it("an apostrophe is a word of its own: don ' t", () => {
    const e = tok.encode("don't");
    expect(view(e).slice(1, -1)).toEqual([['don', 20, 0, 3], ["'", 18, 3, 4], ['t', 19, 4, 5]]);
    expect(e.tokens.slice(1, -1).map((t) => t.continuesWord)).toEqual([false, false, false]);
  });

  it('truncates to maxLength with the special tokens kept, and says where the fed text ends', () => {
    const e = tok.encode('The film was GREAT!', { maxLength: 5 });
    expect(Array.from(e.ids)).toEqual([2, 4, 5, 6, 3]);
    expect(e.truncated).toBe(2);
    expect(e.fedUntil).toBe(13);
    expect(() => tok.encode('the film', { maxLength: 2 })).toThrow(/maxLength 2 leaves no room/);
  });

  it('pads with [PAD] (id 0) and a zero attention mask', () => {
    const e = tok.encode('the film', { padTo: 8 });
    expect(Array.from(e.ids)).toEqual([2, 4, 5, 3, 0, 0, 0, 0]);
    expect(Array.from(e.attentionMask)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(e.padded).toBe(4);
  });
});

describe('byte-level BPE tokenizer.json (RoBERTa post-processor)', async () => {
  const tok = await SubwordTokenizer.load(fixture('bpe-tokenizer.json'));

  it('merges by rank, Ġ marks a space, <s> … </s>; a character split over two byte tokens maps to it twice', () => {
    const e = tok.encode('Great caf\u00e9!');
    expect(view(e)).toEqual([
      ['<s>', 0, null, null], ['Great', 18, 0, 5], ['Ġcaf', 21, 6, 9], ['Ã', 12, 9, 10], ['©', 13, 9, 10], ['!', 14, 10, 11], ['</s>', 2, null, null],
    ]);
    expect(e.tokens.map((t) => t.continuesWord)).toEqual([false, false, false, true, true, false, false]);
    expect(tok.kind).toBe('BPE');
  });
});

describe('bad tokenizer files', () => {
  it('names the file and what is wrong', async () => {
    await expect(SubwordTokenizer.load('/nonexistent/tokenizer.json')).rejects.toThrow(/cannot read the tokenizer file \/nonexistent\/tokenizer.json/);
    expect(() => SubwordTokenizer.fromJson({ vocab: {} }, 'x.json')).toThrow(/x.json: not a tokenizer.json \(no 'model' object\)/);
  });
});

describe('words from subwords, and their relevance', async () => {
  const wordpiece = await SubwordTokenizer.load(fixture('wordpiece-tokenizer.json'));
  const bpe = await SubwordTokenizer.load(fixture('bpe-tokenizer.json'));

  it('WordPiece: ## pieces join their word; relevance per token = sum over d, per word = sum over its subwords', () => {
    const text = 'Unbelievable café, badly.';
    const e = wordpiece.encode(text, { padTo: 12 });
    const words = subwordWords(text, e.tokens);
    expect(words.map((w) => w.text)).toEqual(['Unbelievable', 'café', ',', 'badly', '.']);
    expect(words[0]!.tokens).toEqual([1, 2, 3]);
    // [12 positions, d = 2]: position p carries (p, 0.5); [CLS] = 0, [SEP] at 9, padding at 10 and 11.
    const values = Float32Array.from({ length: 24 }, (_, k) => (k % 2 === 0 ? Math.floor(k / 2) : 0.5));
    const r = subwordRelevance(e, words, values, [12, 2]);
    expect(r.tokens).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5]);
    expect(r.words).toEqual([7.5, 4.5, 5.5, 14, 8.5]);
    expect(r.special).toBe(0.5 + 9.5);
    expect(r.padding).toBe(10.5 + 11.5);
    expect(r.unplaced).toBe(0);
    expect(Array.from(positionRelevance(values, [1, 12, 2], 12)).slice(0, 2)).toEqual([0.5, 1.5]);
    expect(() => positionRelevance(values, [6, 4], 12)).toThrow(/not per position of the 12 tokens/);
  });

  it('byte-level BPE: the two byte pieces of é and the piece before them make one word', () => {
    const text = 'Great caf\u00e9!';
    const words = subwordWords(text, bpe.encode(text).tokens);
    expect(words.map((w) => [w.text, w.tokens])).toEqual([['Great', [1]], ['café', [2, 3, 4]], ['!', [5]]]);
  });
});

/** The text adapter: decoding (options, vocabulary sources, errors naming the file) and artefacts end to end on the demo LSTM. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { Value } from 'typebox/value';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, loadModel, XaiError, type XaiModel } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import {
  adapterByName, adapterForFiles, explainInput, InvalidTextError, modalityCatalog, OutOfVocabularyError, textAdapter, textFile, Vocabulary, type InputFile,
  TextRelevanceSchema,
} from '../src/index.js';

const DEMO = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'demo', 'text');
const VOCABULARY = join(DEMO, 'vocabulary.json');
const SPEC = [{ shape: [20], dtype: 'int32' as const }];
const bytesFile = (name: string, bytes: number[]): InputFile => ({ name, bytes: new Uint8Array(bytes) });

describe('text adapter: decoding', () => {
  it('is registered by name and for .txt files, with its demo models and inputs', () => {
    expect(adapterByName('text')).toBe(textAdapter);
    expect(textAdapter.demos!.models.map((m) => m.name)).toEqual(['sentiment-lstm', 'sentiment-cnn', 'sentiment-transformer']);
    for (const m of textAdapter.demos!.models) expect(existsSync(m.path), m.path).toBe(true);
    for (const i of textAdapter.demos!.inputs) for (const f of i.files) expect(existsSync(f), f).toBe(true);
    expect(adapterForFiles([textFile('hi', 'note.TXT')])).toBe(textAdapter);
    expect(modalityCatalog().find((m) => m.name === 'text')).toMatchObject({ extensions: ['.txt'] });
  });

  it('decodes inline text to int32 ids of the model length with token axes and JSON metadata; vocabulary settings apply', async () => {
    const decoded = await textAdapter.decode([textFile('The movie was GREAT!')], { vocabulary: VOCABULARY }, SPEC);
    const vocabulary = await Vocabulary.load(VOCABULARY);
    const ids = Array.from(decoded.samples[0]!.values);
    expect(decoded.samples[0]).toMatchObject({ shape: [20], dtype: 'int32' });
    expect(decoded.samples[0]!.values).toBeInstanceOf(Int32Array);
    // lowercase and pre-padding come from the vocabulary file's settings.
    expect(ids.slice(15)).toEqual(['the', 'movie', 'was', 'great', '!'].map((w) => vocabulary.idOf(w)));
    expect(ids.slice(0, 15).every((id) => id === 0)).toBe(true);
    expect(decoded.axes[0]!.labels!.slice(14)).toEqual(['<pad>', 'The', 'movie', 'was', 'GREAT', '!']);
    expect(decoded.metadata).toMatchObject({ file: 'input.txt', lowercase: true, padding: 'pre', oovPolicy: 'unk', length: 20, tokenCount: 5, padded: 15, truncated: 0 });
    expect(JSON.parse(JSON.stringify(decoded.metadata)).tokens[3]).toMatchObject({ text: 'GREAT', form: 'great', start: 14, end: 19, position: 18 });
    // Options override the file's settings.
    const post = await textAdapter.decode([textFile('The movie was GREAT!')], { vocabulary: VOCABULARY, padding: 'post', lowercase: false }, SPEC);
    expect(Array.from(post.samples[0]!.values).slice(0, 5)).toEqual([1, vocabulary.idOf('movie'), vocabulary.idOf('was'), 1, vocabulary.idOf('!')]); // 'The', 'GREAT' unknown
  });

  it('takes the vocabulary as an object, a Vocabulary, or a .json file next to the text', async () => {
    const words = { format: 'xai-vocabulary', words: { good: 2, film: 3 } };
    const a = await textAdapter.decode([textFile('good film')], { vocabulary: words, maxLength: 3 });
    expect(Array.from(a.samples[0]!.values)).toEqual([0, 2, 3]);
    const b = await textAdapter.decode([textFile('good film')], { vocabulary: Vocabulary.fromJson(words), padding: 'post', maxLength: 3 });
    expect(Array.from(b.samples[0]!.values)).toEqual([2, 3, 0]);
    const c = await textAdapter.decode([textFile('film good film'), { name: 'vocab.json', bytes: new TextEncoder().encode(JSON.stringify(words)) }]);
    expect(Array.from(c.samples[0]!.values)).toEqual([3, 2, 3]); // no model, no maxLength: no padding
    expect(c.metadata.vocabulary).toBe('vocab.json');
    // The vocabulary's maxLength (20) only fills a free model length; a fixed one wins.
    expect((await textAdapter.decode([textFile('good film')], { vocabulary: VOCABULARY }, [{ shape: [30], dtype: 'int32' }])).samples[0]!.shape).toEqual([30]);
    expect((await textAdapter.decode([textFile('good film')], { vocabulary: VOCABULARY }, [{ shape: [null], dtype: 'int32' }])).samples[0]!.shape).toEqual([20]);
  });

  it('gives errors that name the file and the problem', async () => {
    const decode = (files: InputFile[], options: Record<string, unknown> = { vocabulary: VOCABULARY }) => textAdapter.decode(files, options, SPEC);
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => decode([textFile('   \n\t ', 'blank.txt')]), /^blank\.txt: empty text/],
      [() => decode([textFile('', 'empty.txt')]), /^empty\.txt: empty text/],
      [() => decode([bytesFile('latin1.txt', [0x63, 0x61, 0x66, 0xe9])]), /^latin1\.txt: not UTF-8 text/],
      [() => decode([bytesFile('utf16.txt', [0xff, 0xfe, 0x68, 0x00, 0x69, 0x00])]), /^utf16\.txt: UTF-16 text: save it as UTF-8/],
      [() => decode([bytesFile('image.txt', [0x89, 0x50, 0x4e, 0x47, 0x00, 0x00])]), /^image\.txt: binary data/],
      [() => decode([textFile('The zorblax was frobnicated', 'review.txt')], { vocabulary: VOCABULARY, oov: 'error' }), /^review\.txt: 2 words not in the vocabulary \(oov policy 'error'\): "zorblax", "frobnicated"$/],
      [() => decode([textFile('zorblax frobnicated', 'review.txt')], { vocabulary: VOCABULARY, oov: 'skip' }), /^review\.txt: none of the 2 tokens is in the vocabulary/],
      [() => decode([textFile('good', 'novocab.txt')], {}), /^novocab\.txt: no vocabulary/],
      [() => decode([textFile('good')], { vocabulary: '/no/such/vocab.json' }), /^\/no\/such\/vocab\.json: cannot read the vocabulary: ENOENT/],
      [() => decode([textFile('good')], { vocabulary: { good: 0 } }), /^vocabulary option: id 0 is reserved for padding/],
      [() => decode([textFile('good')], { vocabulary: VOCABULARY, oov: 'ignore' }), /option 'oov' of modality 'text' must be one of unk, skip, error/],
      [() => decode([textFile('good')], { vocabulary: VOCABULARY, maxLength: 30 }), /input\.txt: maxLength 30 differs from the model's input length 20/],
      [() => textAdapter.decode([textFile('good', 'x.txt')], { vocabulary: VOCABULARY }, [{ shape: [20, 8], dtype: 'float32' }]), /x\.txt: the model's input has shape \[20, 8\]/],
      [() => decode([textFile('good', 'a.txt'), textFile('more', 'b.txt')]), /a\.txt: the text modality reads one text file/],
    ];
    for (const [run, message] of cases) {
      const err = await run().then(() => null, (e: unknown) => e);
      expect(err, String(message)).toBeInstanceOf(XaiError);
      expect((err as Error).message).toMatch(message);
    }
    const oov = await decode([textFile('The zorblax', 'r.txt')], { vocabulary: VOCABULARY, oov: 'error' }).catch((e: unknown) => e);
    expect(oov).toBeInstanceOf(OutOfVocabularyError);
    expect(oov).toBeInstanceOf(InvalidTextError);
    expect((oov as OutOfVocabularyError).words).toEqual(['zorblax']);
  });

  it('previews the tokens as a PNG, marking unknown ones (see text-marks.test.ts for the drawing)', async () => {
    const decoded = await textAdapter.decode([textFile('The <movie> was zorblax.', 'p.txt')], { vocabulary: VOCABULARY, maxLength: 20 }, SPEC);
    const preview = await textAdapter.preview(decoded);
    expect(preview).toMatchObject({ name: 'input.png', mediaType: 'image/png' });
    expect(Array.from(preview.bytes.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});

describe('text adapter: explanations of the demo LSTM', () => {
  let model: XaiModel;
  beforeAll(async () => {
    registerLstmPlugin();
    model = await loadModel(join(DEMO, 'lstm'));
  });
  afterAll(() => model?.dispose());

  const request = { method: 'lrp', rule: 'epsilon', epsilon: 0.001, decodeOptions: { vocabulary: VOCABULARY }, classNames: ['negative', 'positive'] };

  it('writes HTML, ANSI, token JSON and relevance JSON drawn on the original text, without leaking tensors', async () => {
    const text = 'Honestly, the <b>staff</b> were "terrible" & the room’s view… wasn’t nice, it was awful.';
    const files = [textFile(text, 'review.txt')];
    await explainInput(model, textAdapter, files, request); // warm-up: the first LRP call caches kernels
    const before = tf.memory().numTensors;
    const out = await explainInput(model, textAdapter, files, request);
    expect(tf.memory().numTensors).toBe(before);
    expect(out.target).toBe(0);
    expect(out.artefacts.map((a) => a.name)).toEqual(['text.html', 'text.ansi', 'tokens.json', 'relevance.json']);
    const [html, ansi, tokensJson, relevanceJson] = out.artefacts.map((a) => new TextDecoder().decode(a.bytes));

    const json = JSON.parse(tokensJson!);
    expect([...Value.Errors(TextRelevanceSchema, json)]).toEqual([]); // the schema the dashboard's type comes from
    expect(json).toMatchObject({ format: 'xai-text-relevance', file: 'review.txt', text, method: 'lrp', target: 0, targetName: 'negative', paddingRelevance: 0 });
    for (const t of json.tokens) expect(text.slice(t.start, t.end)).toBe(t.token);
    // The negative words carry the most relevance for 'negative', drawn red.
    const ranked = json.tokens.filter((t: { score: number | null }) => t.score !== null).sort((a: { score: number }, b: { score: number }) => b.score - a.score);
    expect(['terrible', 'awful']).toContain(ranked[0].token);
    expect(ranked[0].colour).toBe('#ff0000');
    // wasn’t: split as was + n’t on the original text, n’t looked up as n't.
    expect(json.tokens.find((t: { token: string }) => t.token === 'n’t')).toMatchObject({ form: "n't", oov: false });

    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toContain('&lt;b&gt;staff&lt;/b&gt;');
    expect(html).not.toContain('<b>');
    expect(html).toMatch(/lrp relevance for &#39;negative&#39;/);
    expect(html).toMatch(/background-color:#ff0000;color:#000000" title="(terrible|awful): R = \+/);
    expect(ansi.replace(/\x1b\[[0-9;]*m/g, '').split('\n')[0]).toBe(text);
    expect(JSON.parse(relevanceJson!)).toMatchObject({ format: 'xai-relevance', shape: [20], targetName: 'negative' });
    expect(JSON.parse(relevanceJson!).tokens).toHaveLength(20);
  });

  it('draws truncated and skipped tokens without colour, and rebuilds from JSON metadata alone', async () => {
    const long = 'the ' + Array.from({ length: 25 }, () => 'film').join(' ') + ' was wonderful zorblax';
    const out = await explainInput(model, textAdapter, [textFile(long, 'long.txt')], { ...request, decodeOptions: { vocabulary: VOCABULARY, oov: 'skip' } });
    const json = JSON.parse(new TextDecoder().decode(out.artefacts[2]!.bytes));
    expect(out.decoded.metadata).toMatchObject({ truncated: 8, oovWords: ['zorblax'] });
    expect(json.tokens[0]).toMatchObject({ token: 'the', dropped: 'truncated', score: null, colour: null });
    expect(json.tokens.at(-1)).toMatchObject({ token: 'zorblax', dropped: 'oov', score: null });
    expect(out.target).toBe(1);
    expect(json.tokens[0]).toMatchObject({ mark: 'truncated', note: 'cut off: the model reads only the last 20 tokens' });
    expect(json.tokens.at(-1)).toMatchObject({ mark: 'skipped', note: 'unknown word: not in the vocabulary, left out' });
    const html = new TextDecoder().decode(out.artefacts[0]!.bytes);
    expect(html).toContain('title="zorblax: unknown word: not in the vocabulary, left out"');
    expect(html).toContain('data-mark="truncated"');
    expect(html).toContain('8 tokens cut off (the model reads only the last 20)');

    // A server stores metadata as JSON: artefacts work from it without the in-memory state.
    const stored = { ...out.decoded, internal: undefined, metadata: JSON.parse(JSON.stringify(out.decoded.metadata)) };
    const relevance = { relevances: [{ values: new Float32Array(20).fill(1), shape: [20] }], method: 'lrp', target: 1 };
    const again = await textAdapter.artefacts(stored, relevance);
    expect(JSON.parse(new TextDecoder().decode(again[2]!.bytes)).tokens.at(-3)).toMatchObject({ token: 'was', score: 1 });
    await expect(textAdapter.artefacts({ ...stored, metadata: {} }, relevance)).rejects.toThrow(InvalidArgumentError);
    const perSentence = JSON.parse(new TextDecoder().decode((await textAdapter.artefacts(stored, relevance, { scaleBy: 'sentence' }))[2]!.bytes));
    expect(perSentence).toMatchObject({ scaleBy: 'sentence' });
    expect(perSentence.tokens.at(-3)).toMatchObject({ colour: '#ff0000', sentenceScale: 1 });
    await expect(textAdapter.artefacts(stored, relevance, { scaleBy: 'page' })).rejects.toThrow(/option 'scaleBy' of modality 'text' must be one of text, sentence/);
  });
});

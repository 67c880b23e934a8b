/**
 * The transformer text demo (demo/text/transformer, scripts/text-transformer-train.py) in xai:
 * tokenizer and forward pass against the training script's recorded ids and torch logits, the
 * ground-truth numbers recorded in training.json (first 40 held-out sentences, recomputed here),
 * and the round trip explainInput → text adapter with a tokenizer.json (explainAt at the encoder
 * input, words = sums of their subwords, conservation of the logit by LRP on this bias-free model).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type XaiModel } from '@xai/core';
import { checkReference, correctOn, evaluateTransformerDemo, NEGATION, PROBES } from '../scripts/text-transformer-check.js';
import { explainInput } from '../src/explain-input.js';
import { TEXT_DEMO_DIR, TEXT_DEMO_MODELS, TEXT_DEMO_TOKENIZER } from '../src/text/demo.js';
import { SubwordTokenizer } from '../src/text/subword/index.js';
import { textAdapter, textFile } from '../src/text/text-adapter.js';
import { SubwordRelevanceSchema } from '../src/view-schemas.js';

const artefactText = (list: readonly { name: string; bytes: Uint8Array }[], name: string) => new TextDecoder().decode(list.find((a) => a.name === name)!.bytes);
const training = JSON.parse(readFileSync(join(TEXT_DEMO_DIR, 'transformer', 'training.json'), 'utf8'));
let model: XaiModel;
let tokenizer: SubwordTokenizer;

beforeAll(async () => {
  model = await loadModel(TEXT_DEMO_MODELS.transformer);
  tokenizer = await SubwordTokenizer.load(TEXT_DEMO_TOKENIZER);
});
afterAll(() => model?.dispose());

describe('transformer text demo', () => {
  it('is registered beside the LSTM and CNN, with its tokenizer, and is small', () => {
    const demo = textAdapter.demos!.models.find((m) => m.name === 'sentiment-transformer')!;
    expect(demo.decodeOptions).toEqual({ tokenizer: TEXT_DEMO_TOKENIZER });
    expect(existsSync(demo.path) && existsSync(TEXT_DEMO_TOKENIZER)).toBe(true);
    expect(readFileSync(demo.path).length).toBeLessThan(1_000_000);
    expect(textAdapter.demos!.inputs.some((i) => i.model === 'sentiment-transformer')).toBe(true);
  });

  it("the xai tokenizer gives the training script's ids, and the forward pass torch's logits", () => {
    const r = checkReference(model, tokenizer, training.reference);
    expect(r.idsMatch).toBe(true);
    expect(r.maxAbsDiff).toBeLessThan(1e-4);
  });

  it('recomputes the ground-truth numbers recorded for the first 40 held-out sentences', async () => {
    const got = await evaluateTransformerDemo(model, tokenizer, 40);
    const want = training.xai.subset40;
    expect(got.correct).toBe(want.correct);
    for (const key of ['accuracy', 'topIsDecisive', 'randomTopIsDecisive', 'rolloutTopIsDecisive', 'aopcLrp', 'aopcRollout', 'aopcRandom'] as const) {
      expect(got[key], key).toBeCloseTo(want[key], 3);
    }
    expect(got.conservationError).toBeLessThan(1e-3);
    // What the README claims of the whole held-out split.
    const all = training.xai.heldout;
    expect(all.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(all.topIsDecisive).toBeGreaterThan(all.randomTopIsDecisive + 0.5);
    expect(all.aopcLrp).toBeGreaterThan(all.aopcRollout);
    expect(all.aopcRollout).toBeGreaterThan(all.aopcRandom);
  }, 120_000);

  it('classifies the hand-written negation probes as recorded (all 16), and the negation set as the README says', () => {
    const probes = correctOn(model, tokenizer, NEGATION.slice(-PROBES));
    expect(probes.filter(Boolean).length).toBe(training.xai.negationSet.probesCorrect);
    expect(training.xai.negationSet.probesCorrect).toBe(PROBES);
    expect(training.xai.negationSet.accuracy).toBeGreaterThanOrEqual(0.95);
  });
});

describe('explainInput with a tokenizer.json: the text adapter explains a transformer at its encoder input', () => {
  const text = 'The pizza was great, but the service was terrible.';

  it("LRP (composite 'transformer' by default): words on the original text, subwords summed, special tokens apart; Σ R = the logit", async () => {
    const out = await explainInput(model, textAdapter, [textFile(text, 'review.txt')], { method: 'lrp', target: 1, decodeOptions: { tokenizer: TEXT_DEMO_TOKENIZER } });
    const json = JSON.parse(artefactText(out.artefacts, 'tokens.json'));
    expect(json.format).toBe('xai-subword-relevance');
    expect([...Value.Errors(SubwordRelevanceSchema, json)]).toEqual([]); // the schema the dashboard's type comes from
    expect(json.words.map((w: { text: string }) => w.text)).toEqual(['The', 'pizza', 'was', 'great', ',', 'but', 'the', 'service', 'was', 'terrible', '.']);
    const tokens = json.tokens as { token: string; special: boolean; score: number; position: number; word: number | null }[];
    // Each text token names its word, whose subword positions list it; special tokens belong to none.
    tokens.forEach((t) => (t.special ? expect(t.word).toBeNull() : expect(json.words[t.word!].tokens).toContain(t.position)));
    expect(tokens[0]!.token).toBe('[CLS]');
    expect(tokens.filter((t) => t.special).map((t) => t.token)).toEqual(['[CLS]', '[SEP]']);
    // A word's score is the sum of its subwords'.
    for (const w of json.words as { tokens: number[]; score: number }[]) {
      expect(w.score).toBeCloseTo(w.tokens.reduce((s, p) => s + tokens.find((t) => t.position === p)!.score, 0), 6);
    }
    const total = json.wordRelevance + json.specialRelevance + json.paddingRelevance + json.unplacedRelevance;
    expect(Math.abs(total - out.logits[1]!) / Math.abs(out.logits[1]!)).toBeLessThan(1e-3);
    const score = (word: string) => json.words.find((w: { text: string }) => w.text === word).score as number;
    expect(score('great')).toBeGreaterThan(0);
    expect(score('terrible')).toBeLessThan(0);
    const html = artefactText(out.artefacts, 'text.html');
    expect(html).toContain('special tokens: [CLS]');
    expect(html).toContain('<summary>subwords</summary>');
    expect(out.decoded.samples.map((s) => s.shape)).toEqual([[64], [64]]);
  });

  it('previews the subword tokens as a PNG', async () => {
    const decoded = await textAdapter.decode([textFile(text)], { tokenizer: TEXT_DEMO_TOKENIZER }, [{ shape: [64], dtype: 'int32' }, { shape: [64], dtype: 'int32' }]);
    expect(decoded.metadata).toMatchObject({ subword: true, tokenizerKind: 'WordPiece', length: 64, wordCount: 11 });
    // The tokenizer as its JSON object (what a server client sends: it cannot name a server file) decodes alike.
    const fromObject = await textAdapter.decode([textFile(text)], { tokenizer: JSON.parse(readFileSync(TEXT_DEMO_TOKENIZER, 'utf8')) }, [{ shape: [64], dtype: 'int32' }, { shape: [64], dtype: 'int32' }]);
    expect(Array.from(fromObject.samples[0]!.values)).toEqual(Array.from(decoded.samples[0]!.values));
    expect(textAdapter.options.properties.tokenizer!['x-object']).toBe(true);
    const preview = await textAdapter.preview(decoded);
    expect(preview).toMatchObject({ name: 'input.png', mediaType: 'image/png' });
    expect(Array.from(preview.bytes.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('attention rollout ([T] relevance) and a truncated text', async () => {
    const long = Array.from({ length: 30 }, () => 'was').join(' '); // 'was' is one token
    const out = await explainInput(model, textAdapter, [textFile(long)], { method: 'attention_rollout', decodeOptions: { tokenizer: TEXT_DEMO_TOKENIZER, maxLength: 16 } });
    const json = JSON.parse(artefactText(out.artefacts, 'tokens.json'));
    expect(json.truncated).toBe(16);
    expect(json.words).toHaveLength(14);
    // Rollout's [CLS] row sums to 1 over the positions.
    const total = json.wordRelevance + json.specialRelevance + json.paddingRelevance + json.unplacedRelevance;
    expect(total).toBeCloseTo(1, 4);
  });
});

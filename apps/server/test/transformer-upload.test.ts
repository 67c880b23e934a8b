/**
 * A transformer text model uploaded with its tokenizer.json (in a zip, or as loose files): stored
 * together, the model becomes a text model, and text explained with it (inline or an uploaded
 * file) is tokenised by that tokenizer — tokens.json carries the subwords with offsets and their
 * word, special tokens apart, relevance per token and per word (the sum of its subwords). The
 * shipped transformer demo's files serve as the upload, so the upload must explain exactly as the
 * demo does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT_DEMO_MODELS, TEXT_DEMO_TOKENIZER } from '@xai/modalities';
import { SubwordRelevanceSchema, type SubwordRelevance } from '@xai/modalities/view-schemas';
import { json, postJson, startServer, upload, waitForJob, type TestServer } from './helpers.js';

const onnxBytes = new Uint8Array(readFileSync(TEXT_DEMO_MODELS.transformer));
const tokenizerBytes = new Uint8Array(readFileSync(TEXT_DEMO_TOKENIZER));
const SENTENCE = 'An unforgettable, heartwarming film — though the ending dragged.';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

/** Runs an explanation and returns its tokens.json. */
async function explainTokens(body: Record<string, unknown>): Promise<SubwordRelevance> {
  const job = await json(postJson(server, '/explanations', body));
  expect(job.id, JSON.stringify(job)).toBeTruthy();
  const done = await waitForJob(server, job.id);
  expect(done.error).toBeNull();
  const result = await json(server.api(`/jobs/${job.id}/result`));
  const tokens = result.artefacts.find((a: { name: string }) => a.name === 'tokens.json');
  return json(server.api(tokens.url.replace(/^\/api\/v1/, '')));
}

describe('transformer model uploaded with its tokenizer.json', () => {
  let zipped: any;

  it('takes a zip of model.onnx and tokenizer.json: a text model with its tokenizer, stored together', async () => {
    const res = await upload(server, '/models', [{ name: 'sentiment.zip', bytes: zipSync({ 'bert/model.onnx': onnxBytes, 'bert/tokenizer.json': tokenizerBytes }), type: 'application/zip' }]);
    zipped = await res.json();
    expect(res.status, JSON.stringify(zipped)).toBe(201);
    expect(zipped).toMatchObject({ modality: 'text', format: 'onnx', tokenizer: { file: 'tokenizer.json', kind: 'WordPiece', maxLength: 64 } });
    expect(zipped.tokenizer.vocabularySize).toBe(Object.keys(JSON.parse(new TextDecoder().decode(tokenizerBytes)).model.vocab).length);
    expect(zipped.ignoredFiles).toBeUndefined(); // the tokenizer is used, not ignored
    // the methods that can explain it (core's methodsFor): attention rollout for transformers only
    expect(zipped.methods).toEqual(expect.arrayContaining(['lrp', 'attention_rollout', 'gradient_x_input']));
    const { models } = await json(server.api('/models'));
    const methodsOf = (id: string) => models.find((m: { id: string }) => m.id === id).methods as string[];
    expect(methodsOf('demo-text-sentiment-transformer')).toContain('attention_rollout');
    expect(methodsOf('demo-text-sentiment-lstm')).not.toContain('attention_rollout');
    expect(methodsOf('demo-text-sentiment-lstm')).toContain('lrp');
    expect(readFileSync(join(server.dataDir, 'models', zipped.id, 'tokenizer.json'))).toEqual(Buffer.from(tokenizerBytes));
  });

  it('explains inline text with it: subwords with offsets and their word, special tokens apart, words = sums of subwords; the same as the demo', async () => {
    const body = await explainTokens({ model: zipped.id, text: SENTENCE, method: 'lrp', target: 1 });
    expect([...Value.Errors(SubwordRelevanceSchema, body)]).toEqual([]);
    expect(body.words.map((w) => w.text)).toEqual(['An', 'unforgettable', ',', 'heartwarming', 'film', '—', 'though', 'the', 'ending', 'dragged', '.']);
    expect(body.tokens.filter((t) => t.special).map((t) => t.token)).toEqual(['[CLS]', '[SEP]']);
    for (const t of body.tokens) {
      if (t.special) {
        expect([t.start, t.word]).toEqual([null, null]);
        continue;
      }
      const word = body.words[t.word!]!;
      expect(word.tokens).toContain(t.position);
      // a subword's offsets lie inside its word and spell it (lower-cased by the BERT normaliser)
      expect(t.start!).toBeGreaterThanOrEqual(word.start);
      expect(t.end!).toBeLessThanOrEqual(word.end);
      if (!t.unknown) expect(t.token.replace(/^##/, '')).toBe(SENTENCE.slice(t.start!, t.end!).toLowerCase());
    }
    // at least one word is cut into several subwords by this small vocabulary
    expect(body.words.some((w) => w.tokens.length > 1)).toBe(true);
    const score = new Map(body.tokens.map((t) => [t.position, t.score]));
    for (const w of body.words) expect(w.score).toBeCloseTo(w.tokens.reduce((s, p) => s + score.get(p)!, 0), 6);
    // conservation on this bias-free model: words + special tokens + padding = the explained logit (1e-3 relative)
    const total = body.wordRelevance + body.specialRelevance + body.paddingRelevance + body.unplacedRelevance;
    expect(Math.abs(total - body.logits![1]!) / Math.abs(body.logits![1]!)).toBeLessThan(1e-3);
    const demo = await explainTokens({ model: 'demo-text-sentiment-transformer', text: SENTENCE, method: 'lrp', target: 1 });
    expect(body.words.map((w) => w.score)).toEqual(demo.words.map((w) => w.score));
  }, 120_000);

  it('takes loose model.onnx + tokenizer.json too, and tokenises an uploaded text file for it', async () => {
    const created = await json(upload(server, '/models', [{ name: 'model.onnx', bytes: onnxBytes }, { name: 'tokenizer.json', bytes: tokenizerBytes, type: 'application/json' }], { name: 'loose' }));
    expect(created).toMatchObject({ name: 'loose', modality: 'text', tokenizer: { kind: 'WordPiece' } });
    const input = await json(upload(server, '/inputs', [{ name: 'review.txt', bytes: new TextEncoder().encode('a wonderful film'), type: 'text/plain' }], { model: created.id }));
    expect(input.metadata).toMatchObject({ subword: true, tokenizerKind: 'WordPiece', wordCount: 3 });
    expect(input.metadata.tokenizer).not.toContain(server.dataDir); // no server path reaches a client
    const body = await explainTokens({ model: created.id, input: input.id, method: 'attention_rollout' });
    expect(body.method).toBe('attention_rollout');
    expect(body.words.map((w) => w.text)).toEqual(['a', 'wonderful', 'film']);
  }, 120_000);

  it('refuses a tokenizer.json that is not one, naming it (422), and stores nothing', async () => {
    const bad = await upload(server, '/models', [{ name: 'model.onnx', bytes: onnxBytes }, { name: 'tokenizer.json', bytes: new TextEncoder().encode('{"model": {"type": "Nonsense"}}') }]);
    expect(bad.status).toBe(422);
    expect((await bad.json()).message).toMatch(/^tokenizer\.json: /);
    const truncated = await upload(server, '/models', [{ name: 'model.onnx', bytes: onnxBytes }, { name: 'tokenizer.json', bytes: tokenizerBytes.slice(0, 100) }]);
    expect(truncated.status).toBe(422);
    expect((await truncated.json()).message).toMatch(/tokenizer\.json: malformed JSON/);
    const { models } = await json(server.api('/models'));
    expect(models.filter((m: { source: string }) => m.source === 'upload').map((m: { name: string }) => m.name).sort()).toEqual(['loose', 'sentiment']);
  });
});

/** The transformer text demo in the server: listed in the gallery beside the LSTM and CNN, explained from inline text. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, postJson, startServer, waitForJob, type TestServer } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

describe('sentiment-transformer demo', () => {
  it('is a text demo model, and explains inline text in words (composite transformer by default)', async () => {
    const { modalities } = await json(server.api('/modalities'));
    const text = modalities.find((m: any) => m.name === 'text');
    expect(text.demos.models).toEqual(expect.arrayContaining(['demo-text-sentiment-lstm', 'demo-text-sentiment-cnn', 'demo-text-sentiment-transformer']));
    const job = await json(postJson(server, '/explanations', { model: 'demo-text-sentiment-transformer', text: 'a truly wonderful and moving film', method: 'lrp' }));
    const done = await waitForJob(server, job.id);
    expect(done.error).toBeNull();
    const result = await json(server.api(`/jobs/${job.id}/result`));
    const tokens = result.artefacts.find((a: any) => a.name === 'tokens.json');
    const body = await json(server.api(tokens.url.replace(/^\/api\/v1/, '')));
    expect(body.format).toBe('xai-subword-relevance');
    expect(body.words.map((w: any) => w.text)).toEqual(['a', 'truly', 'wonderful', 'and', 'moving', 'film']);
  }, 120_000);

  it('refuses a client naming a tokenizer file on the server', async () => {
    const res = await postJson(server, '/explanations', { model: 'demo-text-sentiment-transformer', text: 'good', method: 'lrp', decodeOptions: { tokenizer: '/etc/passwd' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/tokenizer' cannot name a file on the server/);
  });
});

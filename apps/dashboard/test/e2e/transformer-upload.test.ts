// @vitest-environment node
/**
 * End to end, as an NLP user bringing their own transformer: the demo transformer's model.onnx and
 * tokenizer.json are dropped together on the Models page's drop zone and uploaded; the model is a
 * text model with its tokenizer; a typed sentence explained with it is shown word by word on the
 * original text with the tokenizer's subwords on hover and the special tokens apart — with the
 * same word scores the shipped demo transformer gives (the same files: the upload must explain
 * exactly as the demo does). The real server and Chromium (harness.ts).
 */
import { readFileSync } from 'node:fs';
import { TEXT_DEMO_MODELS, TEXT_DEMO_TOKENIZER } from '@xai/modalities';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness';

let h: Harness;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  page = h.page;
});
afterAll(async () => {
  await h?.stop();
});

const SENTENCE = 'An unforgettable, heartwarming film with superb acting, though the ending was not great.';
const WORDS = ['An', 'unforgettable', ',', 'heartwarming', 'film', 'with', 'superb', 'acting', ',', 'though', 'the', 'ending', 'was', 'not', 'great', '.'];
const RESULT = 'section.card:has(section.result)';
const NAME = 'my sentiment transformer';

interface Span {
  text: string;
  score: string | null;
  title: string;
}
const spans = () =>
  page.$$eval(`${RESULT} [data-testid="highlighted-text"] .token`, (els) => els.map((e) => ({ text: e.textContent ?? '', score: e.getAttribute('data-score'), title: e.getAttribute('title') ?? '' })));

/** Drops files on the Models page's drop zone as a browser does: a `drop` event whose DataTransfer holds them. */
async function dropFiles(files: { name: string; type: string; bytes: Buffer }[]): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    return dt;
  }, files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') })));
  await page.dispatchEvent('.drop', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('.drop', 'drop', { dataTransfer: transfer });
}

/** Explains SENTENCE with the model on the Explain page; the word spans once drawn. */
async function explainSentence(model: string): Promise<Span[]> {
  await page.goto(`${h.base}/#/explain?model=${model}`);
  await page.waitForFunction((id) => (document.querySelector('select[name="model"]') as HTMLSelectElement | null)?.value === id, model);
  await page.waitForSelector('textarea[name="text"]');
  await page.fill('textarea[name="text"]', SENTENCE);
  await page.click('button[type="submit"]:has-text("Explain")');
  await page.waitForSelector(`${RESULT} [data-testid="word-view"] [data-testid="highlighted-text"] .token`, { timeout: 90_000 });
  return spans();
}

describe('a transformer uploaded with its tokenizer.json through the Models page (Chromium, real server)', () => {
  let modelId = '';

  it('takes model.onnx and tokenizer.json dropped together: a text model with its tokenizer', async () => {
    await page.goto(`${h.base}/#/models`);
    await page.waitForSelector('.drop');
    await dropFiles([
      { name: 'model.onnx', type: 'application/octet-stream', bytes: readFileSync(TEXT_DEMO_MODELS.transformer) },
      { name: 'tokenizer.json', type: 'application/json', bytes: readFileSync(TEXT_DEMO_TOKENIZER) },
    ]);
    expect(await page.textContent('.drop p:nth-of-type(2)')).toBe('model.onnx, tokenizer.json');
    await page.fill('input[placeholder="(from the file)"]', NAME);
    await page.click('button:has-text("Upload")');
    await page.waitForFunction((name) => [...document.querySelectorAll('h2')].some((e) => e.textContent === `Layers of ${name}`), NAME, { timeout: 60_000 });
    // listed as an ONNX text model
    const row = page.locator('tr', { has: page.locator(`button:text-is("${NAME}")`) });
    expect(await row.locator('td').nth(1).textContent()).toBe('ONNX');
    expect(await row.locator('td').nth(2).textContent()).toBe('text');
    const stored = await page.evaluate(async (name) => ((await (await fetch('/api/v1/models')).json()) as { models: { id: string; name: string; tokenizer?: { file: string; kind: string } }[] }).models.find((m) => m.name === name)!, NAME);
    expect(stored.id).toMatch(/^mdl_/);
    expect(stored.tokenizer).toMatchObject({ file: 'tokenizer.json', kind: 'WordPiece' });
    modelId = stored.id;
    expect(h.consoleErrors).toEqual([]);
  });

  it('explains a typed sentence with it in words on the original text, subwords on hover, special tokens apart — as the demo does', async () => {
    const words = await explainSentence(modelId);
    expect((await page.textContent(`${RESULT} [data-testid="highlighted-text"]`))!.trim()).toBe(SENTENCE);
    expect(words.map((w) => w.text)).toEqual(WORDS);
    expect(words.every((w) => w.score !== null && Number.isFinite(Number(w.score)))).toBe(true);
    // the uploaded tokenizer's subwords: the long words are spelt in pieces
    expect(words.filter((w) => /\d subwords: /.test(w.title)).map((w) => w.text)).toContain('unforgettable');
    expect(await page.textContent(`${RESULT} [data-testid="special-tokens"]`)).toMatch(/\[CLS\] -?[\d.e-]+, \[SEP\] -?[\d.e-]+/);
    expect(h.consoleErrors).toEqual([]);

    // the demo transformer is the same files: the same words, the same scores (one backend; data-score is a float's text)
    const demo = await explainSentence('demo-text-sentiment-transformer');
    expect(demo.map((w) => w.text)).toEqual(WORDS);
    demo.forEach((w, i) => expect(Math.abs(Number(w.score) - Number(words[i]!.score)), w.text).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(Number(w.score))));
  });
});

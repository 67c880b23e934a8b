// @vitest-environment node
/**
 * End to end, as an NLP user: type a 30-word sentence with unknown words into the Explain view of
 * the demo sentiment LSTM and see every word shown — unknown ones marked, the ones the model does
 * not read (it reads the last 20 tokens) struck through — with a line on what the model knows; the
 * text inputs' previews are pictures that load. The real server and Chromium (harness.ts);
 * XAI_SCREENSHOTS=1 writes docs/images/dashboard-text.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, screenshot, startHarness } from './harness';

let h: Harness;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  page = h.page;
});
afterAll(async () => {
  await h?.stop();
});

// 30 words, two of them unknown (zorblax, frobnicated); 32 tokens with the comma and the period
const SENTENCE = 'I went to see this film with my friends last weekend, but the zorblax plot was not good and the frobnicated acting really felt like a total waste of time.';
const RESULT = 'section.card:has(section.result)';

describe('text in the dashboard (Chromium, real server)', () => {
  it('explains a typed 30-word sentence and shows every word, unknown and unread ones marked', async () => {
    expect(SENTENCE.split(/\s+/)).toHaveLength(30);
    await page.goto(`${h.base}/#/explain?model=demo-text-sentiment-lstm`);
    await page.waitForFunction(() => (document.querySelector('select[name="input"]') as HTMLSelectElement | null)?.value.startsWith('demo-text-input-'));
    await page.fill('textarea[name="text"]', SENTENCE);
    expect(await page.textContent('label.typed small')).toMatch(/the typed text is explained instead of/);
    await page.click('button[type="submit"]:has-text("Explain")');
    await page.waitForSelector('[data-testid="highlighted-text"] .token', { timeout: 90_000 });

    // every character of the sentence is on the page, every token in a span
    expect((await page.textContent('[data-testid="highlighted-text"]'))!.trim()).toBe(SENTENCE);
    const tokens = await page.$$eval('[data-testid="highlighted-text"] .token', (els) =>
      els.map((e) => ({ text: e.textContent, mark: e.getAttribute('data-mark'), score: e.getAttribute('data-score'), style: getComputedStyle(e) })).map((t) => ({
        text: t.text, mark: t.mark, score: t.score, outline: t.style.outlineStyle, line: t.style.textDecorationLine,
      })),
    );
    expect(tokens).toHaveLength(32);
    // the model reads the last 20 tokens: the first 12 are cut off, drawn struck through and without a score
    const cut = tokens.filter((t) => t.mark === 'truncated');
    expect(cut.map((t) => t.text)).toEqual(['I', 'went', 'to', 'see', 'this', 'film', 'with', 'my', 'friends', 'last', 'weekend', ',']);
    expect(cut.every((t) => t.score === null && t.line === 'line-through')).toBe(true);
    // unknown words are scored (they reach the model as <unk>) and outlined
    const unknown = tokens.filter((t) => t.mark === 'oov');
    expect(unknown.map((t) => t.text)).toEqual(['zorblax', 'frobnicated']);
    expect(unknown.every((t) => t.score !== null && t.outline === 'dashed')).toBe(true);
    expect(tokens.filter((t) => !t.mark).every((t) => t.score !== null && t.outline !== 'dashed')).toBe(true);

    const key = await page.textContent('[data-testid="token-marks"]');
    expect(key).toMatch(/unknown word: not in the vocabulary, fed as <unk> \(2\)/);
    expect(key).toMatch(/cut off: the model reads only the last 20 tokens \(12\)/);
    const knows = await page.textContent('[data-testid="model-knows"]');
    expect(knows).toMatch(/The model reads 20 tokens .*its vocabulary holds 2,\d{3} words/);
    expect(knows).toMatch(/Unknown here: zorblax, frobnicated\./);
    expect(knows).toMatch(/negation such as 'not good' → negative/);
    // the model reads "… not good … a total waste of time": negative
    expect(await page.textContent(`${RESULT} h2`)).toContain('negative');
    expect(h.consoleErrors).toEqual([]);
    await screenshot(page, 'text', { selector: RESULT });
  });

  it('shows the text inputs’ previews as pictures that load (the gallery and the Explain form)', async () => {
    await page.goto(`${h.base}/`);
    const tiles = ['positive-review', 'negative-review', 'mixed-review'].map((n) => `a.tile[data-input="demo-text-input-${n}"] img`);
    for (const tile of tiles) await page.waitForSelector(tile);
    await page.waitForFunction((sel) => sel.every((s) => (document.querySelector(s) as HTMLImageElement).complete), tiles);
    const sizes = await Promise.all(tiles.map((t) => page.$eval(t, (i) => (i as HTMLImageElement).naturalWidth)));
    expect(sizes).toEqual([480, 480, 480]); // a broken image has naturalWidth 0
    await page.goto(`${h.base}/#/explain?model=demo-text-sentiment-cnn&input=demo-text-input-mixed-review`);
    await page.waitForSelector('img.thumb');
    await page.waitForFunction(() => (document.querySelector('img.thumb') as HTMLImageElement).complete);
    expect(await page.$eval('img.thumb', (i) => (i as HTMLImageElement).naturalWidth)).toBe(480);
    expect(h.consoleErrors).toEqual([]);
  });
});

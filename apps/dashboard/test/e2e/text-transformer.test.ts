// @vitest-environment node
/**
 * End to end, as an NLP user with a transformer: the demo sentiment transformer is in the gallery
 * beside the LSTM and CNN; a typed sentence is explained and shown word by word on the original
 * text (each word the sum of its subwords), a toggle shows the subwords, special tokens are listed
 * apart; the Compare view runs LRP, attention rollout and gradient × input on the same sentence
 * side by side, offering attention rollout for the transformer only. The real server and Chromium
 * (harness.ts); XAI_SCREENSHOTS=1 writes docs/images/dashboard-transformer.png and
 * dashboard-transformer-compare.png.
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

// 13 words (and 2 punctuation words); the demo's small WordPiece vocabulary spells the long ones in subwords
const SENTENCE = 'An unforgettable, heartwarming film with superb acting, though the ending was not great.';
const WORDS = ['An', 'unforgettable', ',', 'heartwarming', 'film', 'with', 'superb', 'acting', ',', 'though', 'the', 'ending', 'was', 'not', 'great', '.'];
const RESULT = 'section.card:has(section.result)';
const MODEL = 'demo-text-sentiment-transformer';

interface Span {
  text: string;
  score: string | null;
  title: string;
}
const spans = (scope: string) =>
  page.$$eval(`${scope} [data-testid="highlighted-text"] .token`, (els) => els.map((e) => ({ text: e.textContent ?? '', score: e.getAttribute('data-score'), title: e.getAttribute('title') ?? '' })));
const methodsOffered = () => page.$$eval('fieldset.methods input[type="checkbox"]', (els) => els.map((e) => (e as HTMLInputElement).value));
const methodsChecked = () => page.$$eval('fieldset.methods input[type="checkbox"]:checked', (els) => els.map((e) => (e as HTMLInputElement).value));

describe('a transformer text model in the dashboard (Chromium, real server)', () => {
  it('is in the gallery beside the LSTM and CNN', async () => {
    await page.goto(`${h.base}/`);
    await page.waitForSelector('section.card[data-modality="text"] a.tile');
    const models = await page.textContent('section.card[data-modality="text"] p:has(span[title])');
    expect(models).toMatch(/sentiment-lstm.*sentiment-cnn.*sentiment-transformer/);
    expect(await page.$('a.tile[data-input="demo-text-input-mixed-review-subwords"]')).not.toBeNull();
  });

  it('explains a typed sentence in words on the original text; a toggle shows the subwords; special tokens apart', async () => {
    await page.goto(`${h.base}/#/explain?model=${MODEL}`);
    await page.waitForFunction(() => (document.querySelector('select[name="input"]') as HTMLSelectElement | null)?.value.startsWith('demo-text-input-'));
    // the methods offered are the ones that can explain the model: attention rollout for the transformer
    const offered = await page.$$eval('select[name="method"] option', (els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(offered).toEqual(expect.arrayContaining(['lrp', 'attention_rollout', 'gradient_x_input']));
    await page.fill('textarea[name="text"]', SENTENCE);
    await page.click('button[type="submit"]:has-text("Explain")');
    await page.waitForSelector(`${RESULT} [data-testid="word-view"] [data-testid="highlighted-text"] .token`, { timeout: 90_000 });

    // words: every character of the sentence on the page, one scored span per word
    expect((await page.textContent(`${RESULT} [data-testid="highlighted-text"]`))!.trim()).toBe(SENTENCE);
    const words = await spans(RESULT);
    expect(words.map((w) => w.text)).toEqual(WORDS);
    expect(words.every((w) => w.score !== null && Number.isFinite(Number(w.score)))).toBe(true);
    // a word spelt in several subwords says so on hover, with each subword's score
    const split = words.filter((w) => /\d subwords: /.test(w.title));
    expect(split.length).toBeGreaterThan(0);
    expect(split.map((w) => w.text)).toContain('unforgettable');
    // the special tokens are listed apart, not in the text
    const apart = await page.textContent(`${RESULT} [data-testid="special-tokens"]`);
    expect(apart).toMatch(/\[CLS\] -?[\d.e-]+, \[SEP\] -?[\d.e-]+/);
    expect(apart).toMatch(/padding \(\d+ positions\)/);
    expect(h.consoleErrors).toEqual([]);
    await screenshot(page, 'transformer', { selector: RESULT });

    // subwords: more spans on the same text; a split word's subwords sum to its score
    await page.check(`${RESULT} [data-testid="show-subwords"]`);
    await page.waitForSelector(`${RESULT} [data-testid="subword-view"]`);
    expect((await page.textContent(`${RESULT} [data-testid="highlighted-text"]`))!.trim()).toBe(SENTENCE);
    const subwords = await spans(RESULT);
    expect(subwords.length).toBeGreaterThan(words.length);
    const word = words.find((w) => w.text === 'unforgettable')!;
    // the spans right after 'An' spell 'unforgettable' (subword spans touch; the comma follows)
    const first = subwords.findIndex((s) => s.text === 'An') + 1;
    const comma = subwords.findIndex((s) => s.text === ',');
    const pieces = subwords.slice(first, comma);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.map((p) => p.text).join('')).toBe('unforgettable');
    const sum = pieces.reduce((s, p) => s + Number(p.score), 0);
    expect(Math.abs(sum - Number(word.score))).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(Number(word.score))); // data-score is a float's text
    await page.uncheck(`${RESULT} [data-testid="show-subwords"]`);
    await page.waitForSelector(`${RESULT} [data-testid="word-view"]`);
    expect(await spans(RESULT)).toHaveLength(WORDS.length);
  });

  it('compares LRP, attention rollout and gradient × input on one typed sentence, side by side', async () => {
    // an LSTM is not a transformer: no attention rollout offered
    await page.goto(`${h.base}/#/compare?model=demo-text-sentiment-lstm`);
    await page.waitForSelector('fieldset.methods input[value="lrp"]');
    expect(await methodsOffered()).not.toContain('attention_rollout');

    await page.goto(`${h.base}/#/compare?model=${MODEL}`);
    await page.waitForSelector('fieldset.methods input[value="attention_rollout"]');
    expect((await methodsChecked()).sort()).toEqual(['attention_rollout', 'gradient_x_input', 'lrp']);
    await page.fill('textarea[name="text"]', SENTENCE);
    await page.click('button[type="submit"]:has-text("Compare")');
    const columns = ['lrp', 'attention_rollout', 'gradient_x_input'];
    for (const m of columns) await page.waitForSelector(`section.column[data-method="${m}"] [data-testid="highlighted-text"] .token`, { timeout: 120_000 });

    const byMethod = Object.fromEntries(await Promise.all(columns.map(async (m) => [m, await spans(`section.column[data-method="${m}"]`)] as const)));
    for (const m of columns) expect(byMethod[m]!.map((w: Span) => w.text), m).toEqual(WORDS);
    // rollout is a share of attention: no word below zero; LRP says for and against
    expect(byMethod.attention_rollout!.every((w: Span) => Number(w.score) >= 0)).toBe(true);
    expect(new Set(byMethod.lrp!.map((w: Span) => Math.sign(Number(w.score)))).size).toBeGreaterThan(1);
    // the three are different explanations, not one drawn thrice
    expect(byMethod.lrp!.map((w: Span) => w.score)).not.toEqual(byMethod.attention_rollout!.map((w: Span) => w.score));
    expect(byMethod.lrp!.map((w: Span) => w.score)).not.toEqual(byMethod.gradient_x_input!.map((w: Span) => w.score));
    // each column keeps its own sign choice (radio groups named apart)
    const names = await page.$$eval('section.column input[type="radio"][value="both"]', (els) => els.map((e) => (e as HTMLInputElement).name));
    expect(new Set(names).size).toBe(3);
    expect(h.consoleErrors).toEqual([]);
    await screenshot(page, 'transformer-compare', { selector: 'div.columns' });
  });
});

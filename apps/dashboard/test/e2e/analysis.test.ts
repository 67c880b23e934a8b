// @vitest-environment node
/**
 * End to end: the Analysis view on the Clever Hans demo (the real server and Debian's Chromium, as
 * in dashboard.test.ts). SpRAy on the rings: the embedding scatter (t-SNE, UMAP; by cluster or
 * prediction), the spectrum, the prototypes, a click through to one sample's explanation; P-ClArC's
 * before/after numbers; the pruning curves. XAI_SCREENSHOTS=1 writes docs/images/dashboard-analysis.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, horizontalOverflow, screenshot, startHarness } from './harness';

let h: Harness;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  page = h.page;
});
afterAll(async () => {
  await h?.stop();
});

const COUNT = 160;

async function runAnalysis(kind: string, data: string, count: number): Promise<void> {
  await page.goto(`${h.base}/#/analysis`);
  await page.waitForSelector('select[name="model"] option[value="demo-image-clever-hans-cnn"]', { state: 'attached' });
  await page.selectOption('select[name="kind"]', kind);
  await page.selectOption('select[name="data"]', `demo:${data}`);
  await page.fill('input[name="count"]', String(count));
  const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/analyses'));
  await page.click('button[type="submit"]:has-text("Run analysis")');
  const body = (await posted).postDataJSON();
  expect(body).toMatchObject({ model: 'demo-image-clever-hans-cnn', kind, dataset: { name: data, count } });
  await page.waitForSelector(`.analysis-result[data-kind="${kind}"]`, { timeout: 120_000 });
}

describe('the Analysis view on the Clever Hans demo in Chromium', () => {
  it('SpRAy on rings, half watermarked: two clusters, one the watermark; scatter by cluster or prediction, t-SNE and UMAP, spectrum, prototypes; a click explains a sample', async () => {
    await runAnalysis('spray', 'clever-hans-rings', COUNT);
    const article = '.spray-class[data-class="2"]';
    const rings = COUNT; // rings only
    expect(await page.textContent(`${article} h3`)).toMatch(new RegExp(`Class 2 'ring': ${rings} heatmaps, eigengap → 2 clusters`));
    // the CLI gives 0.950 / 1.000 for these data (xai analyse spray --demo clever-hans-rings --count 160)
    const [, precision, recall] = /precision (\d\.\d\d), recall (\d\.\d\d)/.exec((await page.textContent(`${article} h3 .artefact`))!)!;
    expect(Number(precision)).toBeGreaterThanOrEqual(0.9);
    expect(Number(recall)).toBeGreaterThanOrEqual(0.9);
    // one point per ring, coloured by its cluster
    expect(await page.locator(`${article} circle`).count()).toBe(rings);
    const tsne = await page.$$eval(`${article} circle`, (cs) => cs.map((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')}`));
    await page.selectOption('select[name="embedding"]', 'umap');
    const umap = await page.$$eval(`${article} circle`, (cs) => cs.map((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')}`));
    expect(umap).toHaveLength(rings);
    expect(umap).not.toEqual(tsne);
    await page.selectOption('select[name="colour"]', 'prediction');
    const predicted = await page.$$eval(`${article} circle`, (cs) => cs.map((c) => Number(c.getAttribute('data-category'))));
    expect(predicted.every((p) => p >= 0 && p < 4)).toBe(true);
    expect(predicted.filter((p) => p === 2).length).toBeGreaterThan(rings / 2); // the watermarked half at least is called 'ring'
    await page.selectOption('select[name="colour"]', 'cluster');
    // the spectrum: the first eigenvalue of a normalised Laplacian is 0
    const bars = await page.$$eval(`${article} svg.spectrum rect`, (rs) => rs.map((r) => Number(r.getAttribute('data-value'))));
    expect(bars.length).toBeGreaterThan(2);
    expect(bars[0]).toBeCloseTo(0, 5);
    // every cluster shows its prototypes as loaded images
    const clusters = await page.locator(`${article} .cluster`).count();
    expect(clusters).toBeGreaterThan(0);
    await page.waitForFunction((sel) => [...document.querySelectorAll(`${sel} .proto img`)].every((i) => (i as HTMLImageElement).naturalWidth === 32), article);
    await page.waitForFunction((sel) => (document.querySelector(`${sel} img.figure`) as HTMLImageElement | null)?.naturalWidth! > 300, article);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'analysis');

    // a prototype clicked: the Explain view opens on it
    const proto = await page.getAttribute(`${article} .proto img >> nth=0`, 'alt');
    await page.click(`${article} .proto >> nth=0`);
    await page.waitForFunction(() => location.hash.startsWith('#/explain?'), undefined, { timeout: 60_000 });
    const params = new URLSearchParams(await page.evaluate(() => location.hash.split('?')[1]!));
    expect(params.get('model')).toBe('demo-image-clever-hans-cnn');
    const input = await page.evaluate(async (id) => (await (await fetch(`/api/v1/inputs/${id}`)).json()) as { name: string; modality: string }, params.get('input'));
    expect(input).toMatchObject({ modality: 'image', name: `analysis-${proto!.replace(' ', '-')}.png` });
  });

  it('P-ClArC: accuracy on the data and with the watermark moved, and the share of relevance on the watermark, before and after', async () => {
    await runAnalysis('clarc', 'clever-hans', COUNT);
    const rows = await page.$$eval('table.clarc tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-set'), ...[...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())]));
    expect(rows.map((r) => r[0])).toEqual(['data', 'swapped', 'relevance']);
    for (const r of rows) {
      expect(r[2]).toMatch(/^\d+\.\d%$/);
      expect(r[3]).toMatch(/^\d+\.\d%$/);
    }
    // projecting the watermark out: less relevance on it, and squares that carry it are squares again
    const pct = (s: string) => Number(s.replace('%', ''));
    const relevance = rows.find((r) => r[0] === 'relevance')!;
    expect(pct(relevance[3]!)).toBeLessThan(pct(relevance[2]!));
    const swapped = rows.find((r) => r[0] === 'swapped')!;
    expect(pct(swapped[3]!)).toBeGreaterThan(pct(swapped[2]!));
    await page.waitForFunction(() => (document.querySelector('.analysis-result img.figure') as HTMLImageElement | null)?.naturalWidth! > 200);
  });

  it('pruning: the curves figure and the comparison where magnitude loses 5 points', async () => {
    await runAnalysis('prune', 'clever-hans', 80);
    expect(await page.textContent('.analysis-result')).toMatch(/Unpruned accuracy \d+\.\d%/);
    await page.waitForFunction(() => (document.querySelector('img[alt="accuracy against the share of filters pruned"]') as HTMLImageElement | null)?.naturalWidth === 720);
  });

  it('logged no console errors', () => {
    expect(h.consoleErrors).toEqual([]);
  });
});

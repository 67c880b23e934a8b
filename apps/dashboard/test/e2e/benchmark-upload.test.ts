// @vitest-environment node
/**
 * End to end: benchmarking an uploaded model on an uploaded data set. The demo shapes model is
 * uploaded on the Models page; a data set of 8 generated shapes (PNGs, labels.csv with class
 * indexes, masks/<stem>.png) is zipped here and uploaded on the Benchmarks page, which shows its
 * count, labels and masks; a benchmark of 2 methods × 2 metrics runs on it. The real server and
 * Debian's Chromium, as in dashboard.test.ts; XAI_SCREENSHOTS=1 writes the README's screenshot.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng, generateShapes } from '@xai/core';
import { zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, horizontalOverflow, root, screenshot, startHarness } from './harness';

let h: Harness;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  page = h.page;
});
afterAll(async () => {
  await h?.stop();
});

const enc = new TextEncoder();

/** n generated shapes (seeded) as a data set zip: PNGs, labels.csv (class indexes) and, unless told otherwise, masks/<stem>.png. */
function shapesZip(n: number, seed: number, masks = true): { zip: Buffer; labels: number[] } {
  const data = generateShapes(n, seed);
  const px = 32 * 32;
  const files: Record<string, Uint8Array> = {};
  const rows = ['file,label'];
  for (let i = 0; i < n; i++) {
    const rgba = new Uint8Array(px * 4);
    const mask = new Uint8Array(px * 4);
    for (let p = 0; p < px; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(255 * data.images[(i * px + p) * 3 + c]!);
      mask.fill(data.masks[i * px + p] ? 255 : 0, p * 4, p * 4 + 3);
      rgba[p * 4 + 3] = mask[p * 4 + 3] = 255;
    }
    files[`images/shape-${i}.png`] = encodePng({ rgba, width: 32, height: 32 });
    if (masks) files[`masks/shape-${i}.png`] = encodePng({ rgba: mask, width: 32, height: 32 });
    rows.push(`images/shape-${i}.png,${data.labels[i]}`);
  }
  files['labels.csv'] = enc.encode(rows.join('\n') + '\n');
  return { zip: Buffer.from(zipSync(files)), labels: Array.from(data.labels) };
}

const METRICS = 'fieldset:has(legend:text("Metrics"))';
const METHODS = 'fieldset:has(legend:text("Methods"))';

describe('benchmarking an uploaded model on an uploaded data set in Chromium', () => {
  it('uploads a model and a data set (count, labels, masks shown), runs 2 methods × 2 metrics and sees the table', async () => {
    await page.goto(`${h.base}/#/models`);
    await page.waitForSelector('table.layers tbody tr');
    const dir = join(root, 'packages/core/demo/model');
    await page.setInputFiles('.drop input[type="file"]', [
      { name: 'model.json', mimeType: 'application/json', buffer: readFileSync(join(dir, 'model.json')) },
      { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: readFileSync(join(dir, 'weights.bin')) },
    ]);
    await page.fill('input[placeholder="(from the file)"]', 'my shapes model');
    await page.click('button:has-text("Upload")');
    await page.waitForSelector('h2:has-text("Layers of my shapes model")', { timeout: 60_000 });
    const modelId = await page.evaluate(async () => (await (await fetch('/api/v1/models')).json()).models.find((m: { name: string }) => m.name === 'my shapes model').id as string);

    await page.goto(`${h.base}/#/benchmarks`);
    await page.waitForSelector(`select[name="model"] option[value="${modelId}"]`, { state: 'attached' });
    await page.selectOption('select[name="model"]', modelId);
    const { zip, labels } = shapesZip(8, 404);
    await page.setInputFiles('input[aria-label="upload a data set"]', { name: 'eight-shapes.zip', mimeType: 'application/zip', buffer: zip });
    await page.waitForSelector('[data-testid="dataset-summary"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="dataset-count"]')).toBe('8 image inputs');
    expect(await page.textContent('[data-testid="dataset-summary"]')).toMatch(/of shape \[32 × 32 × 3\], labels from labels\.csv/);
    expect(await page.textContent('[data-testid="dataset-masks"]')).toMatch(/^every input has a mask/);
    const shown = await page.$$eval('[data-testid="dataset-labels"] li', (lis) => lis.map((li) => li.textContent!.replace(/\s+/g, ' ').trim()));
    const expected = [...new Set(labels)].map((l) => `${l}: ${labels.filter((x) => x === l).length}`);
    expect(shown).toEqual(expected);
    expect(await page.$eval('select[name="data"]', (s) => (s as HTMLSelectElement).selectedOptions[0]!.textContent)).toBe('eight-shapes.zip (8 inputs)');

    // 2 methods × 2 metrics
    for (const box of await page.locator(`${METHODS} input[type="checkbox"]`).all()) await box.uncheck();
    for (const box of await page.locator(`${METRICS} input[type="checkbox"]`).all()) await box.uncheck();
    for (const m of ['lrp', 'gradient']) await page.check(`${METHODS} input[value="${m}"]`);
    for (const m of ['pointing_game', 'sparseness']) await page.check(`${METRICS} input[value="${m}"]`);
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/benchmarks'));
    await page.click('button[type="submit"]:has-text("Run benchmark")');
    const body = (await posted).postDataJSON() as { model: string; dataset: { id?: string } };
    expect(body.model).toBe(modelId);
    expect(body.dataset.id).toMatch(/^dst_/);
    await page.waitForSelector('table.benchmark', { timeout: 120_000 });
    expect(await page.locator('table.benchmark tbody tr').count()).toBe(2);
    expect(await page.locator('table.benchmark thead th').count()).toBe(3);
    const cells = await page.$$eval('table.benchmark tbody td', (tds) => tds.map((td) => td.textContent!.trim()));
    for (const c of cells) expect(c).toMatch(/\d/); // every cell has a value: masks were read for the pointing game
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'benchmark-upload');
  });

  it('a data set without masks: localisation metrics are not offered; a broken one says which file', async () => {
    await page.goto(`${h.base}/#/benchmarks`);
    await page.waitForSelector(`${METRICS} input[value="pointing_game"]`);
    await page.setInputFiles('input[aria-label="upload a data set"]', { name: 'no-masks.zip', mimeType: 'application/zip', buffer: shapesZip(2, 405, false).zip });
    await page.waitForFunction(() => (document.querySelector('select[name="data"]') as HTMLSelectElement).selectedOptions[0]?.textContent === 'no-masks.zip (2 inputs)', undefined, { timeout: 60_000 });
    expect(await page.textContent('[data-testid="dataset-count"]')).toBe('2 image inputs');
    expect(await page.textContent('[data-testid="dataset-masks"]')).toMatch(/^no masks: localisation metrics/);
    expect(await page.isDisabled(`${METRICS} input[value="pointing_game"]`)).toBe(true);
    expect(await page.isChecked(`${METRICS} input[value="pointing_game"]`)).toBe(false);
    expect(await page.isDisabled(`${METRICS} input[value="sparseness"]`)).toBe(false);

    const broken = Buffer.from(zipSync({ 'labels.csv': enc.encode('file,label\nsquare.png,0\n') }));
    await page.setInputFiles('input[aria-label="upload a data set"]', { name: 'broken.zip', mimeType: 'application/zip', buffer: broken });
    await page.waitForSelector('.error', { timeout: 60_000 });
    expect(await page.textContent('.error')).toMatch(/labels\.csv: line 2: square\.png is not in the data set/);
  });

  it('logged no console errors', () => {
    expect(h.consoleErrors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  });
});

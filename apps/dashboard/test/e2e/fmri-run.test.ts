// @vitest-environment node
/**
 * End to end, fMRI beyond the demo volume: a 4-D run explained volume by volume (the per-volume
 * table, the scores over time, a volume picked for the slices), and an uploaded NIfTI on another
 * grid resampled onto the model's and explained. The real server and Debian's Chromium, as in
 * dashboard.test.ts; XAI_SCREENSHOTS=1 writes the README's screenshots.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { resampleVolumes, SYNTHETIC_AFFINE, SYNTHETIC_SHAPE, syntheticVolume, writeNifti } from '@xai/modalities';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, horizontalOverflow, pixels, root, screenshot, startHarness, waitForDrawn } from './harness';

let h: Harness;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  page = h.page;
});
afterAll(async () => {
  await h?.stop();
});

const RESULT = 'section.card:has(section.result)';
const MODEL = 'demo-fmri-fmri-conv3d';
const design = (JSON.parse(readFileSync(join(root, 'packages/modalities/demo/fmri/volumes.json'), 'utf8')) as { run: { design: number[] } }).run.design;

describe('fMRI runs and volumes on other grids in Chromium', () => {
  it('a 4-D run: a per-volume table and the scores over time; picking a volume shows its relevance', async () => {
    await page.goto(`${h.base}/#/explain?model=${MODEL}&input=demo-fmri-input-fmri-run`);
    await page.waitForFunction(() => (document.querySelector('select[name="input"]') as HTMLSelectElement | null)?.value === 'demo-fmri-input-fmri-run');
    await page.click('button[type="submit"]:has-text("Explain")');
    await page.waitForSelector('[data-testid="volume-table"] tbody tr', { timeout: 90_000 });
    // no flat list of 24 "classes": the scores are per volume
    expect(await page.textContent('[data-testid="score-rows"]')).toMatch(/^12 samples, each with its own scores/);
    const rows = await page.$$eval('[data-testid="volume-table"] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())));
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => r[0])).toEqual(design.map((_, t) => String(t)));
    expect(rows.map((r) => r[1])).toEqual(design.map((_, t) => String(2 * t))); // TR 2 s
    expect(rows.map((r) => r[2])).toEqual(design.map((d) => (d ? 'activation' : 'control')));
    for (const r of rows) expect(r[3]).toMatch(/^-?\d+\.\d{3}$/);
    expect(await page.textContent('[data-testid="volume-summary"]')).toMatch(/control in 6 volumes, activation in 6 volumes/);
    expect(await page.locator('.fmri-volumes svg polyline').count()).toBe(2); // one score line per class
    await page.waitForSelector('.top5:not(:has(button))');

    // pick volume 4 (activation): the slices and the colour-bar label change; the sum comes back
    await waitForDrawn(page, 'canvas[data-testid="slice-axial"]');
    const summed = await pixels(page, 'canvas[data-testid="slice-axial"]');
    await page.selectOption('[data-testid="volume-picker"]', '4');
    await page.waitForFunction(() => document.querySelector('[data-testid="volume-table"] tr[data-volume="4"]')?.classList.contains('picked'));
    expect(await page.textContent('.fmri-result')).toMatch(/relevance of volume 4 for “activation” \(colour scale shared by all volumes\)/);
    expect((await pixels(page, 'canvas[data-testid="slice-axial"]')).digest).not.toBe(summed.digest);
    // a click on a row's volume number picks it too
    await page.click('[data-testid="volume-table"] tr[data-volume="1"] button');
    expect(await page.inputValue('[data-testid="volume-picker"]')).toBe('1');
    expect(await page.textContent('.fmri-result')).toMatch(/relevance of volume 1 for “control”/);
    await page.selectOption('[data-testid="volume-picker"]', '4');
    await screenshot(page, 'fmri-run', { selector: RESULT });
    await page.selectOption('[data-testid="volume-picker"]', '');
    expect((await pixels(page, 'canvas[data-testid="slice-axial"]')).digest).toBe(summed.digest);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('an uploaded NIfTI on another grid (2 mm, 48×48×24, y flipped) is resampled onto the model grid, said so, and explained', async () => {
    // an activation map of the demo's kind, written on another grid over the same field of view
    const v = syntheticVolume(900_021, 1);
    const fine = { dims: [48, 48, 24] as [number, number, number], affine: [[-2, 0, 0, 47], [0, -2, 0, 47], [0, 0, 2, -23], [0, 0, 0, 1]] };
    const data = resampleVolumes(v.values, { dims: [...SYNTHETIC_SHAPE], affine: SYNTHETIC_AFFINE }, fine, { interpolation: 'trilinear' });
    const bytes = writeNifti({ data, shape: fine.dims, affine: fine.affine, gzip: true });

    await page.goto(`${h.base}/#/explain?model=${MODEL}`);
    await page.waitForFunction((id) => (document.querySelector('select[name="model"]') as HTMLSelectElement | null)?.value === id, MODEL);
    await page.setInputFiles('input[aria-label="upload an input"]', { name: 'activation-2mm.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from(bytes) });
    await page.waitForFunction(() => (document.querySelector('select[name="input"]') as HTMLSelectElement).selectedOptions[0]?.textContent === 'activation-2mm.nii.gz', undefined, { timeout: 60_000 });
    await page.click('button[type="submit"]:has-text("Explain")');
    await page.waitForSelector('[data-testid="resampled"]', { timeout: 90_000 });
    expect(await page.textContent('[data-testid="resampled"]')).toMatch(/^The input was resampled from 48×48×24 at 2 mm to 32×32×16 at 3 mm \(trilinear\) — the model's grid\. These slices and the relevance NIfTI are on the model grid, with its affine\./);
    expect(await page.textContent('.top5 button.chosen')).toMatch(/^activation: /);
    for (const plane of ['axial', 'coronal', 'sagittal']) {
      await waitForDrawn(page, `canvas[data-testid="slice-${plane}"]`);
      expect((await pixels(page, `canvas[data-testid="slice-${plane}"]`)).colours).toBeGreaterThan(5);
    }
    // the relevance NIfTI is on the model grid: dims 32 × 32 × 16, the demo affine's sform
    const href = await page.getAttribute('[data-testid="nifti-download"]', 'href');
    const nifti = gunzipSync(Buffer.from(await page.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url!)).arrayBuffer())), href)));
    const dims = [0, 1, 2].map((k) => nifti.readInt16LE(42 + 2 * k));
    expect(dims).toEqual([32, 32, 16]);
    const srow = Array.from({ length: 12 }, (_, k) => nifti.readFloatLE(280 + 4 * k));
    expect(srow).toEqual(SYNTHETIC_AFFINE.slice(0, 3).flat());
    await screenshot(page, 'fmri-resampled', { selector: RESULT });
  });

  it('logged no console errors', () => {
    expect(h.consoleErrors).toEqual([]);
  });
});

// @vitest-environment node
/**
 * End to end: the built dashboard served by the real server (a child process on a random port with
 * a temporary data directory), driven in Debian's Chromium through playwright-core. No part of the
 * server is replaced. XAI_SCREENSHOTS=1 also writes the README's screenshots (see harness.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '@xai/core';
import { DEFAULT_BENCHMARK_SEED, DEFAULT_DATA_SEED } from '@xai/eval';
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

/** Opens Explain with a model and an input, runs the chosen method and waits for the result. */
async function explain(model: string, input: string, resultSelector: string) {
  await page.goto(`${h.base}/#/explain?model=${model}&input=${input}`);
  await page.waitForFunction((id) => (document.querySelector('select[name="input"]') as HTMLSelectElement | null)?.value === id, input);
  await page.click('button[type="submit"]:has-text("Explain")');
  await page.waitForSelector(resultSelector, { timeout: 90_000 });
}

const RESULT = 'section.card:has(section.result)';

describe('dashboard in Chromium against the real server', () => {
  it('shows the gallery and explains the demo image with LRP; the colour map changes without a new job', async () => {
    await page.goto(`${h.base}/`);
    await page.waitForSelector('section[data-modality="image"] a.tile');
    expect(await page.locator('section[data-modality="text"] a.tile').count()).toBeGreaterThan(0);
    await page.click('a[data-input="demo-image-input-shape-cross"]');
    await page.waitForURL(/#\/explain\?/);
    await page.waitForFunction(() => (document.querySelector('select[name="method"]') as HTMLSelectElement | null)?.value === 'lrp');
    await page.selectOption('#opt-composite', 'epsilon_gamma_box');
    await page.click('button[type="submit"]:has-text("Explain")');
    await waitForDrawn(page, 'canvas[data-testid="heatmap"]');
    const bwr = await pixels(page, 'canvas[data-testid="heatmap"]');
    expect(bwr.width).toBe(32);
    expect(bwr.colours).toBeGreaterThan(3); // not blank
    expect(await page.textContent(`${RESULT} h2`)).toContain('cross');
    // recolour in the browser: no request creates a job
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
    await page.selectOption('.image-result select[name="colormap"]', 'coldnhot');
    await page.waitForFunction((d) => {
      const c = document.querySelector('canvas[data-testid="heatmap"]') as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let x = 0;
      for (let i = 0; i < data.length; i += 4) x = (x * 31 + ((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!) + data[i + 3]!) >>> 0;
      return x !== d;
    }, bwr.digest);
    await page.fill('.image-result input[type="range"]', '0.9');
    expect(await page.$eval('.stack .top', (e) => (e as HTMLElement).style.opacity)).toBe('0.9');
    expect(posts).toEqual([]);
    await screenshot(page, 'image', { selector: RESULT });
  });

  it('explains a text and highlights its tokens', async () => {
    await explain('demo-text-sentiment-cnn', 'demo-text-input-mixed-review', '[data-testid="highlighted-text"] .token');
    const tokens = await page.$$eval('[data-testid="highlighted-text"] .token', (els) =>
      els.map((e) => ({ text: e.textContent, bg: (e as HTMLElement).style.background, score: Number(e.getAttribute('data-score')) })),
    );
    expect(tokens.map((t) => t.text)).toContain('great');
    const coloured = tokens.filter((t) => t.score !== 0 && t.bg && !/255, 255, 255/.test(t.bg));
    expect(coloured.length).toBeGreaterThan(2);
    // positive-only hides the negative words' colour
    await page.click('input[value="positive"]');
    const negBg = await page.$$eval('[data-testid="highlighted-text"] .token', (els) =>
      els.filter((e) => Number(e.getAttribute('data-score')) < 0).map((e) => (e as HTMLElement).style.background),
    );
    expect(negBg.every((b) => b === '' || b === 'transparent')).toBe(true);
  });

  it('audio: spectrogram with Hz and seconds, waveform with relevance, playback moves one cursor over both', async () => {
    await explain('demo-audio-digits-spectrogram-cnn', 'demo-audio-input-digit-3-en-us-m3-0', 'canvas[data-testid="spectrogram"]');
    await waitForDrawn(page, 'canvas[data-testid="spectrogram"]');
    await waitForDrawn(page, 'canvas[data-testid="waveform"]');
    expect((await pixels(page, 'canvas[data-testid="spectrogram"]')).colours).toBeGreaterThan(10);
    const yTicks = await page.$$eval('.audio-result .y-ticks span', (s) => s.map((e) => e.textContent));
    expect(yTicks).toEqual(expect.arrayContaining(['0 Hz', '1000 Hz', '2000 Hz', '3000 Hz']));
    expect(await page.$$eval('.audio-result .x-ticks span', (s) => s.map((e) => e.textContent))).toEqual(expect.arrayContaining(['0.0 s', '0.2 s']));
    // the recording is served by the server and plays; the cursors of both plots follow it
    await page.waitForFunction(() => (document.querySelector('[data-testid="player"]') as HTMLAudioElement).readyState >= 1);
    expect(await page.$eval('[data-testid="player"]', (a) => (a as HTMLAudioElement).duration)).toBeCloseTo(0.335, 2);
    const cursors = () => page.$$eval('[data-testid="cursor"]', (els) => els.map((e) => parseFloat((e as HTMLElement).style.left)));
    const before = await cursors();
    expect(before).toHaveLength(2);
    await page.$eval('[data-testid="player"]', (a) => (a as HTMLAudioElement).play());
    await page.waitForFunction(() => (document.querySelector('[data-testid="player"]') as HTMLAudioElement).currentTime > 0.15, undefined, { timeout: 30_000 });
    await page.$eval('[data-testid="player"]', (a) => (a as HTMLAudioElement).pause());
    // once paused, the shown time is the player's
    await page.waitForFunction(() => {
      const audio = document.querySelector('[data-testid="player"]') as HTMLAudioElement;
      return document.querySelector('.audio-result .time')?.textContent?.startsWith(`${audio.currentTime.toFixed(2)} s`);
    });
    const after = await cursors();
    after.forEach((left, k) => expect(left).toBeGreaterThan(before[k]! + 10)); // ≥ 0.15 s further on axes about 1 s long
    // keyboard: an arrow on the focused spectrogram seeks the recording (the server answers byte ranges)
    const paused = await page.$eval('[data-testid="player"]', (a) => (a as HTMLAudioElement).currentTime);
    await page.focus('canvas[data-testid="spectrogram"]');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.waitForFunction((t) => Math.abs((document.querySelector('[data-testid="player"]') as HTMLAudioElement).currentTime - (t - 0.1)) < 0.01, paused);
    await screenshot(page, 'audio', { selector: RESULT });
  });

  it('Explain starts each modality with its measured default (EEG: ε = 0.25, saying why); a method in the URL is kept', async () => {
    await page.goto(`${h.base}/#/explain?model=demo-eeg-eeg-eegnet&input=demo-eeg-input-eeg-demo-recording`);
    const line = await page.waitForSelector('[data-testid="modality-default"]');
    expect(await line.textContent()).toMatch(/Default for eeg: lrp rule epsilon, epsilon 0\.25 — .*0\.68.*P300/);
    expect(await page.$eval('#opt-rule', (el) => (el as HTMLSelectElement).value)).toBe('epsilon');
    expect(await page.$eval('#opt-epsilon', (el) => (el as HTMLInputElement).value)).toBe('0.25');
    await page.goto(`${h.base}/#/explain?model=demo-eeg-eeg-eegnet&input=demo-eeg-input-eeg-demo-recording&method=gradient`);
    await page.reload(); // the view reads its URL when it starts
    await page.waitForFunction(() => (document.querySelector('select[name="method"]') as HTMLSelectElement | null)?.value === 'gradient');
    expect(await page.locator('[data-testid="modality-default"]').count()).toBe(0);
  });

  it('EEG: channel × time map with channel names and annotations, a topography that follows the slider, channel ranking', async () => {
    await explain('demo-eeg-eeg-eegnet', 'demo-eeg-input-eeg-demo-recording', 'canvas[data-testid="channel-time"]');
    await waitForDrawn(page, 'canvas[data-testid="channel-time"]');
    await waitForDrawn(page, 'canvas[data-testid="topography"]');
    expect((await pixels(page, 'canvas[data-testid="channel-time"]')).colours).toBeGreaterThan(10);
    const channels = await page.$$eval('.eeg-result .y-ticks span', (s) => s.map((e) => e.textContent));
    expect(channels).toHaveLength(16);
    expect(channels).toEqual(expect.arrayContaining(['Fz', 'Cz', 'Pz', 'Oz']));
    expect(await page.$$eval('.eeg-result .mark span', (s) => s.map((e) => e.textContent))).toContain('stimulus/target');
    expect(await page.locator('[data-testid="channel-ranking"] li').count()).toBe(16);
    const first = await pixels(page, 'canvas[data-testid="topography"]');
    expect(first.colours).toBeGreaterThan(10);
    // keyboard on the slider: a different time, a different map
    await page.focus('[data-testid="topo-time"]');
    const heading = await page.textContent('.eeg-result h3:has-text("Topography")');
    for (let k = 0; k < 8; k++) await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((h0) => document.querySelector('.eeg-result .pair h3')?.textContent !== h0, heading);
    expect((await pixels(page, 'canvas[data-testid="topography"]')).digest).not.toBe(first.digest);
    await screenshot(page, 'eeg', { selector: RESULT });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('fMRI: three slices over the anatomy, a linked crosshair, a threshold slider and the NIfTI download', async () => {
    await explain('demo-fmri-fmri-conv3d', 'demo-fmri-input-fmri-activation-01', 'canvas[data-testid="slice-axial"]');
    for (const plane of ['axial', 'coronal', 'sagittal']) {
      await waitForDrawn(page, `canvas[data-testid="slice-${plane}"]`);
      expect((await pixels(page, `canvas[data-testid="slice-${plane}"]`)).colours).toBeGreaterThan(5);
    }
    const at = () => page.$$eval('canvas[data-testid^="slice-"]', (els) => els.map((e) => e.getAttribute('data-at')));
    const start = await at();
    expect(new Set(start).size).toBe(1);
    const coronal = await pixels(page, 'canvas[data-testid="slice-coronal"]');
    // a click on the axial view moves x and y: the coronal and sagittal views show other slices
    const axialView = page.locator('canvas[data-testid="slice-axial"]');
    const box = (await axialView.boundingBox())!;
    await axialView.click({ position: { x: box.width * 0.8, y: box.height * 0.8 } });
    const clicked = await at();
    expect(clicked[0]).not.toBe(start[0]);
    expect(new Set(clicked).size).toBe(1);
    expect((await pixels(page, 'canvas[data-testid="slice-coronal"]')).digest).not.toBe(coronal.digest);
    // arrows on the focused coronal view move the crosshair (z up)
    await page.focus('canvas[data-testid="slice-coronal"]');
    await page.keyboard.press('ArrowUp');
    const [x, y, z] = clicked[0]!.split(',').map(Number);
    expect((await at())[2]).toBe(`${x},${y},${Math.min(15, z! + 1)}`);
    // the threshold hides weak relevance
    await page.click('button:has-text("Go to peak")');
    const axial = await pixels(page, 'canvas[data-testid="slice-axial"]');
    await page.fill('[data-testid="threshold"]', '0.9');
    expect((await pixels(page, 'canvas[data-testid="slice-axial"]')).digest).not.toBe(axial.digest);
    await page.fill('[data-testid="threshold"]', '0.1');
    // the relevance NIfTI downloads (gzip)
    const href = await page.getAttribute('[data-testid="nifti-download"]', 'href');
    const bytes = await page.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url!)).arrayBuffer()).slice(0, 2)), href);
    expect(bytes).toEqual([0x1f, 0x8b]);
    await screenshot(page, 'fmri', { selector: RESULT, narrow: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('video: the frame strip with overlays, relevance per frame over time, the overlays played back', async () => {
    await explain('demo-video-video-motion-conv3d', 'demo-video-input-video-motion-right-mp4', '[data-testid="frame-strip"]');
    const frames = page.locator('[data-testid="frame-strip"] img');
    expect(await frames.count()).toBe(12);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="frame-strip"] img')].every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
    expect((await pixels(page, '[data-testid="frame-strip"] li.current img')).colours).toBeGreaterThan(10);
    expect(await page.locator('.video-result polyline').count()).toBe(2);
    const player = (await page.locator('[data-testid="overlay-video"]').count()) ? '[data-testid="overlay-video"]' : '.video-result figure img';
    if (player.startsWith('[')) await page.waitForFunction(() => (document.querySelector('[data-testid="overlay-video"]') as HTMLVideoElement).readyState >= 1);
    else await page.waitForFunction(() => (document.querySelector('.video-result figure img') as HTMLImageElement).naturalWidth > 0);
    await page.click('[data-testid="frame-strip"] li:first-child button');
    // the caption names the frame on screen (the strip follows playback) and the peak of the temporal relevance
    expect(await page.textContent('.video-result .muted')).toMatch(/^Frame \d+ of 12 at \d+\.\d\d s holds [\d.]+ % of the temporal relevance; the peak is frame \d+\./);
    await screenshot(page, 'video', { selector: RESULT });
  });

  it('VQA: the answer with its score, the image relevance and the question words', async () => {
    await explain('demo-vqa-vqa-cnn-lstm', 'demo-vqa-input-vqa-count', '[data-testid="vqa-answer"]');
    expect(await page.textContent('[data-testid="vqa-answer"]')).toMatch(/how many blue circles are there \?.*\d+\.\d %/);
    await waitForDrawn(page, 'canvas[data-testid="heatmap"]');
    const words = await page.$$eval('[data-testid="highlighted-text"] .token', (els) => els.map((e) => ({ text: e.textContent, bg: (e as HTMLElement).style.background })));
    expect(words.map((w) => w.text)).toEqual(['how', 'many', 'blue', 'circles', 'are', 'there', '?']);
    expect(words.filter((w) => w.bg && !/255, 255, 255/.test(w.bg)).length).toBeGreaterThan(2);
    await screenshot(page, 'vqa', { selector: RESULT });
  });

  it('uploads the demo model and an input through the UI, then explains with them', async () => {
    await page.goto(`${h.base}/#/models`);
    await page.waitForSelector('table.layers tbody tr');
    const dir = join(root, 'packages/core/demo');
    await page.setInputFiles('.drop input[type="file"]', [
      { name: 'model.json', mimeType: 'application/json', buffer: readFileSync(join(dir, 'model/model.json')) },
      { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: readFileSync(join(dir, 'model/weights.bin')) },
    ]);
    await page.fill('input[placeholder="(from the file)"]', 'my shapes model');
    await page.selectOption('select:near(:text("Modality"))', 'image');
    await page.click('button:has-text("Upload")');
    await page.waitForSelector('h2:has-text("Layers of my shapes model")', { timeout: 60_000 });
    const modelId = await page.evaluate(async () => (await (await fetch('/api/v1/models')).json()).models.find((m: { name: string }) => m.name === 'my shapes model').id as string);
    await page.goto(`${h.base}/#/explain?model=${modelId}`);
    await page.waitForFunction((id) => (document.querySelector('select[name="model"]') as HTMLSelectElement | null)?.value === id, modelId);
    await page.setInputFiles('input[aria-label="upload an input"]', { name: 'my-ring.png', mimeType: 'image/png', buffer: readFileSync(join(dir, 'inputs/ring.png')) });
    await page.waitForFunction(() => (document.querySelector('select[name="input"]') as HTMLSelectElement).selectedOptions[0]?.textContent === 'my-ring.png', undefined, { timeout: 60_000 });
    await page.click('button[type="submit"]:has-text("Explain")');
    await waitForDrawn(page, 'canvas[data-testid="heatmap"]');
    expect((await pixels(page, 'canvas[data-testid="heatmap"]')).colours).toBeGreaterThan(3);
    expect(await page.textContent('.top5')).toMatch(/\d\.\d{3}/);
  });

  it('cancels a running job and shows it cancelled', async () => {
    await page.goto(`${h.base}/#/explain?model=demo-audio-digits-spectrogram-cnn&input=demo-audio-input-digit-3-en-us-m3-0&method=occlusion`);
    await page.waitForSelector('#opt-window');
    // occlusion with 4 × 4 windows at stride 1 over a 227 × 227 spectrogram: minutes of work
    await page.fill('#opt-window', '4');
    await page.locator('#opt-window').dispatchEvent('change');
    await page.fill('#opt-stride', '1');
    await page.locator('#opt-stride').dispatchEvent('change');
    await page.click('button[type="submit"]:has-text("Explain")');
    // a long job says how long it has left
    await page.waitForFunction(() => /running \d+ %.* · about \d+ (s|min|h)/.test(document.querySelector('[data-testid="job-progress-label"]')?.textContent ?? ''), undefined, { timeout: 90_000 });
    await page.click('button.cancel', { timeout: 60_000 });
    await page.waitForSelector('.progress[data-state="cancelled"]', { timeout: 60_000 });
    expect(await page.textContent('[role="status"]')).toMatch(/Cancelled/);
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    expect(await page.locator('section.result').count()).toBe(0);
  });

  it('compares methods side by side on a shared or per-method scale', async () => {
    await page.goto(`${h.base}/#/compare`);
    await page.waitForSelector('input[type="checkbox"][value="lrp"]');
    await page.click('button[type="submit"]:has-text("Compare")');
    await page.waitForFunction(() => document.querySelectorAll('.column canvas').length === 3, undefined, { timeout: 90_000 });
    for (let k = 0; k < 3; k++) await waitForDrawn(page, `.column:nth-child(${k + 1}) canvas`);
    const shared = await Promise.all([1, 2, 3].map((k) => pixels(page, `.column:nth-child(${k}) canvas`)));
    expect(shared.every((p) => p.colours > 3)).toBe(true);
    expect(await page.$$eval('.column h2', (els) => els.map((e) => e.textContent))).toEqual(['lrp', 'gradient', 'integrated_gradients']);
    await page.selectOption('select:near(:text("Colour scale"))', { label: 'per method' });
    await page.waitForFunction(() => [...document.querySelectorAll('.column small')].every((s) => s.textContent?.startsWith('own')));
  });

  it('runs a benchmark: the table marks the best per column, the perturbation curves are plotted, exports are linked', async () => {
    await page.goto(`${h.base}/#/benchmarks`);
    await page.waitForSelector('input[type="checkbox"][value="sparseness"]');
    await page.fill('input[type="number"] >> nth=0', '4');
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/benchmarks'));
    await page.click('button[type="submit"]:has-text("Run benchmark")');
    // The dashboard's default seeds are the CLI's and the server's: one benchmark, one result.
    const body = (await posted).postDataJSON() as { seed: number; dataset: { seed: number } };
    expect([body.seed, body.dataset.seed]).toEqual([DEFAULT_BENCHMARK_SEED, DEFAULT_DATA_SEED]);
    await page.waitForSelector('table.benchmark', { timeout: 120_000 });
    expect(await page.locator('table.benchmark tbody tr').count()).toBe(2);
    expect(await page.locator('td[data-best="true"]').count()).toBe(3);
    expect(await page.locator('table.benchmark th .dir').count()).toBe(3);
    // pixel flipping: one curve per method
    expect(await page.$$eval('[data-testid="benchmark-curves"] figcaption', (els) => els.map((e) => e.textContent))).toEqual(['pixel_flipping']);
    expect(await page.locator('[data-testid="benchmark-curves"] polyline[data-series="lrp"]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="benchmark-curves"] polyline[data-series="gradient"]').count()).toBeGreaterThan(0);
    for (const f of ['benchmark-table.csv', 'benchmark-curves.csv', 'benchmark.json']) expect(await page.locator(`a[download="${f}"]`).count()).toBe(1);
    await screenshot(page, 'benchmarks', { selector: 'section.card:has(table.benchmark)' });
  });

  it('a benchmark over every metric fits 1280 px, and an empty cell says why', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${h.base}/#/benchmarks`);
    await page.waitForSelector('input[type="checkbox"][value="sparseness"]');
    await page.fill('input[type="number"] >> nth=0', '2');
    for (const box of await page.locator('fieldset:has(legend:text("Metrics")) input[type="checkbox"]').all()) await box.check();
    const metrics = await page.locator('fieldset:has(legend:text("Metrics")) input[type="checkbox"]').count();
    await page.click('button[type="submit"]:has-text("Run benchmark")');
    await page.waitForSelector('table.benchmark', { timeout: 300_000 });
    expect(await page.locator('table.benchmark thead th').count()).toBe(1 + metrics);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    // The demo CNN pads with 'same': input invariance cannot be measured, and the cell says so.
    const notes = await page.$$eval('[data-testid="benchmark-notes"] li', (els) => els.map((e) => e.textContent ?? ''));
    expect(notes.some((n) => /input_invariance: .*padding 'valid'/.test(n)), notes.join('\n')).toBe(true);
    expect(await page.locator('table.benchmark .why').count()).toBe(notes.length);
  });

  it('after a failed upload, Explain clears the selected input instead of explaining it, and keeps the error', async () => {
    await page.goto(`${h.base}/#/explain?model=demo-image-shapes-cnn&input=demo-image-input-shape-cross`);
    await page.waitForFunction(() => (document.querySelector('select[name="input"]') as HTMLSelectElement | null)?.value === 'demo-image-input-shape-cross');
    await page.setInputFiles('input[aria-label="upload an input"]', { name: 'scan.png', mimeType: 'image/png', buffer: Buffer.from('not a PNG at all') });
    const alert = await page.waitForSelector('[role="alert"]');
    expect(await alert.textContent()).toMatch(/scan\.png: not a valid PNG/); // the file's name as written, not capitalised
    expect(await page.$eval('select[name="input"]', (el) => (el as HTMLSelectElement).value)).toBe('');
    expect(await page.textContent('select[name="input"] option:checked')).toMatch(/upload failed/);
    expect(await page.isDisabled('button[type="submit"]:has-text("Explain")')).toBe(true);
    // choosing an input again makes Explain possible; the error stays until dismissed
    await page.selectOption('select[name="input"]', 'demo-image-input-shape-cross');
    expect(await page.isDisabled('button[type="submit"]:has-text("Explain")')).toBe(false);
    expect(await page.locator('[role="alert"]').count()).toBe(1);
  });

  it('lists models with the rule of each layer and shows server errors in words', async () => {
    await page.goto(`${h.base}/#/models`);
    await page.waitForSelector('table.layers tbody tr');
    // The table starts with LRP's default composite, the one Explain uses.
    expect(await page.textContent('table.layers thead')).toContain('rule under epsilon_plus');
    expect(await page.locator('table.layers').textContent()).toContain('zplus');
    // a file no modality reads: the server's 4xx is shown in place
    await page.setInputFiles('.drop input[type="file"]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a model') });
    await page.click('button:has-text("Upload")');
    const alert = await page.waitForSelector('[role="alert"]');
    // shown where the upload is refused: how to bring a model
    expect(await alert.textContent()).toMatch(/torch\.onnx\.export.*tf2onnx/);
  });

  it('takes an ONNX model by drag-and-drop and shows its inputs with layouts and its nodes with rules', async () => {
    await page.goto(`${h.base}/#/models`);
    await page.waitForSelector('table.layers tbody tr');
    const onnx = readFileSync(join(root, '../shared/fixtures/onnx/onnx_cnn_bn/model.onnx')).toString('base64');
    // a real drop event carrying the file, as a desktop file manager sends it
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'cnn_bn.onnx', { type: 'application/octet-stream' }));
      const zone = document.querySelector('.drop')!;
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, onnx);
    await page.waitForSelector('.drop :text("cnn_bn.onnx")');
    await page.selectOption('select:near(:text("Modality"))', 'image');
    await page.click('button:has-text("Upload")');
    await page.waitForSelector('h2:has-text("Layers of cnn_bn")', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="model-facts"]')).toMatch(/ONNX, from pytorch 1\.13\.0, opset 13/);
    expect(await page.$$eval('table.inputs tbody td', (tds) => tds.map((td) => td.textContent))).toEqual(['input', '[N, 3, 12, 12]', 'NCHW', 'float32']);
    const rows = await page.$$eval('table.layers tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toContainEqual(['/0/0.0/Conv', '/0/0.0/Conv', 'Conv', 'linear', expect.stringMatching(/^zplus/)]);
    expect(rows.find((r) => r[2] === 'Relu')?.[4]).toBe('pass');
    expect(await page.textContent('table.layers thead')).toContain('op type');
    await page.selectOption('label:has-text("Composite") select', 'epsilon_gamma_box');
    await page.waitForFunction(() => document.querySelector('table.layers thead')?.textContent?.includes('epsilon_gamma_box'));
    expect(await page.textContent('table.layers tbody tr:has(td:text-is("/0/0.0/Conv"))')).toContain('z_box');
    // explained with an image: the channels-first relevance [3, 12, 12] is drawn as a 12 × 12 heatmap
    const modelId = await page.evaluate(async () => (await (await fetch('/api/v1/models')).json()).models.find((m: { name: string }) => m.name === 'cnn_bn').id as string);
    await page.goto(`${h.base}/#/explain?model=${modelId}`);
    await page.waitForFunction((id) => (document.querySelector('select[name="model"]') as HTMLSelectElement | null)?.value === id, modelId);
    // a 12 × 12 RGB picture (the model does not resize): a diagonal gradient
    const rgba = new Uint8Array(12 * 12 * 4).map((_, i) => (i % 4 === 3 ? 255 : ((i >> 2) % 12) * 20 + Math.floor((i >> 2) / 12) * 5 + (i % 4) * 30));
    await page.setInputFiles('input[aria-label="upload an input"]', { name: 'gradient.png', mimeType: 'image/png', buffer: Buffer.from(encodePng({ rgba, width: 12, height: 12 })) });
    await page.waitForFunction(() => (document.querySelector('select[name="input"]') as HTMLSelectElement).selectedOptions[0]?.textContent === 'gradient.png', undefined, { timeout: 60_000 });
    await page.click('button[type="submit"]:has-text("Explain")');
    await waitForDrawn(page, 'canvas[data-testid="heatmap"]');
    expect(await page.$eval('canvas[data-testid="heatmap"]', (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height])).toEqual([12, 12]);
    expect((await pixels(page, 'canvas[data-testid="heatmap"]')).colours).toBeGreaterThan(3);
  });

  it('logged no console errors', () => {
    // the deliberate failed upload logs a 4xx resource error in Chromium's console: ignore those
    expect(h.consoleErrors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e))).toEqual([]);
  });
});

// @vitest-environment node
/**
 * End to end, one's own EEG: a model uploaded with its channel list, sampling rate and class names
 * stated in the Models form (the tfjs EEGNet demo files, which carry no metadata), a recording
 * whose channels and rate differ from the demo's (EDF+ at 200 Hz, 'EEG Fz-REF' spellings, Oz
 * recorded as 'O-mid', an ECG) uploaded in Explain, the channels mapped, the event and the window
 * chosen in the decoding options, and the EEG view of the explanation. A recording that cannot fit
 * shows the precise reason. The real server and Debian's Chromium, as in dashboard.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EEG_DEMO_DIR, EEG_SYNTHETIC_CHANNELS, syntheticEeg, writeEdfPlus } from '@xai/modalities';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, horizontalOverflow, screenshot, startHarness, waitForDrawn } from './harness';

let h: Harness;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  page = h.page;
});
afterAll(async () => {
  await h?.stop();
});

/** 20 s at 200 Hz (the demo: 256 Hz), 'EEG <name>-REF' labels, Oz as 'O-mid', an ECG; stimulus and response annotations. */
function ownRecording(): Buffer {
  const eeg = syntheticEeg({ seconds: 20, seed: 1811, sampleRate: 200 });
  const signals = eeg.channels.map((c) => ({ label: c.label === 'Oz' ? 'O-mid' : `EEG ${c.label}-REF`, unit: 'uV', sampleRate: 200, samples: c.samples }));
  signals.push({ label: 'ECG', unit: 'uV', sampleRate: 200, samples: new Float32Array(4000).map((_, i) => 300 * Math.sin(i / 30)) });
  return Buffer.from(writeEdfPlus(signals, { annotations: eeg.annotations }));
}

const threeChannels = () =>
  Buffer.from(writeEdfPlus(['A1', 'A2', 'ECG'].map((label, k) => ({ label, unit: 'uV', sampleRate: 128, samples: new Float32Array(1280).map((_, i) => Math.sin((i + k) / 9) * 20) }))));

/** Types into a number or text field and lets the form see it (change event). */
async function type(selector: string, text: string) {
  await page.fill(selector, text);
  await page.locator(selector).dispatchEvent('change');
}

async function uploadInput(name: string, bytes: Buffer) {
  await page.setInputFiles('input[aria-label="upload an input"]', { name, mimeType: 'application/octet-stream', buffer: bytes });
  await page.waitForFunction((n) => (document.querySelector('select[name="input"]') as HTMLSelectElement).selectedOptions[0]?.textContent === n, name, { timeout: 60_000 });
}

let modelId = '';

describe('explaining one’s own EEG recording with one’s own model in Chromium', () => {
  it('uploads a model with its channels, sampling rate and class names stated; the model page shows them', async () => {
    await page.goto(`${h.base}/#/models`);
    await page.waitForSelector('select[name="classNames"], input[name="classNames"]');
    await page.setInputFiles('.drop input[type="file"]', [
      { name: 'model.json', mimeType: 'application/json', buffer: readFileSync(join(EEG_DEMO_DIR, 'model.json')) },
      { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: readFileSync(join(EEG_DEMO_DIR, 'weights.bin')) },
    ]);
    await page.fill('input[placeholder="(from the file)"]', 'my-eegnet');
    await page.locator('label:has-text("Modality") select').selectOption('eeg');
    await page.waitForSelector('[data-testid="model-facts-form"]');
    await page.fill('input[name="channels"]', EEG_SYNTHETIC_CHANNELS.join(', '));
    await page.fill('input[name="sampleRate"]', '64');
    await page.fill('input[name="classNames"]', 'standard, target');
    await page.click('button:has-text("Upload")');
    await page.waitForFunction(() => document.querySelector('h2')?.parentElement && [...document.querySelectorAll('h2')].some((e) => e.textContent === 'Layers of my-eegnet'), undefined, { timeout: 60_000 });
    expect(await page.textContent('[data-testid="fact-channels"]')).toBe(`${EEG_SYNTHETIC_CHANNELS.join(', ')} (stated with the upload)`);
    expect(await page.textContent('[data-testid="fact-sampleRate"]')).toBe('64 Hz (stated with the upload)');
    expect(await page.textContent('[data-testid="fact-classes"]')).toBe('standard, target');
    modelId = await page.evaluate(async () => ((await (await fetch('/api/v1/models')).json()) as { models: { id: string; name: string }[] }).models.find((m) => m.name === 'my-eegnet')!.id);
    expect(modelId).toMatch(/^mdl_/);
  });

  it('uploads a recording with other channels and rate, maps the channels, chooses event and window, and explains it', async () => {
    await page.goto(`${h.base}/#/explain?model=${modelId}`);
    await page.waitForFunction((id) => (document.querySelector('select[name="model"]') as HTMLSelectElement | null)?.value === id, modelId);
    await uploadInput('own-recording.edf', ownRecording());
    // the file reads but does not fit as it is: said precisely, and the form is prefilled from the file's facts
    expect(await page.textContent('[data-testid="misfit"]')).toMatch(/own-recording\.edf: the model needs 16 channels, the recording has 17: EEG Fp1-REF, .*O-mid, ECG; missing: Oz/);
    expect(await page.textContent('[data-testid="input-facts"]')).toBe(`own-recording.edf: EDF+C, 17 channels at 200 Hz, 20 s, ${syntheticEeg({ seconds: 20, seed: 1811, sampleRate: 200 }).annotations.length} annotations`);
    expect(await page.inputValue('select[data-model-channel="Fz"]')).toBe('EEG Fz-REF');
    expect(await page.inputValue('select[data-model-channel="Oz"]')).toBe('');
    expect(await page.textContent('[data-testid="unmapped"]')).toMatch(/for Oz: choose one/);
    expect(await page.inputValue('input[name="sampleRate"]')).toBe('64'); // the model's stated rate
    const events = await page.$$eval('select[name="event"] option', (o) => o.map((e) => e.getAttribute('value')));
    expect([...events].sort()).toEqual(['', 'response', 'stimulus/standard', 'stimulus/target']);

    await page.selectOption('select[data-model-channel="Oz"]', 'O-mid');
    expect(await page.locator('[data-testid="unmapped"]').count()).toBe(0);
    await page.selectOption('select[name="event"]', 'stimulus/target');
    await type('input[name="eventIndex"]', '1');
    await type('input[name="tmin"]', '-0.2');
    await page.click('summary:has-text("More decoding options")');
    await type('#opt-bandpassLow', '0.5');
    await type('#opt-bandpassHigh', '8');
    await type('#opt-baseline', '-0.2, 0');
    await page.click('button[type="submit"]:has-text("Explain")');
    await waitForDrawn(page, 'canvas[data-testid="channel-time"]', 90_000);
    // the view's channels are the recording's, in the model's order (O-mid feeding Oz)
    const channels = await page.$$eval('.eeg-result .y-ticks span', (s) => s.map((e) => e.textContent));
    expect(channels).toEqual([...EEG_SYNTHETIC_CHANNELS.slice(0, 15).map((c) => `${c}-REF`), 'O-mid']);
    expect(await page.$$eval('.eeg-result .mark span', (s) => s.map((e) => e.textContent))).toContain('stimulus/target');
    expect(await page.textContent('.top5')).toMatch(/(standard|target): -?\d/); // the stated class names
    // the decoding options went with the request
    const sent = await page.evaluate(async () => {
      const { jobs } = (await (await fetch('/api/v1/jobs?kind=explanation')).json()) as { jobs: { id: string }[] };
      return ((await (await fetch(`/api/v1/jobs/${jobs[0]!.id}`)).json()) as { request: { decodeOptions?: Record<string, unknown> } }).request.decodeOptions;
    });
    expect(sent).toMatchObject({ event: 'stimulus/target', eventIndex: 1, tmin: -0.2, sampleRate: 64, bandpassLow: 0.5, bandpassHigh: 8, baseline: [-0.2, 0] });
    await page.click('summary:has-text("More decoding options")'); // folded for the picture (the values stay)
    await screenshot(page, 'eeg-own');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('a recording that cannot fit: the upload and the explanation say precisely why', async () => {
    await page.goto(`${h.base}/#/explain?model=${modelId}`);
    await page.waitForFunction((id) => (document.querySelector('select[name="model"]') as HTMLSelectElement | null)?.value === id, modelId);
    await uploadInput('three.edf', threeChannels());
    const reason = /three\.edf: the model needs 16 channels, the recording has 3: A1, A2, ECG; missing: Fp1, Fp2, F7/;
    expect(await page.textContent('[data-testid="misfit"]')).toMatch(reason);
    expect(await page.textContent('[data-testid="unmapped"]')).toMatch(/for Fp1, Fp2, .*Oz: choose one/);
    await page.click('button[type="submit"]:has-text("Explain")');
    await page.waitForSelector('.error', { timeout: 60_000 });
    const shown = await page.textContent('.error');
    expect(shown).toMatch(/^The job failed: three\.edf: the model needs 16 channels/); // the file name keeps its case
    expect(shown).toMatch(reason);
  });

  it('logged no console errors', () => {
    expect(h.consoleErrors).toEqual([]);
  });
});


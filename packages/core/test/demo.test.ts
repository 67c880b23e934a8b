/** The shipped demo (what `npm start` runs), run for real. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, runDemo } from '../src/index.js';

const out = mkdtempSync(join(tmpdir(), 'xai-demo-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('demo', () => {
  it('explains generated shapes with the shipped model and writes PNGs and JSON', async () => {
    await initBackend();
    const lines: string[] = [];
    const result = await runDemo({ out, samples: 3, seed: 11, onProgress: (l) => lines.push(l) });
    expect(lines).toHaveLength(3);
    // Per sample: input PNG, 3 methods × (heatmap, overlay), JSON; plus summary.json.
    expect(result.files).toHaveLength(3 * 8 + 1);
    expect(result.accuracy).toBe(1); // the demo model reaches > 99% on held-out shapes

    const png = decode(readFileSync(result.files.find((f) => f.endsWith('-epsilon_gamma_box.png'))!));
    expect([png.width, png.height]).toEqual([256, 256]);
    const record = JSON.parse(readFileSync(result.files.find((f) => f.endsWith('.json') && !f.endsWith('summary.json'))!, 'utf8'));
    const lrp = record.methods.epsilon_gamma_box;
    expect(lrp.relevance).toHaveLength(32 * 32 * 3);
    // LRP roughly conserves the explained logit on this model (bias and stabiliser absorb a little).
    const logit = Math.max(...record.logits);
    expect(Math.abs(lrp.relevanceSum - logit) / logit).toBeLessThan(0.25);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.samples).toHaveLength(3);
  });
});

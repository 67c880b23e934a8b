/** The shipped demo (what `npm start` runs) and the `xai` command line, run for real. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, runDemo } from '../src/index.js';

const CLI = fileURLToPath(new URL('../src/cli/xai.ts', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../../../shared/fixtures/reference/cnn_bn', import.meta.url));
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

describe('xai command line', () => {
  const xai = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', env: { ...process.env, XAI_BACKEND: 'cpu' } });

  it('lists graph nodes with the rule each linear layer gets', () => {
    const run = xai('layers', FIXTURE, '--composite', 'epsilon_gamma_box');
    expect(run.status, run.stderr).toBe(0);
    const rows = run.stdout.trim().split('\n').filter((r) => r.startsWith('conv2d') || /^\w+_\w+/.test(r));
    expect(rows[0]).toMatch(/^conv2d_\w+\s+Conv2D\s+linear\s+z_box/); // the first conv, BatchNorm merged into it
    expect(rows.some((r) => /Activation\s+activation/.test(r))).toBe(true);
    expect(rows.some((r) => /Dense\s+linear\s+epsilon/.test(r))).toBe(true);
    expect(rows.some((r) => /BatchNormalization/.test(r))).toBe(false);
  });

  it('reports a missing model file by name and exits non-zero', () => {
    const run = xai('layers', join(out, 'nope', 'model.json'));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(join(out, 'nope', 'model.json'));
  });
});

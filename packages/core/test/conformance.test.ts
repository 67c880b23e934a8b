/**
 * Reference conformance (shared/fixtures/README.md): every LRP, composite, gradient,
 * gradient×input, integrated gradients and occlusion method of the Conv/Dense cases must match
 * zennit / PyTorch within max|R − R_ref| ≤ 1e-4·max|R_ref| + 1e-7. The fixtures live beside the
 * project root.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, runConformance, type ConformanceSummary } from '../src/index.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/reference', import.meta.url));
const CASES = 'mlp,cnn,cnn_bn,resblock,conv1d,vgg_small';
const METHODS = 'lrp_*,composite_*,gradient,gradient_x_input,integrated_gradients,occlusion';

describe('reference conformance', () => {
  let summary: ConformanceSummary;
  const lines: string[] = [];

  beforeAll(async () => {
    expect(existsSync(FIXTURES), `reference fixtures missing at ${FIXTURES}`).toBe(true);
    await initBackend();
    summary = await runConformance(FIXTURES, { cases: CASES, methods: METHODS, log: (l) => lines.push(l) });
  });

  it('covers every case and method named by the core issue', () => {
    // 6 cases; conv1d and mlp have no epsilon_gamma_box composite (no first Conv / Conv layer at all).
    expect(summary.lines.length).toBeGreaterThanOrEqual(6 * 12);
    expect(new Set(summary.lines.map((l) => l.caseName))).toEqual(new Set(CASES.split(',')));
  });

  it('matches the reference numbers within the fixtures tolerance', () => {
    const failed = summary.lines.filter((l) => !l.ok).map((l) => `${l.caseName} ${l.method} rel_err=${l.relErr} ${l.reason ?? ''}`);
    expect(failed).toEqual([]);
    expect(lines.at(-1)).toBe(`${summary.passed} passed, 0 failed`);
  });
});

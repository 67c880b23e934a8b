/**
 * Reference conformance of the LSTM cases (shared/fixtures/README.md): relevance at the embedding
 * output must match the published numpy LRP-for-LSTM code of Arras et al. within
 * max|R − R_ref| ≤ 1e-4·max|R_ref| + 1e-7.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, runConformance, type ConformanceSummary } from '@xai/core';
import { registerLstmPlugin } from '../src/index.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/reference', import.meta.url));

describe('reference conformance of the LSTM cases', () => {
  let summary: ConformanceSummary;
  const lines: string[] = [];

  beforeAll(async () => {
    expect(existsSync(FIXTURES), `reference fixtures missing at ${FIXTURES}`).toBe(true);
    await initBackend();
    registerLstmPlugin();
    summary = await runConformance(FIXTURES, { cases: 'lstm,lstm_bidi', log: (l) => lines.push(l) });
  });

  it('covers both cases', () => {
    expect(new Set(summary.lines.map((l) => l.caseName))).toEqual(new Set(['lstm', 'lstm_bidi']));
    expect(summary.lines.length).toBeGreaterThanOrEqual(2);
  });

  it('matches the reference numbers within the fixtures tolerance', () => {
    console.log(lines.join('\n'));
    const failed = summary.lines.filter((l) => !l.ok).map((l) => `${l.caseName} ${l.method} rel_err=${l.relErr} ${l.reason ?? ''}`);
    expect(failed).toEqual([]);
    expect(summary.failed).toBe(0);
  });
});

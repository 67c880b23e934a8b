/**
 * The fuzz suite in `npm test`: every parser gets seeded mutations of the committed demo files and
 * must answer each with a result or a typed error (XaiError), within 5 s and 256 MB of growth, with
 * no tensor left behind. XAI_FUZZ_RUNS overrides the number of inputs per parser; the table is
 * printed (and written to XAI_FUZZ_REPORT when set). Long runs: `npm run fuzz` at the root.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badCount, formatFailures, formatTable, fuzzTargets, DEFAULT_OPTIONS, type TargetReport } from '../src/harness.js';
import { TARGET_NAMES, type TargetName } from '../src/targets.js';

/**
 * Inputs per parser in `npm test` (11,900 in all, one to two minutes on two cores): fewer where one
 * input costs more (a model load ~25 ms, the 1 MB demo EDF ~20 ms).
 */
const RUNS: Record<TargetName, number> = {
  model: 600, png: 1000, jpeg: 1000, npy: 1500, gif: 1500, edf: 600, bdf: 1000, brainvision: 1200, nifti: 1200, 'nifti-gz': 1000, wav: 1300,
};
const runsOf = (t: TargetName) => (process.env.XAI_FUZZ_RUNS ? Number(process.env.XAI_FUZZ_RUNS) : RUNS[t]);

let reports: TargetReport[] = [];

beforeAll(async () => {
  reports = await fuzzTargets(TARGET_NAMES, runsOf, { jobs: 2 });
}, 15 * 60_000);

afterAll(() => {
  const text = `Fuzz (seed ${DEFAULT_OPTIONS.seed})\n\n${formatTable(reports)}\n`;
  console.log(text);
  if (process.env.XAI_FUZZ_REPORT) writeFileSync(process.env.XAI_FUZZ_REPORT, text);
});

describe('fuzzing every parser with mutated demo files', () => {
  it.each(TARGET_NAMES)('%s: only results and typed errors, no hang, no memory blow-up, no leak', (target) => {
    const report = reports.find((r) => r.target === target)!;
    expect(report.inputs).toBe(runsOf(target));
    expect(formatFailures([report], DEFAULT_OPTIONS.seed)).toBe('');
    expect(badCount(report)).toBe(0);
  });
});

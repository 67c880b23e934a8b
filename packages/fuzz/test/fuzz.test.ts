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

/** Inputs per parser in `npm test` (about a minute in all on two cores): fewer for the model loader, whose inputs cost ~25 ms each. */
const RUNS: Record<TargetName, number> = {
  model: 800, png: 2000, jpeg: 2000, npy: 2000, gif: 2000, edf: 1500, bdf: 2000, brainvision: 2000, nifti: 2000, 'nifti-gz': 1500, wav: 2000,
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

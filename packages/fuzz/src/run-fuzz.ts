/**
 * `npm run fuzz`: long runs of every parser. XAI_FUZZ_RUNS inputs per parser (default 10,000),
 * XAI_FUZZ_SEED (default 15), XAI_FUZZ_TARGETS (comma-separated names, default all),
 * XAI_FUZZ_TIMEOUT_MS (default 5000), XAI_FUZZ_MAX_MB (default 256), XAI_FUZZ_JOBS (parsers
 * fuzzed at once, default 2), XAI_FUZZ_REPORT (a file for the
 * Markdown table and failures). Exits 1 when any input crashed, hung, blew memory up or leaked.
 */
import { writeFileSync } from 'node:fs';
import { badCount, DEFAULT_OPTIONS, formatFailures, formatTable, fuzzTargets, type TargetReport } from './harness.js';
import { TARGET_NAMES, type TargetName } from './targets.js';

const env = process.env;
const runs = Number(env.XAI_FUZZ_RUNS ?? 10_000);
const seed = Number(env.XAI_FUZZ_SEED ?? DEFAULT_OPTIONS.seed);
const timeoutMs = Number(env.XAI_FUZZ_TIMEOUT_MS ?? DEFAULT_OPTIONS.timeoutMs);
const maxGrowthMb = Number(env.XAI_FUZZ_MAX_MB ?? DEFAULT_OPTIONS.maxGrowthMb);
const targets = (env.XAI_FUZZ_TARGETS ? env.XAI_FUZZ_TARGETS.split(',').map((s) => s.trim()) : [...TARGET_NAMES]) as TargetName[];
const unknown = targets.filter((t) => !(TARGET_NAMES as readonly string[]).includes(t));
if (unknown.length > 0) {
  console.error(`unknown fuzz target(s) ${unknown.join(', ')}; known: ${TARGET_NAMES.join(', ')}`);
  process.exit(2);
}

const jobs = Number(env.XAI_FUZZ_JOBS ?? 2);
const reports: TargetReport[] = await fuzzTargets(targets, () => runs, {
  seed, timeoutMs, maxGrowthMb, jobs,
  onReport: (r) => console.log(`${r.target}: ${r.inputs} inputs in ${r.seconds.toFixed(0)} s, ${badCount(r)} bad`),
});
const text = `Fuzz: ${runs} inputs per parser, seed ${seed}, ${timeoutMs} ms and ${maxGrowthMb} MB per input\n\n${formatTable(reports)}\n\n${formatFailures(reports, seed)}\n`;
console.log(`\n${text}`);
if (env.XAI_FUZZ_REPORT) writeFileSync(env.XAI_FUZZ_REPORT, text);
process.exit(reports.some((r) => badCount(r) > 0) ? 1 : 0);

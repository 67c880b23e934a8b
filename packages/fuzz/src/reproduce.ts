/**
 * `npx tsx src/reproduce.ts <parser> <index> [seed] [dir]`: writes the files of fuzz input #index
 * (as `npm run fuzz` numbers them for that seed) into dir (default ./fuzz-input), to debug a failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DEFAULT_OPTIONS } from './harness.js';
import { applyMutation, mutations } from './mutate.js';
import { seedsFor } from './seeds.js';
import { TARGET_NAMES, type TargetName } from './targets.js';

const [target, indexText, seedText, dir = 'fuzz-input'] = process.argv.slice(2);
if (!target || !(TARGET_NAMES as readonly string[]).includes(target) || indexText === undefined) {
  console.error(`usage: reproduce.ts <${TARGET_NAMES.join('|')}> <index> [seed] [dir]`);
  process.exit(2);
}
const index = Number(indexText);
const seed = seedText ? Number(seedText) : DEFAULT_OPTIONS.seed;
const seeds = seedsFor(target as TargetName);
const space = { seeds: seeds.length, files: Math.max(...seeds.map((s) => s.files.length)), json: target === 'model' };
const mutation = fc.sample(mutations(space), { seed, numRuns: index + 1 })[index]!;
mkdirSync(dir, { recursive: true });
for (const f of applyMutation(seeds, mutation)) writeFileSync(join(dir, f.name), f.bytes);
console.log(`${target} #${index} (seed ${seed}) from ${seeds[mutation.seed]!.label}: ${JSON.stringify(mutation)} → ${dir}`);

/**
 * Writes the train and held-out splits of the generated sentiment corpus (text-make-corpus.ts) as
 * JSON for text-transformer-train.py (Python cannot run the generator). Run by hand:
 *
 *   npx tsx packages/modalities/scripts/text-transformer-corpus.ts [/tmp/xai-text-transformer/corpus.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { corpusSplits } from './text-make-corpus.js';

const out = process.argv[2] ?? '/tmp/xai-text-transformer/corpus.json';
const { train, heldout } = corpusSplits();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ train, heldout }));
console.log(`${out}: ${train.length} train, ${heldout.length} held-out sentences`);

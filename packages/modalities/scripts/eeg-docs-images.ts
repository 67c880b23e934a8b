/**
 * Writes the README pictures of the EEG modality to docs/images/eeg-*.png (repository root): the
 * shipped demo model explains the first target epoch of the demo recording with the ground-truth
 * LRP configuration, through the adapter (the same artefacts `explainInput` returns).
 *
 *   npx tsx packages/modalities/scripts/eeg-docs-images.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '@xai/core';
import { EEG_DEMO_CLASSES, EEG_DEMO_INPUTS, EEG_DEMO_LRP, EEG_DEMO_MODELS } from '../src/eeg/demo.js';
import { eegAdapter } from '../src/eeg/eeg-adapter.js';
import { PLANTED_P300, relevanceShare } from '../src/eeg/synthetic.js';
import { explainInput } from '../src/explain-input.js';

const OUT = fileURLToPath(new URL('../../../docs/images/', import.meta.url));
const PICTURES: Record<string, string> = {
  'relevance-channel-time.png': 'eeg-channel-time.png',
  'topomap.png': 'eeg-topomap.png',
  'topomap-series.png': 'eeg-topomap-series.png',
  'relevance-channels.png': 'eeg-channels.png',
  'relevance-bands.png': 'eeg-bands.png',
};

const model = await loadModel(EEG_DEMO_MODELS[0]!.path);
const file = EEG_DEMO_INPUTS[0]!.files[0]!;
const files = [{ name: basename(file), bytes: new Uint8Array(readFileSync(file)) }];
mkdirSync(OUT, { recursive: true });
// Explain every target; picture the correctly classified one whose share is closest to the mean.
const runs: { i: number; share: number; out: Awaited<ReturnType<typeof explainInput>> }[] = [];
for (let i = 0; i < 1000; i++) {
  let out;
  try {
    out = await explainInput(model, eegAdapter, files, {
      ...EEG_DEMO_LRP, target: 1, classNames: EEG_DEMO_CLASSES,
      decodeOptions: { preset: 'demo', event: 'stimulus/target', eventIndex: i }, renderOptions: { topoWindow: [...PLANTED_P300.window] },
    });
  } catch {
    break; // no more targets
  }
  if (out.logits[1]! <= out.logits[0]!) continue;
  const json = JSON.parse(new TextDecoder().decode(out.artefacts.find((a) => a.name === 'relevance.json')!.bytes));
  runs.push({ i, share: relevanceShare(json.values, json.channels, json.sampleRate, json.tmin), out });
}
const mean = runs.reduce((a, r) => a + r.share, 0) / runs.length;
const pick = runs.reduce((best, r) => (Math.abs(r.share - mean) < Math.abs(best.share - mean) ? r : best));
for (const a of pick.out.artefacts) {
  const name = PICTURES[a.name];
  if (name) writeFileSync(join(OUT, name), a.bytes);
}
writeFileSync(join(OUT, 'eeg-input.png'), (await eegAdapter.preview(pick.out.decoded)).bytes);
console.log(`${runs.length} correctly classified targets, mean share ${mean.toFixed(3)}; pictured: target #${pick.i} (onset ${String(pick.out.decoded.metadata.eventOnset)} s, logits ${pick.out.logits.map((v) => v.toFixed(2)).join(', ')}), share ${pick.share.toFixed(3)}`);
console.log(`wrote ${Object.values(PICTURES).join(', ')}, eeg-input.png to ${OUT}`);
model.dispose();

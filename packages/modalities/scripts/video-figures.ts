/**
 * The video section's numbers and pictures (run by hand, niced; nothing here trains):
 *
 *   nice npx tsx packages/modalities/scripts/video-figures.ts table [clips]   ground-truth table: every demo model × method
 *   nice npx tsx packages/modalities/scripts/video-figures.ts images          docs/images/video-*.png from the demo inputs
 *
 * The table measures, on held-out clips (seed 5) classified correctly, the share of the temporal
 * relevance (|r_t|, r_t = Σ R of frame t) and of Σ |R| in the frames where the event happens (see
 * src/video/ground-truth.ts); mean, worst clip, ms per clip.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend, loadModel, type ExplainRequest } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import { explainInput } from '../src/explain-input.js';
import { VIDEO_DEMO_FILES, videoDemoModelPath, VIDEO_DEMO_PAIRS } from '../src/video/demo.js';
import { temporalGroundTruth } from '../src/video/ground-truth.js';
import { CLIP_CLASSES } from '../src/video/synthetic-clips.js';
import { videoAdapter } from '../src/video/video-adapter.js';

const METHODS: [string, ExplainRequest][] = [
  ['LRP epsilon_plus', { method: 'lrp', composite: 'epsilon_plus' }],
  ['LRP epsilon_plus_flat', { method: 'lrp', composite: 'epsilon_plus_flat' }],
  ['LRP epsilon_alpha2_beta1', { method: 'lrp', composite: 'epsilon_alpha2_beta1' }],
  ['LRP ε = 0.01 (all layers)', { method: 'lrp', rule: 'epsilon', epsilon: 0.01 }],
  ['gradient × input', { method: 'gradient_x_input' }],
  ['integrated gradients (8 steps)', { method: 'integrated_gradients', steps: 8 }],
  ['gradient (sensitivity)', { method: 'gradient' }],
];

const IMAGES = fileURLToPath(new URL('../../../docs/images/', import.meta.url));
const file = (path: string) => ({ name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(path)) });

async function table(count: number) {
  const rows: string[] = [];
  for (const { task, arch } of VIDEO_DEMO_PAIRS) {
    const model = await loadModel(videoDemoModelPath(task, arch));
    for (const [name, request] of METHODS) {
      const r = await temporalGroundTruth(model, task, count, request);
      const line = `| ${task} | ${arch} | ${name} | ${r.correct}/${r.clips} | ${r.mean.toFixed(3)} (worst ${r.worst.toFixed(3)}) | ${r.absMean.toFixed(3)} (worst ${r.absWorst.toFixed(3)}) | ${r.uniform.toFixed(3)} | ${Math.round(r.msPerClip)} |`;
      console.log(line);
      rows.push(line);
    }
  }
  console.log(['| task | model | method | correct | share of Σ|r_t| in event frames | share of Σ|R| | uniform | ms/clip |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n'));
}

async function images() {
  const cases = [
    { task: 'motion', arch: 'conv3d', input: VIDEO_DEMO_FILES.motion.mp4 },
    { task: 'flash', arch: 'cnn-lstm', input: VIDEO_DEMO_FILES.flash.mp4 },
  ] as const;
  for (const { task, arch, input } of cases) {
    const model = await loadModel(videoDemoModelPath(task, arch));
    const out = await explainInput(model, videoAdapter, [file(input)], { method: 'lrp', composite: 'epsilon_plus', classNames: CLIP_CLASSES[task] });
    for (const a of out.artefacts) {
      if (a.name === 'contact-sheet.png') writeFileSync(`${IMAGES}video-contact-sheet-${task}-${arch}.png`, a.bytes);
      if (a.name === 'temporal-relevance.png') writeFileSync(`${IMAGES}video-temporal-${task}-${arch}.png`, a.bytes);
    }
    console.log(`${task}/${arch} on ${input.split('/').pop()}: ${CLIP_CLASSES[task][out.target]} (logits ${out.logits.map((l) => l.toFixed(2)).join(', ')})`);
  }
}

await initBackend();
registerLstmPlugin();
const [what = 'table', count = '16'] = process.argv.slice(2);
if (what === 'table') await table(Number(count));
else if (what === 'images') await images();
else throw new Error(`usage: video-figures.ts [table [clips]|images], got '${what}'`);

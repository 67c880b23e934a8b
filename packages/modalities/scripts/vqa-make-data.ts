/**
 * Writes the VQA demo inputs: for each question family, one generated scene as a PNG and its
 * question as `<family>.vqa.json` (question, image, scene, program, answer — the scene and program
 * give the adapter the ground truth). Training and held-out data are not written: scripts and tests
 * regenerate them from the seeds in src/vqa/splits.ts.
 *
 *   npx tsx packages/modalities/scripts/vqa-make-data.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '@xai/core';
import { generateDataset } from '../src/vqa/dataset.js';
import { VQA_DEMO_DIR } from '../src/vqa/demo.js';
import { QUESTION_FAMILIES } from '../src/vqa/questions.js';
import { toRgba } from '../src/vqa/rasterise.js';

/** A seed apart from the training and held-out seeds. */
const DEMO_SEED = 7070;

const data = generateDataset(DEMO_SEED, { scenes: 60, questionsPerScene: 4 });
const dir = join(VQA_DEMO_DIR, 'inputs');
mkdirSync(dir, { recursive: true });
for (const family of QUESTION_FAMILIES) {
  // A question whose GT-single is not empty (an exist or count question answered 'no' / 0 has none).
  const example = data.examples.find((e) => e.question.family === family && e.groundTruth.single.length > 0);
  if (!example) throw new Error(`no ${family} question with a ground-truth object among the demo scenes`);
  const scene = data.scenes[example.scene]!;
  const rendered = data.rendered[example.scene]!;
  writeFileSync(join(dir, `${family}.png`), encodePng({ rgba: toRgba(rendered), width: rendered.width, height: rendered.height }));
  writeFileSync(join(dir, `${family}.vqa.json`), JSON.stringify({
    question: example.question.text,
    image: `${family}.png`,
    answer: example.question.answer,
    scene,
    program: example.question.program,
  }, null, 2) + '\n');
  console.log(`${family}: ${example.question.text} → ${example.question.answer}`);
}

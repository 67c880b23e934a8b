/**
 * The shipped VQA demo: the model trained by `scripts/vqa-train.ts` and one generated scene and
 * question per question family written by `scripts/vqa-make-data.ts`, under demo/vqa/.
 */
import { fileURLToPath } from 'node:url';
import type { DemoInput, DemoModel } from '../adapter.js';
import { ANSWERS } from './answers.js';
import { QUESTION_FAMILIES } from './questions.js';

export const VQA_DEMO_DIR = fileURLToPath(new URL('../../demo/vqa/', import.meta.url));
const at = (path: string) => fileURLToPath(new URL(`../../demo/vqa/${path}`, import.meta.url));

/** image [48, 48, 3] + question ids [14] → 18 answers (CNN + Embedding/LSTM, concatenated, Dense). */
export const VQA_DEMO_MODEL = at('model/model.json');

/** Question file and image of each demo input, by question family. */
export const VQA_DEMO_FILES = Object.fromEntries(
  QUESTION_FAMILIES.map((family) => [family, { question: at(`inputs/${family}.vqa.json`), image: at(`inputs/${family}.png`) }]),
) as Record<(typeof QUESTION_FAMILIES)[number], { question: string; image: string }>;

export const vqaDemoModels: DemoModel[] = [
  { name: 'vqa-cnn-lstm', path: VQA_DEMO_MODEL, description: 'CLEVR-style VQA on generated 48×48 scenes: CNN image encoder + Embedding/LSTM question encoder, concatenated, Dense answer classifier', classNames: ANSWERS },
];

export const vqaDemoInputs: DemoInput[] = QUESTION_FAMILIES.map((family) => ({
  name: `vqa-${family.replace('_', '-')}`,
  files: [VQA_DEMO_FILES[family].question, VQA_DEMO_FILES[family].image],
  description: `a generated scene with a ${family.replace('_', ' ')} question (ground truth included)`,
  model: 'vqa-cnn-lstm',
}));

/**
 * How much of the VQA demo can be answered without looking: for each held-out question, the answer
 * most often given to the same question text in the training split (the overall majority answer
 * when the text never occurs there). No model; the gap between this and the model's accuracy is
 * what the model takes from the image.
 *
 *   npx tsx packages/modalities/scripts/vqa-question-only-baseline.ts
 */
import { generateDataset } from '../src/vqa/dataset.js';
import { VQA_SPLITS } from '../src/vqa/splits.js';

const train = generateDataset(VQA_SPLITS.train.seed, VQA_SPLITS.train);
const heldout = generateDataset(VQA_SPLITS.heldout.seed, VQA_SPLITS.heldout);

const answersByText = new Map<string, Map<number, number>>();
const overall = new Map<number, number>();
for (const e of train.examples) {
  const counts = answersByText.get(e.question.text) ?? new Map<number, number>();
  counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  answersByText.set(e.question.text, counts);
  overall.set(e.label, (overall.get(e.label) ?? 0) + 1);
}
const mostCommon = (counts: Map<number, number>) => [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
const fallback = mostCommon(overall);

const right = new Map<string, [number, number]>();
let correct = 0;
let unseen = 0;
for (const e of heldout.examples) {
  const counts = answersByText.get(e.question.text);
  if (!counts) unseen++;
  const ok = (counts ? mostCommon(counts) : fallback) === e.label;
  correct += ok ? 1 : 0;
  const [c, t] = right.get(e.question.family) ?? [0, 0];
  right.set(e.question.family, [c + (ok ? 1 : 0), t + 1]);
}
console.log(`question-only baseline: ${(100 * correct / heldout.examples.length).toFixed(1)} % of ${heldout.examples.length} held-out questions (${unseen} texts unseen in training)`);
for (const [family, [c, t]] of [...right].sort()) console.log(`  ${family}: ${(100 * c / t).toFixed(1)} % of ${t}`);

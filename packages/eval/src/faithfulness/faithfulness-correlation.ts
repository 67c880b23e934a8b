import type { ObjectSchema } from '@xai/core';
import { evaluateRows, type BatchOptions } from '../data/evaluate-rows.js';
import { asPredict, targetScore, type ModelLike, type OutputScore } from '../data/predict.js';
import { checkSamples, type AttributedSamples } from '../data/samples.js';
import { deriveSeed, seededRandom } from '../random/seeded.js';
import type { MetricDefinition } from '../registry/metric.js';
import { pearson } from '../stats/pearson.js';
import { perturbationSchema, replacementValues, type Perturbation } from './perturbation.js';

export interface FaithfulnessCorrelationOptions extends BatchOptions {
  /** |S|: positions per random subset (default 128, at most all positions but one). */
  readonly subsetSize?: number;
  /** Random subsets per sample (default 100). */
  readonly runs?: number;
  /** The baseline x̄ the subset is set to (default the constant 0). */
  readonly perturbation?: Perturbation;
  readonly output?: OutputScore;
  readonly seed?: number;
}

export interface FaithfulnessCorrelationResult {
  /** Pearson correlation per sample (NaN when either side is constant over the runs). */
  readonly scores: number[];
}

/**
 * Faithfulness correlation (Bhatt, Weller & Moura 2020, "Evaluating and aggregating feature-based
 * model explanations", IJCAI):
 *
 *   μ_F = corr_{S ⊂ positions, |S| fixed} ( Σ_{i∈S} g(f, x)_i , f(x) − f(x_{[x_S = x̄_S]}) )
 *
 * with Pearson's correlation over random subsets S (seeded). A subset is a set of positions with
 * all their channels; the attribution of S sums its relevance over positions and channels. Higher
 * is better. Every perturbed input is evaluated in model batches.
 */
export async function faithfulnessCorrelation(model: ModelLike, data: AttributedSamples, options: FaithfulnessCorrelationOptions = {}): Promise<FaithfulnessCorrelationResult> {
  const { layout, count } = checkSamples(data);
  const runs = options.runs ?? 100;
  const size = Math.max(1, Math.min(options.subsetSize ?? 128, layout.positions - 1));
  const seed = options.seed ?? 0;
  const perturbation = options.perturbation ?? { kind: 'constant', value: 0 };
  const C = layout.channels;
  const rowsPer = runs + 1;
  const subsets: Int32Array[][] = [];
  const attributed: Float64Array[] = [];
  const replacements: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const random = seededRandom(deriveSeed(seed, 'subsets', i));
    const all = Int32Array.from({ length: layout.positions }, (_, p) => p);
    const list: Int32Array[] = [];
    const sums = new Float64Array(runs);
    for (let r = 0; r < runs; r++) {
      // Partial Fisher–Yates: the first `size` entries become a uniform random subset.
      for (let k = 0; k < size; k++) {
        const j = k + random.int(layout.positions - k);
        const t = all[k]!;
        all[k] = all[j]!;
        all[j] = t;
      }
      const subset = all.slice(0, size);
      list.push(subset);
      let s = 0;
      for (const p of subset) for (let c = 0; c < C; c++) s += data.relevance[i * layout.size + p * C + c]!;
      sums[r] = s;
    }
    subsets.push(list);
    attributed.push(sums);
    const x = data.inputs.subarray(i * layout.size, (i + 1) * layout.size);
    replacements.push(replacementValues(x, layout, perturbation, seededRandom(deriveSeed(seed, 'replacement', i))));
  }
  const outputs = Array.from({ length: count }, () => new Float64Array(rowsPer));
  await evaluateRows(
    asPredict(model),
    {
      rows: count * rowsPer,
      rowSize: layout.size,
      target: (row) => data.targets[Math.floor(row / rowsPer)]!,
      fill(row, into) {
        const i = Math.floor(row / rowsPer);
        const r = row % rowsPer;
        into.set(data.inputs.subarray(i * layout.size, (i + 1) * layout.size));
        if (r === 0) return;
        for (const p of subsets[i]![r - 1]!) for (let c = 0; c < C; c++) into[p * C + c] = replacements[i]![p * C + c]!;
      },
      read(row, logits, offset, classes) {
        const i = Math.floor(row / rowsPer);
        outputs[i]![row % rowsPer] = targetScore(logits, offset, classes, data.targets[i]!, options.output ?? 'logit');
      },
    },
    options,
  );
  const scores = outputs.map((f, i) => pearson(attributed[i]!, Float64Array.from({ length: runs }, (_, r) => f[0]! - f[r + 1]!)));
  return { scores };
}

const OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    subsetSize: { type: 'integer', minimum: 1, default: 128, description: '|S|, positions per random subset' },
    runs: { type: 'integer', minimum: 2, default: 100, description: 'random subsets per sample' },
    perturbation: perturbationSchema({ kind: 'constant', value: 0 }, 'the baseline x̄ a subset is set to'),
    output: { type: 'string', enum: ['logit', 'probability'], default: 'logit', description: 'f: target logit or softmax probability' },
  },
};

export const faithfulnessCorrelationMetric: MetricDefinition = {
  name: 'faithfulness_correlation',
  category: 'faithfulness',
  description: 'Pearson correlation between the relevance of random subsets and the output drop when they are removed (higher is better)',
  reference: 'Bhatt, Weller & Moura 2020, IJCAI 3016–3022',
  direction: 'higher',
  requires: [],
  options: OPTIONS,
  async run(ctx, o) {
    return faithfulnessCorrelation(ctx.predict, ctx, { ...(o as FaithfulnessCorrelationOptions), seed: ctx.seed, batchSize: ctx.batchSize, onProgress: ctx.onProgress, signal: ctx.signal });
  },
};

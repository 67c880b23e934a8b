import type { Layout } from '../data/layout.js';
import { evaluateRows, type BatchOptions } from '../data/evaluate-rows.js';
import { argMaxRow, targetScore, type OutputScore, type PredictFn } from '../data/predict.js';

/** One cumulative perturbation run of one sample. */
export interface CurveSpec {
  /** Index of the sample in the inputs. */
  readonly sample: number;
  readonly target: number;
  /** Replacement values of every element (see replacementValues). */
  readonly replacement: Float32Array;
  /** Positions perturbed at step k = 1, 2 …; step k keeps all earlier steps' changes. */
  readonly steps: readonly ArrayLike<number>[];
}

export interface CurveOutcome {
  /** Per spec: the target's score at steps 0..steps.length (0 = unperturbed). */
  readonly scores: number[][];
  /** Per spec: the arg-max class at each step. */
  readonly predicted: number[][];
}

/**
 * Evaluates cumulative perturbation runs in batches: all runs' steps are laid out as rows and sent
 * through the model `batchSize` rows at a time, each row built from the previous one of its run.
 */
export async function perturbationCurves(
  predict: PredictFn,
  inputs: Float32Array,
  layout: Layout,
  specs: readonly CurveSpec[],
  score: OutputScore,
  options: BatchOptions = {},
): Promise<CurveOutcome> {
  const rowOf: [number, number][] = [];
  specs.forEach((s, i) => {
    for (let k = 0; k <= s.steps.length; k++) rowOf.push([i, k]);
  });
  const scores = specs.map((s) => new Array<number>(s.steps.length + 1).fill(NaN));
  const predicted = specs.map((s) => new Array<number>(s.steps.length + 1).fill(-1));
  const { size, channels: C } = layout;
  const working = new Float32Array(size);
  await evaluateRows(
    predict,
    {
      rows: rowOf.length,
      rowSize: size,
      target: (r) => specs[rowOf[r]![0]]!.target,
      fill(r, into) {
        const [i, k] = rowOf[r]!;
        const spec = specs[i]!;
        if (k === 0) {
          working.set(inputs.subarray(spec.sample * size, (spec.sample + 1) * size));
        } else {
          const positions = spec.steps[k - 1]!;
          for (let j = 0; j < positions.length; j++) {
            const o = positions[j]! * C;
            for (let c = 0; c < C; c++) working[o + c] = spec.replacement[o + c]!;
          }
        }
        into.set(working);
      },
      read(r, logits, offset, classes) {
        const [i, k] = rowOf[r]!;
        scores[i]![k] = targetScore(logits, offset, classes, specs[i]!.target, score);
        predicted[i]![k] = argMaxRow(logits, offset, classes);
      },
    },
    options,
  );
  return { scores, predicted };
}

/** Pads each curve with its last value to `length` (perturbing nothing more changes nothing). */
export function padCurves(curves: readonly number[][], length: number): number[][] {
  return curves.map((c) => (c.length >= length ? c.slice(0, length) : [...c, ...new Array<number>(length - c.length).fill(c[c.length - 1]!)]));
}

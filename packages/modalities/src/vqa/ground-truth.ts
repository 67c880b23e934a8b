/**
 * Ground truth from a question's program, as in CLEVR-XAI (Arras, Osman & Samek 2022):
 * GT-single holds the objects the answer is about — the queried object(s) of a query or compare
 * question, the filtered set whose size or emptiness a count or exist question asks — and GT-all
 * every object any step of the program touched on the way (the output of every filter, unique and
 * answer input, but not the `scene` step, which would be everything).
 */
import { inputsOf, type Execution, type Program } from './program.js';
import type { StepValue } from './program.js';

const objectsOf = (v: StepValue): number[] => (v.kind === 'set' ? [...v.objects] : v.kind === 'object' ? [v.object] : []);

export interface GroundTruthObjects {
  /** Object indices (scene order) of GT-single. */
  readonly single: number[];
  /** Object indices of GT-all (a superset of GT-single). */
  readonly all: number[];
}

export function groundTruthObjects(program: Program, execution: Execution): GroundTruthObjects {
  const last = program.length - 1;
  const single = new Set(inputsOf(program[last]!).flatMap((i) => objectsOf(execution.values[i]!)));
  const all = new Set<number>(single);
  program.forEach((step, i) => {
    if (step.fn !== 'scene') objectsOf(execution.values[i]!).forEach((o) => all.add(o));
  });
  const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return { single: sorted(single), all: sorted(all) };
}

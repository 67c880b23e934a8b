import { COLOURS, SHAPES, SIZES } from './scene.js';

/** Largest count a question can have as its answer (scenes hold at most this many objects). */
export const MAX_COUNT = 6;

/** The answer classes, by model output index. */
export const ANSWERS: readonly string[] = [...COLOURS, ...SHAPES, ...SIZES, 'yes', 'no', ...Array.from({ length: MAX_COUNT + 1 }, (_, n) => String(n))];

/** The output index of an answer. */
export function answerIndex(answer: string): number {
  const i = ANSWERS.indexOf(answer);
  if (i < 0) throw new RangeError(`'${answer}' is not one of the ${ANSWERS.length} answers`);
  return i;
}

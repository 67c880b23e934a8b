/**
 * Question templates (CLEVR style): each family writes a question in a small fixed grammar together
 * with its functional program; the answer comes from executing the program on the scene.
 */
import { executeProgram, type FilterStep, type Program, type ProgramStep } from './program.js';
import { attributeOf, VALUES, type Attribute, type Scene } from './scene.js';

export const QUESTION_FAMILIES = ['query_colour', 'query_shape', 'query_size', 'exist', 'count', 'equal_count', 'same_colour'] as const;
export type QuestionFamily = (typeof QUESTION_FAMILIES)[number];

export interface Question {
  readonly family: QuestionFamily;
  readonly text: string;
  readonly program: Program;
  readonly answer: string;
}

/** A noun phrase: the attribute values it filters by (size, colour, shape — CLEVR's order). */
export type Description = Partial<Record<Attribute, string>>;

const FILTER_ORDER: readonly Attribute[] = ['size', 'colour', 'shape'];
const FILTER_FN: Readonly<Record<Attribute, FilterStep['fn']>> = { size: 'filter_size', colour: 'filter_colour', shape: 'filter_shape' };

/** "large red square", "small object"; plural "large red squares", "objects". */
export function nounPhrase(d: Description, plural = false): string {
  const noun = d.shape ?? 'object';
  return [d.size, d.colour, plural ? `${noun}s` : noun].filter(Boolean).join(' ');
}

/** Appends scene → filters of a description to `program`; returns the index of the filtered set. */
function appendFilters(program: ProgramStep[], d: Description): number {
  program.push({ fn: 'scene' });
  for (const attribute of FILTER_ORDER) {
    const value = d[attribute];
    if (value !== undefined) program.push({ fn: FILTER_FN[attribute], input: program.length - 1, value });
  }
  return program.length - 1;
}

/** Programs of each family, from the descriptions the question mentions. */
export const programs = {
  query(attribute: Attribute, d: Description): Program {
    const p: ProgramStep[] = [];
    const set = appendFilters(p, d);
    p.push({ fn: 'unique', input: set });
    p.push({ fn: `query_${attribute}`, input: p.length - 1 });
    return p;
  },
  exist(d: Description): Program {
    const p: ProgramStep[] = [];
    p.push({ fn: 'exist', input: appendFilters(p, d) });
    return p;
  },
  count(d: Description): Program {
    const p: ProgramStep[] = [];
    p.push({ fn: 'count', input: appendFilters(p, d) });
    return p;
  },
  equalCount(a: Description, b: Description): Program {
    const p: ProgramStep[] = [];
    const first = appendFilters(p, a);
    const second = appendFilters(p, b);
    p.push({ fn: 'equal_count', inputs: [first, second] });
    return p;
  },
  sameColour(a: Description, b: Description): Program {
    const p: ProgramStep[] = [];
    p.push({ fn: 'unique', input: appendFilters(p, a) });
    const first = p.length - 1;
    p.push({ fn: 'unique', input: appendFilters(p, b) });
    p.push({ fn: 'same_colour', inputs: [first, p.length - 1] });
    return p;
  },
};

/** The question text of a family. */
export const texts = {
  query: (attribute: Attribute, d: Description) => `what ${attribute} is the ${nounPhrase(d)} ?`,
  exist: (d: Description) => `is there a ${nounPhrase(d)} ?`,
  count: (d: Description) => `how many ${nounPhrase(d, true)} are there ?`,
  equalCount: (a: Description, b: Description) => `are there as many ${nounPhrase(a, true)} as ${nounPhrase(b, true)} ?`,
  sameColour: (a: Description, b: Description) => `does the ${nounPhrase(a)} have the same colour as the ${nounPhrase(b)} ?`,
};

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Non-empty subsets of some attributes. */
function subsets(attributes: readonly Attribute[]): Attribute[][] {
  const out: Attribute[][] = [];
  for (let m = 1; m < 1 << attributes.length; m++) out.push(attributes.filter((_, i) => m & (1 << i)));
  return out;
}

const describe = (scene: Scene, object: number, attributes: readonly Attribute[]): Description =>
  Object.fromEntries(attributes.map((a) => [a, attributeOf(scene.objects[object]!, a)]));

const matching = (scene: Scene, d: Description) =>
  scene.objects.filter((o) => (Object.keys(d) as Attribute[]).every((a) => attributeOf(o, a) === d[a])).length;

/** A description that picks out exactly `object`, using only `allowed` attributes; null if none does. */
function uniqueDescription(random: Random, scene: Scene, object: number, allowed: readonly Attribute[]): Description | null {
  const working = subsets(allowed).map((s) => describe(scene, object, s)).filter((d) => matching(scene, d) === 1);
  return working.length ? pick(random, working) : null;
}

/** A description of a random object's attributes (a set that is not empty) or random values (often empty). */
function randomDescription(random: Random, scene: Scene, attributes: readonly Attribute[]): Description {
  const chosen = pick(random, subsets(attributes));
  if (random() < 0.6) return describe(scene, Math.floor(random() * scene.objects.length), chosen);
  return Object.fromEntries(chosen.map((a) => [a, pick(random, VALUES[a])]));
}

const ALL: readonly Attribute[] = ['size', 'colour', 'shape'];
const without = (a: Attribute) => ALL.filter((b) => b !== a);

/** One attempt at a question of a family; null when the scene does not allow it. */
function attempt(random: Random, scene: Scene, family: QuestionFamily, wanted: string): Omit<Question, 'answer'> | null {
  switch (family) {
    case 'query_colour':
    case 'query_shape':
    case 'query_size': {
      const attribute = family.slice('query_'.length) as Attribute;
      const d = uniqueDescription(random, scene, Math.floor(random() * scene.objects.length), without(attribute));
      return d && { family, text: texts.query(attribute, d), program: programs.query(attribute, d) };
    }
    case 'exist': {
      const d = randomDescription(random, scene, ALL);
      return { family, text: texts.exist(d), program: programs.exist(d) };
    }
    case 'count': {
      const d = randomDescription(random, scene, ALL);
      return { family, text: texts.count(d), program: programs.count(d) };
    }
    case 'equal_count': {
      const a = randomDescription(random, scene, [pick(random, ALL)]);
      const b = randomDescription(random, scene, [pick(random, ALL)]);
      if (nounPhrase(a) === nounPhrase(b)) return null;
      return { family, text: texts.equalCount(a, b), program: programs.equalCount(a, b) };
    }
    case 'same_colour': {
      const first = Math.floor(random() * scene.objects.length);
      const second = Math.floor(random() * scene.objects.length);
      if (first === second) return null;
      // "yes" questions need two objects of one colour: look for a partner of the first's colour.
      const partner = wanted === 'yes' ? scene.objects.findIndex((o, i) => i !== first && o.colour === scene.objects[first]!.colour) : second;
      if (partner < 0) return null;
      const a = uniqueDescription(random, scene, first, without('colour'));
      const b = uniqueDescription(random, scene, partner, without('colour'));
      return a && b && { family, text: texts.sameColour(a, b), program: programs.sameColour(a, b) };
    }
  }
}

/**
 * A question of `family` about `scene`, or null when none fits in a few attempts. Yes/no families
 * aim at a yes or a no drawn at random (so both answers are about equally frequent); count
 * questions describe an existing object more often than not (so counts are not mostly zero).
 */
export function generateQuestion(random: Random, scene: Scene, family: QuestionFamily): Question | null {
  const yesNo = family === 'exist' || family === 'equal_count' || family === 'same_colour';
  const wanted = yesNo ? (random() < 0.5 ? 'yes' : 'no') : '';
  let fallback: Question | null = null;
  for (let tries = 0; tries < 30; tries++) {
    const q = attempt(random, scene, family, wanted);
    if (!q) continue;
    const question = { ...q, answer: executeProgram(q.program, scene).answer };
    if (!yesNo || question.answer === wanted) return question;
    fallback ??= question;
  }
  return fallback;
}

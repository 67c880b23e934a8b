/**
 * CLEVR-style functional programs (Johnson et al. 2017): a list of steps, each reading the outputs
 * of earlier steps by index. Executing one on a scene gives the answer and, per step, the objects it
 * touched — what the ground-truth masks are made of (ground-truth.ts).
 */
import { InvalidArgumentError } from '@xai/core';
import { attributeOf, VALUES, type Attribute, type Scene } from './scene.js';

export type FilterStep = { readonly fn: 'filter_shape' | 'filter_colour' | 'filter_size'; readonly input: number; readonly value: string };
export type ProgramStep =
  | { readonly fn: 'scene' }
  | FilterStep
  /** The single object of a set (the question is ill-posed otherwise). */
  | { readonly fn: 'unique'; readonly input: number }
  | { readonly fn: 'query_shape' | 'query_colour' | 'query_size'; readonly input: number }
  | { readonly fn: 'exist' | 'count'; readonly input: number }
  /** Do two sets hold as many objects? */
  | { readonly fn: 'equal_count'; readonly inputs: readonly [number, number] }
  /** Do two single objects share their colour? */
  | { readonly fn: 'same_colour'; readonly inputs: readonly [number, number] };

export type Program = readonly ProgramStep[];

/** What one step produced: a set of object indices, one object, or an answer. */
export type StepValue = { readonly kind: 'set'; readonly objects: readonly number[] } | { readonly kind: 'object'; readonly object: number } | { readonly kind: 'answer'; readonly answer: string };

export interface Execution {
  readonly answer: string;
  /** The output of every step, in program order. */
  readonly values: readonly StepValue[];
}

/** The program is not well-formed or not well-posed on this scene (e.g. `unique` of two objects). */
export class ProgramError extends InvalidArgumentError {}

const FILTERED: Readonly<Record<FilterStep['fn'], Attribute>> = { filter_shape: 'shape', filter_colour: 'colour', filter_size: 'size' };
const QUERIED: Readonly<Record<'query_shape' | 'query_colour' | 'query_size', Attribute>> = { query_shape: 'shape', query_colour: 'colour', query_size: 'size' };

/** The inputs of a step, as indices of earlier steps. */
export const inputsOf = (step: ProgramStep): readonly number[] => ('inputs' in step ? step.inputs : 'input' in step ? [step.input] : []);

/** Runs a program on a scene. The answer is the output of the last step. */
export function executeProgram(program: Program, scene: Scene): Execution {
  const values: StepValue[] = [];
  const read = (at: number, index: number, kind: StepValue['kind']): StepValue => {
    const v = values[index];
    if (!Number.isInteger(index) || index < 0 || index >= at || !v) throw new ProgramError(`program step ${at}: input ${index} is not an earlier step`);
    if (v.kind !== kind) throw new ProgramError(`program step ${at} (${program[at]!.fn}): input ${index} is ${v.kind === 'answer' ? 'an answer' : `a ${v.kind}`}, expected a ${kind}`);
    return v;
  };
  const setOf = (at: number, index: number) => (read(at, index, 'set') as Extract<StepValue, { kind: 'set' }>).objects;
  const objectOf = (at: number, index: number) => (read(at, index, 'object') as Extract<StepValue, { kind: 'object' }>).object;

  program.forEach((step, at) => {
    switch (step.fn) {
      case 'scene':
        values.push({ kind: 'set', objects: scene.objects.map((_, i) => i) });
        break;
      case 'filter_shape':
      case 'filter_colour':
      case 'filter_size': {
        const attribute = FILTERED[step.fn];
        if (!VALUES[attribute].includes(step.value)) throw new ProgramError(`program step ${at} (${step.fn}): unknown ${attribute} '${step.value}'`);
        values.push({ kind: 'set', objects: setOf(at, step.input).filter((i) => attributeOf(scene.objects[i]!, attribute) === step.value) });
        break;
      }
      case 'unique': {
        const set = setOf(at, step.input);
        if (set.length !== 1) throw new ProgramError(`program step ${at} (unique): the set holds ${set.length} objects, not one`);
        values.push({ kind: 'object', object: set[0]! });
        break;
      }
      case 'query_shape':
      case 'query_colour':
      case 'query_size':
        values.push({ kind: 'answer', answer: attributeOf(scene.objects[objectOf(at, step.input)]!, QUERIED[step.fn]) });
        break;
      case 'exist':
        values.push({ kind: 'answer', answer: setOf(at, step.input).length > 0 ? 'yes' : 'no' });
        break;
      case 'count':
        values.push({ kind: 'answer', answer: String(setOf(at, step.input).length) });
        break;
      case 'equal_count':
        values.push({ kind: 'answer', answer: setOf(at, step.inputs[0]).length === setOf(at, step.inputs[1]).length ? 'yes' : 'no' });
        break;
      case 'same_colour': {
        const [a, b] = step.inputs.map((i) => scene.objects[objectOf(at, i)]!);
        values.push({ kind: 'answer', answer: a!.colour === b!.colour ? 'yes' : 'no' });
        break;
      }
      default:
        throw new ProgramError(`program step ${at}: unknown function '${(step as { fn: string }).fn}'`);
    }
  });
  const last = values[values.length - 1];
  if (!last || last.kind !== 'answer') throw new ProgramError('the program does not end in an answer (query, exist, count or compare step)');
  return { answer: last.answer, values };
}

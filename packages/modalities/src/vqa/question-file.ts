/**
 * The question of a VQA input: a `.txt` file holding the question, or a `.json` file
 *
 *   { "question": "what colour is the large square ?", "image": "scene-01.png",
 *     "scene": { "width": 48, "height": 48, "objects": [{ "shape", "colour", "size", "x", "y" }, …] },
 *     "program": [{ "fn": "scene" }, { "fn": "filter_size", "input": 0, "value": "large" }, …],
 *     "answer": "red" }
 *
 * where only `question` is required. `image` names the image file it goes with; `scene` and
 * `program` (what scripts/vqa-make-data.ts writes for generated scenes) give the ground truth.
 */
import { extname } from 'node:path';
import type { InputFile } from '../adapter.js';
import type { Program, ProgramStep } from './program.js';
import { VALUES, type Scene, type SceneObject } from './scene.js';
import { InvalidVqaInputError } from './vqa-errors.js';

export interface QuestionInput {
  readonly file: string;
  readonly question: string;
  readonly image?: string;
  readonly scene?: Scene;
  readonly program?: Program;
  readonly answer?: string;
}

const PROGRAM_FUNCTIONS = new Set(['scene', 'filter_shape', 'filter_colour', 'filter_size', 'unique', 'query_shape', 'query_colour', 'query_size', 'exist', 'count', 'equal_count', 'same_colour']);

function utf8(file: InputFile): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
  } catch {
    throw new InvalidVqaInputError(file.name, 'not UTF-8 text');
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function sceneOf(file: string, value: unknown): Scene {
  if (!isRecord(value)) throw new InvalidVqaInputError(file, "'scene' must be an object { width, height, objects }");
  const { width, height, objects } = value;
  if (!Number.isInteger(width) || !Number.isInteger(height) || (width as number) < 1 || (height as number) < 1) {
    throw new InvalidVqaInputError(file, "'scene.width' and 'scene.height' must be positive integers");
  }
  if (!Array.isArray(objects)) throw new InvalidVqaInputError(file, "'scene.objects' must be a list");
  const parsed = objects.map((o, i): SceneObject => {
    const at = `scene.objects[${i}]`;
    if (!isRecord(o)) throw new InvalidVqaInputError(file, `'${at}' must be an object`);
    for (const attribute of ['shape', 'colour', 'size'] as const) {
      if (!VALUES[attribute].includes(o[attribute] as string)) throw new InvalidVqaInputError(file, `'${at}.${attribute}' must be one of ${VALUES[attribute].join(', ')}, got ${JSON.stringify(o[attribute])}`);
    }
    for (const axis of ['x', 'y'] as const) {
      if (typeof o[axis] !== 'number' || !Number.isFinite(o[axis])) throw new InvalidVqaInputError(file, `'${at}.${axis}' must be a number`);
    }
    return { shape: o.shape, colour: o.colour, size: o.size, x: o.x, y: o.y } as SceneObject;
  });
  return { width: width as number, height: height as number, objects: parsed };
}

function programOf(file: string, value: unknown): Program {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidVqaInputError(file, "'program' must be a non-empty list of steps");
  return value.map((step, i) => {
    if (!isRecord(step) || typeof step.fn !== 'string' || !PROGRAM_FUNCTIONS.has(step.fn)) {
      throw new InvalidVqaInputError(file, `'program[${i}].fn' must be one of ${[...PROGRAM_FUNCTIONS].join(', ')}`);
    }
    return step as unknown as ProgramStep; // inputs and values are checked when the program runs
  });
}

/** Reads the question file of a VQA input (`.txt` or `.json`, see above). */
export function readQuestionFile(file: InputFile): QuestionInput {
  const text = utf8(file);
  if (extname(file.name).toLowerCase() === '.txt') {
    if (text.trim() === '') throw new InvalidVqaInputError(file.name, 'empty question');
    return { file: file.name, question: text.trim() };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidVqaInputError(file.name, `not valid JSON (${(err as Error).message})`);
  }
  if (!isRecord(json)) throw new InvalidVqaInputError(file.name, 'must be a JSON object with a "question"');
  if (typeof json.question !== 'string' || json.question.trim() === '') throw new InvalidVqaInputError(file.name, "'question' must be a non-empty string");
  if (json.image !== undefined && typeof json.image !== 'string') throw new InvalidVqaInputError(file.name, "'image' must be a file name");
  if (json.answer !== undefined && typeof json.answer !== 'string') throw new InvalidVqaInputError(file.name, "'answer' must be a string");
  if ((json.scene === undefined) !== (json.program === undefined)) throw new InvalidVqaInputError(file.name, "'scene' and 'program' go together (both give the ground truth)");
  return {
    file: file.name,
    question: json.question.trim(),
    image: json.image as string | undefined,
    answer: json.answer as string | undefined,
    ...(json.scene !== undefined ? { scene: sceneOf(file.name, json.scene), program: programOf(file.name, json.program) } : {}),
  };
}

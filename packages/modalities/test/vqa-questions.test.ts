/** Question programs, answers and ground truth on hand-built scenes; tokenisation; question files. */
import { describe, expect, it } from 'vitest';
import {
  ANSWERS, encodeQuestion, executeProgram, generateDataset, groundTruthObjects, InvalidVqaInputError, ProgramError, QUESTION_LENGTH, QUESTION_WORDS,
  questionPrograms as programs, questionTexts as texts, readQuestionFile, type Scene,
} from '../src/vqa/index.js';

const scene: Scene = {
  width: 48, height: 48,
  objects: [
    { shape: 'square', colour: 'red', size: 'large', x: 10, y: 10 }, // 0
    { shape: 'circle', colour: 'red', size: 'small', x: 30, y: 10 }, // 1
    { shape: 'triangle', colour: 'blue', size: 'large', x: 10, y: 30 }, // 2
    { shape: 'circle', colour: 'yellow', size: 'large', x: 35, y: 35 }, // 3
  ],
};

function ask(program: ReturnType<typeof programs.count>) {
  const execution = executeProgram(program, scene);
  return { answer: execution.answer, ...groundTruthObjects(program, execution) };
}

describe('programs on a hand-built scene', () => {
  it('query: the unique object; GT-single is it, GT-all every object a filter kept', () => {
    expect(ask(programs.query('colour', { size: 'large', shape: 'circle' }))).toEqual({ answer: 'yellow', single: [3], all: [0, 2, 3] });
    expect(ask(programs.query('shape', { colour: 'blue' }))).toEqual({ answer: 'triangle', single: [2], all: [2] });
    expect(ask(programs.query('size', { colour: 'red', shape: 'circle' }))).toEqual({ answer: 'small', single: [1], all: [0, 1] });
  });

  it('exist and count: the filtered set is GT-single (empty for no / 0)', () => {
    expect(ask(programs.count({ shape: 'circle' }))).toEqual({ answer: '2', single: [1, 3], all: [1, 3] });
    expect(ask(programs.count({ size: 'large', colour: 'red' }))).toEqual({ answer: '1', single: [0], all: [0, 2, 3] });
    expect(ask(programs.exist({ colour: 'green' }))).toEqual({ answer: 'no', single: [], all: [] });
    expect(ask(programs.exist({ size: 'small', shape: 'circle' }))).toEqual({ answer: 'yes', single: [1], all: [1] });
  });

  it('compare: both sets or both objects are GT-single', () => {
    expect(ask(programs.equalCount({ colour: 'red' }, { shape: 'circle' }))).toEqual({ answer: 'yes', single: [0, 1, 3], all: [0, 1, 3] });
    expect(ask(programs.equalCount({ colour: 'red' }, { size: 'large' }))).toEqual({ answer: 'no', single: [0, 1, 2, 3], all: [0, 1, 2, 3] });
    expect(ask(programs.sameColour({ shape: 'square' }, { size: 'small' }))).toEqual({ answer: 'yes', single: [0, 1], all: [0, 1] });
    expect(ask(programs.sameColour({ shape: 'square' }, { shape: 'triangle' }))).toEqual({ answer: 'no', single: [0, 2], all: [0, 2] });
  });

  it('refuses ill-posed and malformed programs, naming the step', () => {
    expect(() => executeProgram(programs.query('colour', { shape: 'circle' }), scene)).toThrow(/step 2 \(unique\): the set holds 2 objects/);
    expect(() => executeProgram([{ fn: 'scene' }, { fn: 'filter_colour', input: 0, value: 'purple' }, { fn: 'count', input: 1 }], scene)).toThrow(/unknown colour 'purple'/);
    expect(() => executeProgram([{ fn: 'scene' }, { fn: 'count', input: 3 }], scene)).toThrow(ProgramError);
    expect(() => executeProgram([{ fn: 'scene' }], scene)).toThrow(/does not end in an answer/);
  });

  it('writes the question texts of the grammar', () => {
    expect(texts.query('colour', { size: 'large', shape: 'circle' })).toBe('what colour is the large circle ?');
    expect(texts.count({ colour: 'red' })).toBe('how many red objects are there ?');
    expect(texts.equalCount({ colour: 'red' }, { shape: 'circle' })).toBe('are there as many red objects as circles ?');
    expect(texts.sameColour({ shape: 'square' }, { size: 'small' })).toBe('does the square have the same colour as the small object ?');
  });
});

describe('generated questions', () => {
  const data = generateDataset(3, { scenes: 150 });
  it('every answer is the program run on the scene, with GT-single inside GT-all', () => {
    expect(data.examples.length).toBeGreaterThan(400);
    for (const e of data.examples) {
      expect(executeProgram(e.question.program, data.scenes[e.scene]!).answer).toBe(e.question.answer);
      expect(ANSWERS[e.label]).toBe(e.question.answer);
      e.groundTruth.single.forEach((o) => expect(e.groundTruth.all).toContain(o));
    }
  });

  it('covers every family and keeps yes and no balanced', () => {
    const families = new Set(data.examples.map((e) => e.question.family));
    expect(families.size).toBe(7);
    const yes = data.examples.filter((e) => e.question.answer === 'yes').length;
    const no = data.examples.filter((e) => e.question.answer === 'no').length;
    expect(Math.abs(yes - no) / (yes + no)).toBeLessThan(0.15);
  });
});

describe('tokenisation', () => {
  it('gives ids padded in front to the fixed length, the ? its own token', () => {
    const e = encodeQuestion('What colour is the large circle?');
    expect(e.ids).toHaveLength(QUESTION_LENGTH);
    expect(e.padded).toBe(QUESTION_LENGTH - 7);
    const id = (w: string) => QUESTION_WORDS.indexOf(w) + 2;
    expect(Array.from(e.ids.slice(-7))).toEqual(['what', 'colour', 'is', 'the', 'large', 'circle', '?'].map(id));
    expect(Array.from(e.ids.slice(0, QUESTION_LENGTH - 7))).toEqual(new Array(QUESTION_LENGTH - 7).fill(0));
    expect(e.tokens[5]).toMatchObject({ text: 'circle', start: 25, end: 31 });
  });

  it('feeds unknown words as id 1 and names them', () => {
    const e = encodeQuestion('what colour is the purple circle ?');
    expect(e.oovWords).toEqual(['purple']);
    expect(e.ids[QUESTION_LENGTH - 3]).toBe(1);
  });

  it('holds every word the generator writes', () => {
    for (const e of generateDataset(4, { scenes: 60 }).examples) expect(encodeQuestion(e.question.text).oovWords).toEqual([]);
  });
});

describe('question files', () => {
  const file = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text) });
  it('reads a .txt question and a .json with scene and program', () => {
    expect(readQuestionFile(file('q.txt', ' is there a red square ?\n'))).toEqual({ file: 'q.txt', question: 'is there a red square ?' });
    const json = { question: 'how many circles are there ?', image: 's.png', scene, program: programs.count({ shape: 'circle' }), answer: '2' };
    expect(readQuestionFile(file('q.vqa.json', JSON.stringify(json)))).toMatchObject({ question: json.question, image: 's.png', answer: '2', scene, program: json.program });
  });

  it('names the file and field at fault', () => {
    expect(() => readQuestionFile(file('q.json', '{"image": "a.png"}'))).toThrow(/q.json: 'question' must be a non-empty string/);
    expect(() => readQuestionFile(file('q.json', '{"question": "x", "scene": {}}'))).toThrow(/'scene' and 'program' go together/);
    const bad = { question: 'x', program: [{ fn: 'scene' }], scene: { ...scene, objects: [{ ...scene.objects[0], colour: 'purple' }] } };
    expect(() => readQuestionFile(file('q.json', JSON.stringify(bad)))).toThrow(/'scene.objects\[0\].colour' must be one of/);
    expect(() => readQuestionFile(file('q.json', '{'))).toThrow(InvalidVqaInputError);
    expect(() => readQuestionFile(file('q.txt', '  '))).toThrow(/q.txt: empty question/);
  });
});

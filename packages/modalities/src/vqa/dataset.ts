/**
 * Generated VQA examples: scenes, their pixels and object masks, and questions with programs,
 * answers, token ids and ground-truth masks. The same seed gives the same examples.
 */
import { mulberry32 } from '@xai/core';
import { answerIndex } from './answers.js';
import { randomScene, type SceneOptions } from './generate-scene.js';
import { groundTruthObjects, type GroundTruthObjects } from './ground-truth.js';
import { executeProgram } from './program.js';
import { generateQuestion, QUESTION_FAMILIES, type Question } from './questions.js';
import { renderScene, unionMask, type RenderedScene } from './rasterise.js';
import type { Scene } from './scene.js';
import { encodeQuestion, QUESTION_LENGTH } from './vocabulary.js';

export interface VqaExample {
  /** Index of its scene in `VqaDataset.scenes`. */
  readonly scene: number;
  readonly question: Question;
  readonly label: number;
  readonly groundTruth: GroundTruthObjects;
}

export interface VqaDataset {
  readonly scenes: readonly Scene[];
  readonly rendered: readonly RenderedScene[];
  readonly examples: readonly VqaExample[];
}

export interface DatasetOptions extends SceneOptions {
  readonly scenes: number;
  /** Questions per scene (default 4), each of a family drawn at random. */
  readonly questionsPerScene?: number;
}

export function generateDataset(seed: number, options: DatasetOptions): VqaDataset {
  const random = mulberry32(seed);
  const perScene = options.questionsPerScene ?? 4;
  const scenes: Scene[] = [];
  const rendered: RenderedScene[] = [];
  const examples: VqaExample[] = [];
  for (let s = 0; s < options.scenes; s++) {
    const scene = randomScene(random, options);
    scenes.push(scene);
    rendered.push(renderScene(scene));
    const asked = new Set<string>();
    for (let q = 0; q < perScene; q++) {
      const family = QUESTION_FAMILIES[Math.floor(random() * QUESTION_FAMILIES.length)]!;
      const question = generateQuestion(random, scene, family);
      if (!question || asked.has(question.text)) continue; // no question twice about one scene
      asked.add(question.text);
      const execution = executeProgram(question.program, scene);
      examples.push({ scene: s, question, label: answerIndex(question.answer), groundTruth: groundTruthObjects(question.program, execution) });
    }
  }
  return { scenes, rendered, examples };
}

/** The model inputs of some examples as flat arrays: images [n, H, W, 3] and token ids [n, T]. */
export function exampleArrays(data: VqaDataset, examples: readonly VqaExample[] = data.examples) {
  const first = data.rendered[0]!;
  const pixels = first.width * first.height * 3;
  const images = new Float32Array(examples.length * pixels);
  const ids = new Int32Array(examples.length * QUESTION_LENGTH);
  examples.forEach((e, i) => {
    images.set(data.rendered[e.scene]!.rgb, i * pixels);
    ids.set(encodeQuestion(e.question.text).ids, i * QUESTION_LENGTH);
  });
  return { images, ids, labels: Int32Array.from(examples, (e) => e.label), imageShape: [first.height, first.width, 3], count: examples.length };
}

/** GT-single and GT-all masks ([H × W] each) of an example. */
export function exampleMasks(data: VqaDataset, example: VqaExample): { single: Uint8Array; all: Uint8Array } {
  const rendered = data.rendered[example.scene]!;
  return { single: unionMask(rendered, example.groundTruth.single), all: unionMask(rendered, example.groundTruth.all) };
}

import { extname } from 'node:path';
import {
  InvalidArgumentError, decodeInput, encodeIndexedPng, encodePng, overlayHeatmap, reduceChannels, renderHeatmap, renderHeatmapIndexed, upscaleNearest,
  type ColormapName,
} from '@xai/core';
import { Type, type Static } from 'typebox';
import { relevanceMassAccuracy, relevanceRankAccuracy, type MassAccuracyOptions } from '@xai/eval';
import type { Artefact, DecodedInput, InputFile, ModalityAdapter, ModelInputSpec, RelevanceOf } from '../adapter.js';
import { asObjectSchema, checkedOptions, OptionsObject } from '../adapter-options.js';
import { asChannelsLast, channelsLastSpec, LAYOUT_OPTION, resolveLayout, sampleInLayout, type InputLayout } from '../layout.js';
import type { VqaAnswer } from '../view-schemas.js';
import { relevanceArtefact, textArtefact } from '../artefacts.js';
import { formatScore } from '../text/bwr-colour.js';
import type { EncodedText, EncodedToken } from '../text/encode-tokens.js';
import { escapeHtml, htmlPage, legendHtml, textHeatmapHtml } from '../text/render-html.js';
import { tokenRelevance } from '../text/token-relevance.js';
import { ANSWERS } from './answers.js';
import { vqaDemoInputs, vqaDemoModels } from './demo.js';
import { groundTruthObjects } from './ground-truth.js';
import { executeProgram, type Program } from './program.js';
import { readQuestionFile } from './question-file.js';
import { renderScene, unionMask } from './rasterise.js';
import type { Scene } from './scene.js';
import { encodeQuestion, QUESTION_LENGTH } from './vocabulary.js';
import { InvalidVqaInputError } from './vqa-errors.js';

/** Image relevance pooled per pixel as max(0, Σ_c R_c), CLEVR-XAI's 'sum,pos'. */
const GROUND_TRUTH_POOLING: MassAccuracyOptions = { pooling: 'sum,pos' };

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

const VQA_OPTIONS = OptionsObject({
  colormap: Type.String({ default: 'bwr', description: 'colormap of the image heatmap (bwr, seismic, coldnhot, hot, …)' }),
  alpha: Type.Number({ minimum: 0, maximum: 1, default: 0.6, description: 'heatmap opacity of the overlay' }),
  topAnswers: Type.Integer({ minimum: 1, maximum: ANSWERS.length, default: 5, description: 'answers listed in answer.json' }),
  layout: LAYOUT_OPTION,
});
export type VqaOptions = Static<typeof VQA_OPTIONS>;

/** Where each part of the input goes among the model's inputs: the int32 input is the question. */
function inputOrder(file: string, model: readonly ModelInputSpec[] | undefined): { image: number; question: number } {
  if (!model) return { image: 0, question: 1 };
  const question = model.findIndex((m) => m.dtype === 'int32');
  if (model.length !== 2 || question < 0) {
    throw new InvalidArgumentError(`${file}: the vqa modality feeds two inputs, an image and int32 question ids; the model has ${model.length} input(s) (${model.map((m) => m.dtype).join(', ')})`);
  }
  const image = 1 - question;
  const [h, w, c] = model[image]!.shape;
  if (model[image]!.shape.length !== 3 || (c !== null && c !== 3)) throw new InvalidArgumentError(`${file}: the model's image input has shape [${model[image]!.shape.map((d) => d ?? 'any')}], expected [height, width, 3]`);
  if (h === null || w === null) throw new InvalidArgumentError(`${file}: the model's image input needs a fixed size`);
  const length = model[question]!.shape;
  if (length.length !== 1 || (length[0] !== null && length[0] !== QUESTION_LENGTH)) {
    throw new InvalidArgumentError(`${file}: the model's question input has shape [${length.map((d) => d ?? 'any')}], the vqa vocabulary writes [${QUESTION_LENGTH}] ids`);
  }
  return { image, question };
}

/**
 * The layout of the model's image input (channels-first [3, H, W] for ONNX models), and the
 * model's inputs with the image read channels-last (what inputOrder checks).
 */
function imageLayout(file: string, model: readonly ModelInputSpec[] | undefined, stated: VqaOptions['layout']): { layout: InputLayout; specs: readonly ModelInputSpec[] | undefined } {
  const question = model?.findIndex((m) => m.dtype === 'int32') ?? -1;
  if (!model || model.length !== 2 || question < 0) return { layout: stated && stated !== 'auto' ? stated : 'channels-last', specs: model };
  const image = 1 - question;
  const layout = resolveLayout({ spec: model[image], stated, rank: 3, fits: (c) => c === 3, gives: 'the vqa modality feeds RGB images (3 channels)', what: file });
  return { layout, specs: model.map((m, i) => (i === image ? channelsLastSpec(m, layout)! : m)) };
}

/** A sample or relevance of the image input as [height, width, 3]. */
const imageChannelsLast = (values: Float32Array, shape: readonly number[], layout: InputLayout | undefined) => asChannelsLast(values, shape, layout);

interface GroundTruth {
  readonly single: Uint8Array;
  readonly all: Uint8Array;
  readonly objects: { readonly single: number[]; readonly all: number[] };
}

/** GT-single and GT-all masks of a described scene, when the image shows exactly that scene. */
function groundTruthOf(scene: Scene, program: Program, image: Float32Array, file: string): GroundTruth | string {
  const rendered = renderScene(scene);
  if (rendered.rgb.length !== image.length) return `the scene is ${scene.width}×${scene.height}, the image is not`;
  // 8-bit PNG quantisation moves a value by at most half a step.
  for (let i = 0; i < image.length; i++) if (Math.abs(rendered.rgb[i]! - image[i]!) > 0.6 / 255) return 'the image does not show the described scene';
  let objects;
  try {
    objects = groundTruthObjects(program, executeProgram(program, scene));
  } catch (err) {
    throw new InvalidVqaInputError(file, `'program': ${(err as Error).message}`);
  }
  return { single: unionMask(rendered, objects.single), all: unionMask(rendered, objects.all), objects };
}

interface VqaInternal {
  readonly text: string;
  readonly encoded: EncodedText;
  readonly order: { image: number; question: number };
  readonly groundTruth: GroundTruth | null;
}

/** The decoded question and ground truth: from `internal`, or rebuilt from the JSON metadata. */
function internalOf(input: DecodedInput): VqaInternal {
  const internal = input.internal as VqaInternal | undefined;
  if (internal?.encoded) return internal;
  const meta = input.metadata as { question?: string; inputs?: { image: number; question: number }; scene?: Scene; program?: Program; questionFile?: string };
  if (typeof meta.question !== 'string' || !meta.inputs) throw new InvalidArgumentError('not a decoded vqa input: its metadata has no question and inputs');
  const sample = input.samples[meta.inputs.image]!;
  const image = imageChannelsLast(sample.values as Float32Array, sample.shape, sample.layout).values;
  const truth = meta.scene && meta.program ? groundTruthOf(meta.scene, meta.program, image, meta.questionFile ?? 'question') : null;
  return { text: meta.question, encoded: encodeQuestion(meta.question), order: meta.inputs, groundTruth: typeof truth === 'string' ? null : truth };
}

/** Axes of a channels-last image in `layout`. */
function moveChannelAxisInfo<T>(axes: readonly T[], layout: InputLayout): T[] {
  return layout === 'channels-first' ? [axes[axes.length - 1]!, ...axes.slice(0, -1)] : [...axes];
}

/** Nearest-neighbour factor that makes the small scenes visible. */
const displayFactor = (height: number, width: number) => Math.max(1, Math.min(8, Math.floor(256 / Math.max(height, width))));

function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const e = logits.map((z) => Math.exp(z - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

const noteOf = (t: EncodedToken) => (t.dropped === 'truncated' ? `cut off: the model reads ${QUESTION_LENGTH} tokens` : t.oov ? 'not in the question vocabulary, fed as the unknown-word id' : undefined);

/**
 * CLEVR-style visual question answering: an image and a question in, two model inputs out (the
 * image and the question's token ids). Artefacts: the image heatmap and overlay, the question with
 * its words coloured by relevance (bwr, as the text modality), the answers with their scores, and —
 * for generated scenes whose description comes along — relevance mass and rank accuracy against
 * the GT-single and GT-all masks of CLEVR-XAI.
 */
export const vqaAdapter: ModalityAdapter = {
  name: 'vqa',
  description: 'visual question answering (an image .png/.jpg and its question .vqa.json or .txt): image heatmap, highlighted question words, answers, ground-truth scores',
  extensions: ['.vqa.json'],
  options: asObjectSchema(VQA_OPTIONS),
  demos: { models: vqaDemoModels, inputs: vqaDemoInputs },

  async decode(files: readonly InputFile[], given = {}, model?: readonly ModelInputSpec[]): Promise<DecodedInput> {
    const options = checkedOptions(VQA_OPTIONS, given, "modality 'vqa'");
    if (files.length === 0) throw new InvalidArgumentError('no input files given');
    const images = files.filter((f) => IMAGE_EXTENSIONS.includes(extname(f.name).toLowerCase()));
    const questions = files.filter((f) => ['.json', '.txt'].includes(extname(f.name).toLowerCase()));
    const names = files.map((f) => f.name).join(', ');
    if (questions.length !== 1 || images.length > 1 || images.length + questions.length !== files.length) {
      throw new InvalidArgumentError(`the vqa modality reads one image (.png, .jpg) and one question (.json or .txt), got ${names}`);
    }
    const q = readQuestionFile(questions[0]!);
    const imageFile = images[0];
    if (!imageFile) throw new InvalidVqaInputError(q.file, `no image given${q.image ? `: give '${q.image}' along with the question` : ' (a .png or .jpg file)'}`);
    const { layout, specs } = imageLayout(q.file, model, options.layout);
    const order = inputOrder(q.file, specs);
    const expected = specs?.[order.image]?.shape as number[] | undefined;
    const array = decodeInput(imageFile.bytes, imageFile.name, { shape: expected, scale: '0-1' });
    if (array.shape.length !== 3 || array.shape[2] !== 3) throw new InvalidVqaInputError(imageFile.name, `expected an RGB image, got shape [${array.shape.join(', ')}]`);
    const encoded = encodeQuestion(q.question, { file: q.file });
    const truth = q.scene && q.program ? groundTruthOf(q.scene, q.program, array.values, q.file) : null;
    const groundTruth = truth === null || typeof truth === 'string' ? null : truth;
    const samples = [];
    samples[order.image] = sampleInLayout({ values: array.values, shape: array.shape, dtype: 'float32' as const }, layout);
    samples[order.question] = { values: encoded.ids, shape: [QUESTION_LENGTH], dtype: 'int32' as const };
    const [height, width] = array.shape as [number, number, number];
    return {
      modality: 'vqa',
      samples,
      axes: order.image === 0
        ? moveChannelAxisInfo([{ name: 'y', unit: 'px', start: 0, step: 1 }, { name: 'x', unit: 'px', start: 0, step: 1 }, { name: 'channel', labels: ['red', 'green', 'blue'] }], layout)
        : [{ name: 'token', labels: Array.from(encoded.tokenAt, (i) => (i === null ? '<pad>' : encoded.tokens[i]!.text)) }],
      metadata: {
        image: imageFile.name,
        questionFile: q.file,
        question: q.question,
        inputs: order,
        layout,
        height,
        width,
        tokens: encoded.tokens,
        oovWords: encoded.oovWords,
        ...(q.answer !== undefined ? { expectedAnswer: q.answer } : {}),
        ...(q.scene ? { scene: q.scene, program: q.program } : {}),
        groundTruth: groundTruth
          ? { objects: groundTruth.objects, pixels: { single: groundTruth.single.reduce((a, b) => a + b, 0), all: groundTruth.all.reduce((a, b) => a + b, 0) } }
          : typeof truth === 'string' ? { skipped: truth } : null,
      },
      internal: { text: q.question, encoded, order, groundTruth } satisfies VqaInternal,
    };
  },

  async preview(input: DecodedInput): Promise<Artefact> {
    const { order } = internalOf(input);
    const sample = input.samples[order.image]!;
    const image = imageChannelsLast(sample.values as Float32Array, sample.shape, sample.layout);
    const [h, w] = image.shape as [number, number, number];
    const rgba = new Uint8Array(h * w * 4);
    for (let p = 0; p < h * w; p++) {
      for (let k = 0; k < 3; k++) rgba[p * 4 + k] = Math.round(255 * Math.min(1, Math.max(0, image.values[p * 3 + k]!)));
      rgba[p * 4 + 3] = 255;
    }
    return { name: 'input.png', mediaType: 'image/png', description: `the image (question: ${String(input.metadata.question)})`, bytes: encodePng(upscaleNearest({ rgba, width: w, height: h }, displayFactor(h, w))) };
  },

  async artefacts(input: DecodedInput, relevance: RelevanceOf, given = {}): Promise<Artefact[]> {
    const options = checkedOptions(VQA_OPTIONS, given, "modality 'vqa'");
    const { text, encoded, order, groundTruth } = internalOf(input);
    const givenImageRelevance = relevance.relevances[order.image];
    const questionRelevance = relevance.relevances[order.question];
    if (!givenImageRelevance || !questionRelevance) throw new InvalidArgumentError(`the vqa modality needs relevance for both model inputs, got ${relevance.relevances.length}`);
    const sample = input.samples[order.image]!;
    const image = imageChannelsLast(sample.values as Float32Array, sample.shape, sample.layout);
    const imageRelevance = imageChannelsLast(givenImageRelevance.values, givenImageRelevance.shape, sample.layout);
    const [h, w] = image.shape as [number, number, number];
    const target = relevance.targetName ?? ANSWERS[relevance.target] ?? `class ${relevance.target}`;

    // Image: relevance summed over the colour channels, signed (red for the answer, blue against).
    const map = reduceChannels(imageRelevance.values, [h, w, 3], 'sum');
    const render = { colormap: options.colormap as ColormapName, mode: 'signed' as const, upscale: displayFactor(h, w) };
    const indexed = renderHeatmapIndexed(map, h, w, render);
    const overlay = overlayHeatmap(image.values as Float32Array, renderHeatmap(map, h, w, { ...render, upscale: 1 }), options.alpha!);

    // Question: one score per word, the Embedding relevance summed over its axis.
    const words = tokenRelevance(encoded, questionRelevance.values, questionRelevance.shape);
    const highlight = encoded.tokens.map((t, i) => ({ start: t.start, end: t.end, score: words.scores[i]!, note: noteOf(t) }));
    const html = textHeatmapHtml(text, highlight);
    const sums = { image: imageRelevance.values.reduce((a, b) => a + b, 0), question: questionRelevance.values.reduce((a, b) => a + b, 0) };
    const caption = `${relevance.method} relevance for the answer '${target}' · image ${formatScore(sums.image)}, question ${formatScore(sums.question)}`;
    const body = `<p class="xai-caption">${escapeHtml(caption)}</p>\n${legendHtml(html.scale, `'${target}'`)}\n${html.html}\n`;

    const artefacts: Artefact[] = [
      { name: 'heatmap.png', mediaType: 'image/png', description: `image relevance summed over colour channels (${render.colormap}, signed; palette PNG)`, bytes: encodeIndexedPng(indexed) },
      { name: 'overlay.png', mediaType: 'image/png', description: 'the image heatmap over the image', bytes: encodePng(upscaleNearest(overlay, render.upscale)) },
      textArtefact('question.html', 'text/html', `the question with each word coloured by its relevance (bwr, symmetric scale ±${formatScore(html.scale).replace('+', '')}; red: for '${target}')`, htmlPage(`Relevance — ${text}`, body)),
    ];
    if (relevance.logits) {
      const scores = softmax(relevance.logits);
      const top = scores.map((score, i) => ({ answer: ANSWERS[i] ?? `class ${i}`, score, logit: relevance.logits![i]! })).sort((a, b) => b.score - a.score).slice(0, options.topAnswers);
      const answer: VqaAnswer = {
        question: text, answer: top[0]!.answer, score: top[0]!.score, explained: target,
        ...(input.metadata.expectedAnswer !== undefined ? { expectedAnswer: String(input.metadata.expectedAnswer) } : {}),
        top, relevanceSums: sums,
      };
      artefacts.push(textArtefact('answer.json', 'application/json', 'the answer, its score (softmax) and the top answers', JSON.stringify(answer, null, 2)));
    }
    if (groundTruth) {
      // @xai/eval's metrics, pooled as in CLEVR-XAI; an empty mask (answer 'no' or 0) has no score
      const score = (mask: Uint8Array) => {
        const pixels = mask.reduce((a, b) => a + b, 0);
        if (pixels === 0) return { pixels, massAccuracy: null, rankAccuracy: null };
        const args = [imageRelevance.values, mask, imageRelevance.shape, GROUND_TRUTH_POOLING] as const;
        return { pixels, massAccuracy: relevanceMassAccuracy(...args), rankAccuracy: relevanceRankAccuracy(...args) };
      };
      artefacts.push(textArtefact('ground-truth.json', 'application/json', 'relevance mass and rank accuracy of the image heatmap against the GT-single and GT-all masks (CLEVR-XAI)', JSON.stringify({
        pooling: 'sum,pos: max(0, Σ_c R_c) per pixel', method: relevance.method, explained: target,
        single: { objects: groundTruth.objects.single, ...score(groundTruth.single) },
        all: { objects: groundTruth.objects.all, ...score(groundTruth.all) },
      }, null, 2)));
    }
    artefacts.push(relevanceArtefact(
      { ...relevance, relevances: [givenImageRelevance] },
      { question: { tokens: input.metadata.tokens, positions: Array.from(words.positions), scores: words.scores }, layout: sample.layout ?? 'channels-last' },
    ));
    return artefacts;
  },
};

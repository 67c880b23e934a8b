/** The data an analysis runs on: samples in the model's layout, labels, and (for the demos) the planted artefact. */
import { generateShapes, InvalidArgumentError, SHAPE_CLASSES } from '@xai/core';
import { generateCleverHans, WATERMARK, watermarkMask } from '../demo/clever-hans.js';

export interface AnalysisData {
  /** What the data are (a demo's name, a folder). */
  readonly name: string;
  /** count · prod(shape) values, sample after sample. */
  readonly inputs: Float32Array;
  /** One sample's shape, without batch axis. */
  readonly shape: readonly number[];
  /** Class per sample; −1 when unknown. */
  readonly labels: Int32Array;
  /** Where each sample came from (file names). */
  readonly ids?: readonly string[];
  readonly classNames?: readonly string[];
  /** 1 where a sample carries a known artefact (the Clever Hans demo's watermark). */
  readonly artefact?: Uint8Array;
  /** The artefact's pixels (h·w, 1 inside), for the share of relevance on it. */
  readonly artefactMask?: Uint8Array;
}

export const DEMO_DATASETS = ['clever-hans', 'clever-hans-rings', 'shapes'] as const;
export type DemoDatasetName = (typeof DEMO_DATASETS)[number];

export const sampleCount = (data: AnalysisData): number => data.labels.length;
export const sampleSize = (data: AnalysisData): number => data.shape.reduce((a, b) => a * b, 1);
/** Sample i's values (a view). */
export const sampleOf = (data: AnalysisData, i: number): Float32Array => data.inputs.subarray(i * sampleSize(data), (i + 1) * sampleSize(data));

/**
 * A generated demo data set: 'shapes' (core's demo shapes), 'clever-hans' (the same shapes, 95 % of
 * the rings watermarked in a corner, as the demo model was trained) or 'clever-hans-rings' (rings
 * only, half of them watermarked: two strategies for SpRAy to tell apart). Seeded: the same count
 * and seed give the same samples.
 */
export function demoData(name: string, count: number, seed: number): AnalysisData {
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError(`demo data set '${name}': count must be a positive integer, got ${count}`);
  if (name === 'shapes') {
    const d = generateShapes(count, seed);
    return { name, inputs: d.images, shape: [32, 32, 3], labels: Int32Array.from(d.labels), classNames: [...SHAPE_CLASSES] };
  }
  if (name === 'clever-hans' || name === 'clever-hans-rings') {
    const d = name === 'clever-hans' ? generateCleverHans(count, seed) : generateCleverHans(count, seed, { onlyClass: WATERMARK.class, share: 0.5 });
    return { name, inputs: d.images, shape: [32, 32, 3], labels: d.labels, classNames: [...SHAPE_CLASSES], artefact: d.watermarked, artefactMask: watermarkMask() };
  }
  throw new InvalidArgumentError(`no demo data set '${name}'; there are ${DEMO_DATASETS.join(', ')}`);
}

/** The Clever Hans test with the watermark moved: no ring carries it, every square does. */
export function swappedCleverHans(count: number, seed: number): AnalysisData {
  const d = generateCleverHans(count, seed, { watermarkClass: 0, share: 1 });
  return { name: 'clever-hans (watermark on squares)', inputs: d.images, shape: [32, 32, 3], labels: d.labels, classNames: [...SHAPE_CLASSES], artefact: d.watermarked, artefactMask: watermarkMask() };
}

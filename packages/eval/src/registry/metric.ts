import type { ObjectSchema, Progress, XaiModel } from '@xai/core';
import type { BatchExplainer } from '../data/explainer.js';
import type { ChannelAxis } from '../data/layout.js';
import type { PredictFn } from '../data/predict.js';

/** Which way a score is better. */
export type Direction = 'higher' | 'lower';

/** The seed's "Evaluating Explanations" families. */
export const METRIC_CATEGORIES = {
  faithfulness: 'does removing what the explanation calls relevant change the output accordingly',
  localisation: 'does relevance fall on the ground-truth object or region',
  axioms: 'does the explanation satisfy properties it should have (conservation, invariance, continuity …)',
  complexity: 'is the explanation concise',
  randomisation: 'does the explanation depend on the model parameters and the explained class',
} as const;
export type MetricCategory = keyof typeof METRIC_CATEGORIES;

/** What a metric needs beyond inputs and relevance. */
export type MetricRequirement = 'masks' | 'explainer' | 'model';

/** A curve per sample (perturbation curves, per-layer similarities …). */
export interface Curve {
  /** x positions (steps, percentages, layer index …). */
  readonly x: number[];
  readonly xLabel: string;
  readonly yLabel: string;
  /** Names for the x positions where they have names (layers). */
  readonly labels?: string[];
  /** One row per sample, each as long as x (NaN where undefined). */
  readonly values: number[][];
}

/** What one metric returns for one method over all samples. */
export interface MetricResult {
  /** Score per sample; NaN where the metric is undefined for a sample (left out of means). */
  readonly scores: number[];
  readonly curve?: Curve;
  /** Further per-sample numbers worth keeping (signed residuals, random-order AOPC …). */
  readonly details?: Record<string, number[]>;
}

/** Everything the benchmark hands a metric for one method. */
export interface MetricContext {
  readonly model: XaiModel;
  /** The model's logits (explained head, before softmax). */
  readonly predict: PredictFn;
  /** count × size, row-major. */
  readonly inputs: Float32Array;
  /** The method's relevance for the inputs, same layout. */
  readonly relevance: Float32Array;
  /** Sample shape (no batch axis). */
  readonly shape: readonly number[];
  readonly channels?: ChannelAxis;
  readonly count: number;
  /** The explained class per sample. */
  readonly targets: readonly number[];
  /** The true class per sample (what accuracy-based metrics compare with). */
  readonly labels: readonly number[];
  /** Ground truth, count × positions (1 = on the object), where the data has it. */
  readonly masks?: Uint8Array;
  /** Explains more inputs with the method under evaluation. */
  readonly explain: BatchExplainer;
  /** The same method on another model (randomised, shifted). */
  readonly explainWith: (model: XaiModel) => BatchExplainer;
  readonly seed: number;
  readonly batchSize: number;
  readonly onProgress?: (progress: Progress) => void;
  readonly signal?: AbortSignal;
}

export interface MetricDefinition {
  /** Registry name, snake_case (e.g. 'pixel_flipping'). */
  readonly name: string;
  readonly category: MetricCategory;
  /** One line for listings. */
  readonly description: string;
  /** The paper the metric follows. */
  readonly reference: string;
  /** Better direction with the default options. */
  readonly direction: Direction;
  /** When an option flips the direction (e.g. MoRF vs LeRF order). */
  readonly directionBy?: { readonly option: string; readonly values: Readonly<Record<string, Direction>> };
  readonly requires: readonly MetricRequirement[];
  /** Object schema of the options (defaults included), as core's method options. */
  readonly options: ObjectSchema;
  /** When a sample's score is undefined (NaN), in words: what a table says when no sample has a score. */
  readonly undefinedWhen?: string;
  run(context: MetricContext, options: Readonly<Record<string, unknown>>): Promise<MetricResult>;
}

import * as tf from '@tensorflow/tfjs';
import { explainedTensor, forwardAll, InvalidArgumentError, XaiModel } from '@xai/core';
import { inputsWithHeld, type HeldInputs } from './held-inputs.js';

/**
 * The model as metrics see it: `count` samples as flat row-major values in, their logits
 * (`count × classes`, row-major, before any softmax) out. Any modality, any framework.
 */
export type PredictFn = (inputs: Float32Array, count: number, first?: number) => Float32Array | Promise<Float32Array>;

/** A loaded model or a plain predict function. */
export type ModelLike = XaiModel | PredictFn;

export interface PredictorOptions {
  /** Output head (index or output layer name) of a multi-output model. */
  readonly output?: number | string;
  /** A multi-input model: the input fed and the others held per sample (then `first` is required). */
  readonly heldInputs?: HeldInputs;
}

/**
 * A predict function for an XaiModel: one forward pass of the engine's graph, returning the
 * explained output before any final softmax (what explanations explain).
 */
export function modelPredictor(model: XaiModel, options: PredictorOptions = {}): PredictFn {
  const held = options.heldInputs;
  if (model.inputShapes.length !== 1 && !held) {
    throw new InvalidArgumentError(`metrics take single-input models (or multi-input models with held inputs); this one has ${model.inputShapes.length} inputs`);
  }
  const head = model.headIndex(options.output);
  const declared = model.inputShapes[held?.explained ?? 0]!.slice(1);
  const id = explainedTensor(model.graph, head);
  return (inputs, count, first) => {
    const known = declared.reduce<number>((a, d) => a * (d ?? 1), 1);
    const free = declared.filter((d) => d === null).length;
    const perSample = inputs.length / count;
    if (free > 1 || (free === 0 && perSample !== known) || (free === 1 && perSample % known !== 0)) {
      throw new InvalidArgumentError(`got ${perSample} values per sample; the model expects shape [${declared.map((d) => d ?? 'any')}]`);
    }
    const shape = declared.map((d) => d ?? perSample / known);
    const x = tf.tensor(inputs, [count, ...shape], 'float32');
    const all = held ? inputsWithHeld(held, x, first, count) : [x];
    try {
      const values = forwardAll(model.graph, all);
      try {
        const out = values.get(id)!;
        if (out.rank !== 2) throw new InvalidArgumentError(`the explained output has shape [${out.shape}]; metrics need [batch, classes]`);
        return Float32Array.from(out.dataSync() as Float32Array);
      } finally {
        for (const [key, t] of values) if (!model.graph.inputs.includes(key)) t.dispose();
      }
    } finally {
      all.forEach((t) => t.dispose());
    }
  };
}

/** A predict function for either form. */
export function asPredict(model: ModelLike, options: PredictorOptions = {}): PredictFn {
  return model instanceof XaiModel ? modelPredictor(model, options) : model;
}

/** What a metric reads from the logits: the raw logit or the softmax probability of the target. */
export type OutputScore = 'logit' | 'probability';

/** The target's score in one logit row. */
export function targetScore(logits: Float32Array, offset: number, classes: number, target: number, score: OutputScore): number {
  const z = logits[offset + target]!;
  if (score === 'logit') return z;
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, logits[offset + c]!);
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp(logits[offset + c]! - max);
  return Math.exp(z - max) / sum;
}

/** Arg-max of one logit row (first on ties). */
export function argMaxRow(logits: Float32Array, offset: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (logits[offset + c]! > logits[offset + best]!) best = c;
  return best;
}

/** Checks a target against the number of classes. */
export function checkTarget(target: number, classes: number, sample: number): void {
  if (!Number.isInteger(target) || target < 0 || target >= classes) {
    throw new InvalidArgumentError(`target ${target} of sample ${sample} is out of range for ${classes} classes`);
  }
}

/** Logits of `count` samples (the benchmark's own, from index 0), `batchSize` samples per model call, concatenated. */
export async function predictInBatches(predict: PredictFn, inputs: Float32Array, count: number, batchSize = 64): Promise<Float32Array> {
  const size = inputs.length / count;
  const parts: Float32Array[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    parts.push(await predict(inputs.subarray(start * size, (start + n) * size), n, start));
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

import * as tf from '@tensorflow/tfjs';
import { explain, InvalidArgumentError, type XaiModel } from '@xai/core';
import { inputsWithHeld, type HeldInputs } from './held-inputs.js';

/**
 * Explains `count` samples (flat, row-major) for the given target per sample and returns relevance
 * in the same layout. Metrics that re-explain (continuity, randomisation, invariance …) take one.
 * `first` is the index of the first of these samples among the benchmark's samples: needed when
 * other model inputs are held per sample (see HeldInputs).
 */
export type BatchExplainer = (inputs: Float32Array, count: number, targets: readonly number[], first?: number) => Promise<Float32Array>;

/** One explanation method as core's `explain` takes it: a registered name and its options. */
export interface MethodConfig {
  /** A method registered in core (`listMethods()`), e.g. 'lrp', 'gradient', 'integrated_gradients'. */
  readonly method: string;
  /** Name in tables (default: the method name, with options when two configs share a method). */
  readonly label?: string;
  /** The method's own options, as its schema describes them. */
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface ExplainerOptions {
  /** Samples per `explain` call (default 32). */
  readonly batchSize?: number;
  /** Output head of a multi-output model. */
  readonly output?: number | string;
  /** A multi-input model: the input explained and the others held per sample. */
  readonly heldInputs?: HeldInputs;
}

/** A BatchExplainer that runs core's `explain` with one method configuration on `model`, in batches. */
export function coreExplainer(model: XaiModel, config: MethodConfig, options: ExplainerOptions = {}): BatchExplainer {
  const held = options.heldInputs;
  const explained = held?.explained ?? 0;
  const declared = model.inputShapes[explained]!.slice(1);
  const batchSize = Math.max(1, options.batchSize ?? 32);
  return async (inputs, count, targets, first) => {
    const perSample = inputs.length / count;
    const known = declared.reduce<number>((a, d) => a * (d ?? 1), 1);
    const shape = declared.map((d) => d ?? perSample / known);
    if (shape.reduce((a, b) => a * b, 1) !== perSample) {
      throw new InvalidArgumentError(`got ${perSample} values per sample; the model expects shape [${declared.map((d) => d ?? 'any')}]`);
    }
    if (targets.length !== count) throw new InvalidArgumentError(`got ${targets.length} targets for ${count} samples`);
    const out = new Float32Array(inputs.length);
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const x = tf.tensor(inputs.subarray(start * perSample, (start + n) * perSample), [n, ...shape], 'float32');
      const all = held ? inputsWithHeld(held, x, first === undefined ? undefined : first + start, n) : [x];
      try {
        const result = await explain(model, held ? all : x, {
          ...config.options,
          method: config.method,
          target: targets.slice(start, start + n),
          output: options.output,
          ...(held ? { explainedInputs: [explained] } : {}),
        });
        try {
          out.set(result.relevances[explained]!.dataSync() as Float32Array, start * perSample);
        } finally {
          result.dispose();
        }
      } finally {
        all.forEach((t) => t.dispose());
      }
    }
    return out;
  };
}

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import type { ModelGraph } from '../graph/graph.js';

export type ModelInput = tf.Tensor | readonly tf.Tensor[];

export interface BatchedInputs {
  readonly tensors: tf.Tensor[];
  /** The caller gave single samples without a batch axis: results drop it again. */
  readonly unbatched: boolean;
}

/** Checks the inputs against the model's input shapes and adds a batch axis where it is missing. */
export function batchInputs(graph: ModelGraph, input: ModelInput): BatchedInputs {
  const list = Array.isArray(input) ? [...input] : [input as tf.Tensor];
  if (list.length !== graph.inputs.length) {
    throw new InvalidArgumentError(`the model has ${graph.inputs.length} input(s) (${graph.inputNames.join(', ')}), got ${list.length}`);
  }
  const unbatched = list[0]!.rank === graph.inputShapes[0]!.length - 1;
  const tensors = list.map((x, i) => {
    const expected = graph.inputShapes[i]!;
    const t = unbatched ? x.expandDims(0) : x;
    const ok = t.rank === expected.length && expected.every((d, k) => k === 0 || d === null || d === t.shape[k]);
    if (!ok) {
      if (unbatched) t.dispose();
      throw new InvalidArgumentError(
        `input '${graph.inputNames[i]}' has shape [${x.shape}], the model expects [${expected.map((d) => d ?? 'any')}] (batch axis first, optional for one sample)`,
      );
    }
    const dtype = graph.inputDtypes?.[i];
    if (dtype && (dtype === 'int32') !== (t.dtype === 'int32')) {
      if (unbatched) t.dispose();
      throw new InvalidArgumentError(`input '${graph.inputNames[i]}' has dtype ${x.dtype}, the model expects ${dtype === 'int32' ? 'integers (int32)' : 'float32'}`);
    }
    return unbatched ? t : tf.clone(t);
  });
  return { tensors, unbatched };
}

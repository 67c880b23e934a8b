/**
 * The forward pass that perturbation methods (occlusion, LIME) score their copies with: tfjs, or
 * on the 'ort' executor the model's forward graph compiled for ONNX Runtime and run in batches of a
 * fixed size (one session; a graph ORT cannot compile falls back to tfjs with a one-line notice).
 */
import type * as tf from '@tensorflow/tfjs';
import { fallbackNotice, notify, resolveExecutor, type ExecutionReport, type ExecutorOptions } from '../engine/executor-choice.js';
import { explainedLogits, explainedTensor } from '../engine/propagate.js';
import { openOrtForward } from '../executors/ort/batched-forward.js';
import { OrtUnavailableError } from '../executors/ort/load-ort.js';
import { NotCompilableError } from '../executors/ort/not-compilable.js';
import type { XaiModel } from '../model.js';

/** Logits ([n, classes] of output `head`) of a batch of copies, and how they are computed. */
export interface LogitScorer {
  score(batch: tf.Tensor): Promise<tf.Tensor>;
  readonly execution: ExecutionReport;
}

/**
 * A scorer of `model` (single-input; a channels-last view or a view with held inputs is compiled
 * as it is, its sessions kept with the model it views) for batches of `chunk` copies on ORT.
 */
export async function openLogitScorer(model: XaiModel, head: number, chunk: number, options: ExecutorOptions): Promise<LogitScorer> {
  const onTfjs = (execution: ExecutionReport): LogitScorer => ({ execution, score: async (batch) => explainedLogits(model.graph, [batch], head) });
  if (resolveExecutor(options.executor) !== 'ort') return onTfjs({ executor: 'tfjs' });
  const sample = (model.graph.inputShapes[0] ?? []).slice(1);
  try {
    if (sample.some((d) => typeof d !== 'number')) throw new NotCompilableError(`an input of unknown shape [${sample}]`);
    const forward = await openOrtForward(model.graph, explainedTensor(model.graph, head), sample as number[], chunk);
    return { execution: forward.execution, score: (batch) => forward.run(batch) };
  } catch (err) {
    if (!(err instanceof NotCompilableError) && !(err instanceof OrtUnavailableError)) throw err;
    notify(options, err instanceof NotCompilableError ? fallbackNotice(err.message) : `xai: ${err.message}; running on tfjs instead`);
    return onTfjs({ executor: 'tfjs', fallback: err.message });
  }
}

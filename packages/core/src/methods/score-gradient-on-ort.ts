/**
 * Meaningful perturbation's inner step on ONNX Runtime: the target score (softmax probability or
 * logit) of a perturbed input and its gradient w.r.t. that input, from the model's gradient graph
 * compiled with the seed ∂score/∂logits — the backward pass the tfjs engine runs, in one session
 * run. The mask's blend and upsampling stay in tfjs (their chain rule is autodiff there).
 */
import * as tf from '@tensorflow/tfjs';
import { compositeByName, ruleMap } from '../composites/index.js';
import type { ExecutionReport } from '../engine/executor-choice.js';
import { explainedTensor } from '../engine/propagate.js';
import { explainOnOrt } from '../executors/ort/run-explanation.js';
import type { XaiModel } from '../model.js';

export interface ScoreAndGradient {
  readonly score: number;
  /** ∂score/∂input, shaped like the input (the caller disposes it). */
  readonly gradient: tf.Tensor;
  readonly execution?: ExecutionReport;
}

/**
 * Scores one sample ([1, ...]) at `target` and differentiates the score on ORT; throws
 * NotCompilableError (or OrtUnavailableError) when the model cannot run there.
 */
export function scoreGradientOnOrt(model: XaiModel, head: number, score: 'probability' | 'logit'): (x: tf.Tensor, target: number) => Promise<ScoreAndGradient> {
  const rules = ruleMap(model.graph, compositeByName('gradient'));
  const from = explainedTensor(model.graph, head);
  return async (x, target) => {
    const result = await explainOnOrt({
      graph: model.graph,
      inputShapes: [x.shape],
      from,
      ruleFor: (node) => rules.get(node)!,
      seed: score === 'logit' ? 'onehot' : 'probability',
      inputs: [x],
      target,
      headName: model.graph.outputNames[head]!,
    });
    try {
      // The score as the tfjs path computes it from its logits (tf.softmax of the row).
      const value = tf.tidy(() => (score === 'logit' ? result.logits : tf.softmax(result.logits)).dataSync()[target]!);
      const execution: ExecutionReport = { executor: 'ort', provider: result.provider, providerNote: result.providerNote, built: result.built, buildMs: result.buildMs };
      return { score: value, gradient: result.relevance[0]!, execution };
    } finally {
      result.logits.dispose();
      result.relevance.slice(1).forEach((t) => t.dispose());
    }
  };
}

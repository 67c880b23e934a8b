import * as tf from '@tensorflow/tfjs';
import { Type, type Static } from 'typebox';
import type { ExplainOptions, Explanation } from '../engine/explain-lrp.js';
import { batchInputs, type ModelInput } from '../engine/inputs.js';
import { explainedTensor, forwardAll, resolveTargets } from '../engine/propagate.js';
import { InvalidArgumentError } from '../errors.js';
import { attentionSoftmaxes } from '../graph/recognize-attention.js';
import type { XaiModel } from '../model.js';
import { fallbackNotice, notify, resolveExecutor, type ExecutorOptions } from '../engine/executor-choice.js';
import { forwardOutputsOnOrt } from '../executors/ort/forward-outputs.js';
import { OrtUnavailableError } from '../executors/ort/load-ort.js';
import { NotCompilableError } from '../executors/ort/not-compilable.js';
import { stringEnum } from './option-schema.js';
import type { MethodDefinition } from './registry.js';

const OPTIONS = Type.Object({
  headFusion: Type.Optional(stringEnum(['mean', 'max', 'min'], { default: 'mean', description: 'how the heads of a layer are combined' })),
  residual: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.5, description: 'weight of the identity (the residual path) in each layer: (1 − r)·A + r·I' })),
  token: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'the token whose row is returned (the first: where a BERT-style classifier reads)' })),
});

export type AttentionRolloutOptions = Static<typeof OPTIONS> & ExplainOptions;

/** [B, T, T] from one layer's probabilities [B, H, T, T] (or [B, T, T] for one head). */
function fuseHeads(a: tf.Tensor, fusion: 'mean' | 'max' | 'min'): tf.Tensor {
  if (a.rank === 3) return a.clone();
  if (a.rank !== 4) throw new InvalidArgumentError(`attention probabilities of shape [${a.shape}]: expected [batch, heads, T, T]`);
  return fusion === 'mean' ? tf.mean(a, 1) : fusion === 'max' ? tf.max(a, 1) : tf.min(a, 1);
}

/**
 * Attention rollout (Abnar & Zuidema 2020): per layer Ã = (1 − r)·fuse_heads(A) + r·I with rows
 * normalised to 1, multiplied from the first layer up (Ã_L ··· Ã_1); the row of `token` says how
 * much each input token flows into it. The layers are the softmaxes that feed an A·V product
 * (see `recognizeAttention`). Relevance: [batch, T] (or [T] for one sample); rows sum to 1.
 */
export function attentionRollout(model: XaiModel, input: ModelInput, options: AttentionRolloutOptions = {}): Explanation {
  const { headFusion = 'mean' } = options;
  const graph = model.graph;
  const layers = attentionLayers(model);
  const wanted = new Set(layers);
  const head = model.headIndex(options.output);
  const { tensors, unbatched } = batchInputs(graph, input);
  const probabilities: tf.Tensor[] = [];
  let logits: tf.Tensor | undefined;
  try {
    const values = forwardAll(graph, tensors, (node, _ins, out) => {
      if (wanted.has(node.output)) probabilities.push(fuseHeads(out, headFusion));
    });
    logits = tf.clone(values.get(explainedTensor(graph, head))!);
    for (const [id, t] of values) if (!graph.inputs.includes(id)) t.dispose();
    return rolloutExplanation(model, tensors, unbatched, probabilities, logits, options);
  } finally {
    tensors.forEach((t) => t.dispose());
    probabilities.forEach((t) => t.dispose());
    logits?.dispose();
  }
}

/** The softmax outputs rollout multiplies (in graph order). */
function attentionLayers(model: XaiModel): number[] {
  const layers = attentionSoftmaxes(model.graph);
  if (layers.length === 0) throw new InvalidArgumentError('attention_rollout needs a model with attention: no softmax feeds a product with values (A·V)');
  return layers.map((n) => n.output);
}

/** The rollout of fused attention maps [B, T, T] per layer, as an explanation (does not take ownership of its arguments). */
function rolloutExplanation(model: XaiModel, tensors: readonly tf.Tensor[], unbatched: boolean, probabilities: readonly tf.Tensor[], logits: tf.Tensor, options: AttentionRolloutOptions): Explanation {
  const { residual = 0.5, token = 0 } = options;
  const head = model.headIndex(options.output);
  const targets = resolveTargets(logits, options.target, model.graph.outputNames[head]!);
  const rollout = tf.tidy(() => {
    const [batch, T] = probabilities[0]!.shape as [number, number, number];
    if (token >= T) throw new InvalidArgumentError(`option 'token': ${token} is out of range for ${T} tokens`);
    const eye = tf.eye(T).expandDims(0);
    let total: tf.Tensor = tf.tile(eye, [batch, 1, 1]);
    for (const a of probabilities) {
      const mixed = tf.add(tf.mul(a, 1 - residual), tf.mul(eye, residual));
      const rows = tf.div(mixed, tf.sum(mixed, -1, true));
      total = tf.matMul(rows, total);
    }
    const row = tf.squeeze(tf.slice(total, [0, token, 0], [batch, 1, T]), [1]);
    return unbatched ? row.squeeze([0]) : row;
  });
  const relevances = [rollout, ...tensors.slice(1).map((t) => tf.zeros(unbatched ? t.shape.slice(1) : t.shape))];
  const shownLogits = unbatched ? logits.squeeze([0]) : tf.clone(logits);
  return {
    relevance: rollout,
    relevances,
    logits: shownLogits,
    targets,
    dispose: () => (relevances.forEach((t) => t.dispose()), shownLogits.dispose()),
  };
}

/**
 * `attentionRollout` on the chosen executor: under 'ort' the forward pass to the attention maps and
 * logits runs as one compiled ONNX graph (cached with the model), the rollout's few T×T products in
 * tfjs; what ORT cannot compile runs on tfjs after a one-line notice.
 */
export async function attentionRolloutOn(model: XaiModel, input: ModelInput, options: AttentionRolloutOptions & ExecutorOptions = {}): Promise<Explanation> {
  if (resolveExecutor(options.executor) !== 'ort') return { ...attentionRollout(model, input, options), execution: { executor: 'tfjs' } };
  const layers = attentionLayers(model);
  const { tensors, unbatched } = batchInputs(model.graph, input);
  try {
    const from = explainedTensor(model.graph, model.headIndex(options.output));
    const out = await forwardOutputsOnOrt(model.graph, tensors, [...layers, from]);
    const logits = out.tensors.pop()!;
    const probabilities = out.tensors.map((a) => fuseHeads(a, options.headFusion ?? 'mean'));
    try {
      const e = rolloutExplanation(model, tensors, unbatched, probabilities, logits, options);
      return { ...e, execution: { executor: 'ort', provider: out.provider, providerNote: out.providerNote, built: out.built, buildMs: out.buildMs } };
    } finally {
      tf.dispose([...out.tensors, ...probabilities, logits]);
    }
  } catch (err) {
    if (!(err instanceof NotCompilableError) && !(err instanceof OrtUnavailableError)) throw err;
    notify(options, err instanceof NotCompilableError ? fallbackNotice(err.message) : `xai: ${err.message}; running on tfjs instead`);
    return { ...attentionRollout(model, input, options), execution: { executor: 'tfjs', fallback: err.message } };
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

export const attentionRolloutMethod: MethodDefinition = {
  name: 'attention_rollout',
  family: 'structure',
  description: 'attention rollout (Abnar & Zuidema 2020): attention flow per token, layers multiplied with the residual as identity',
  options: OPTIONS,
  allInputsInOnePass: true,
  integerInputs: true,
  appliesTo: (model) => attentionSoftmaxes(model.graph).length > 0,
  runsOnOrt: true,
  run: async (model, input, options) => attentionRolloutOn(model, input, options as AttentionRolloutOptions & ExecutorOptions),
};

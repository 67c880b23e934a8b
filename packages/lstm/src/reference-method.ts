/**
 * The fixtures' LSTM reference method (shared/fixtures/README.md): kind 'lrp' with
 * `relevance_at: 'embedding output …'`, the epsilon rule on the Dense layers, the recurrent rule
 * with the given ε and bias_factor, and the relevance read at the Embedding output [T, dim].
 * Other 'lrp' params go to the runner this one replaces. Under the 'ort' executor the model is
 * explained from the Embedding output on (a view of it, fed with the embedding vectors), so the
 * relevance there is the view's input relevance and the compiled graph computes it.
 */
import * as tf from '@tensorflow/tfjs';
import { activationAt, lrp, lrpOn, MethodNotAvailable, ruleByName, type Composite, type ExecutorOptions, type Explanation, type MethodRunner, type RuleSpec, type XaiModel } from '@xai/core';
import { EmbeddingNode, relevanceAtEmbedding } from './embedding-node.js';
import { recurrentComposite } from './recurrent-rule.js';

/** LRP from the Embedding output on, on the executor `run` names; the relevance is the vectors'. */
async function fromEmbeddingOn(model: XaiModel, input: tf.Tensor, target: number, composite: Composite, run: ExecutorOptions): Promise<Explanation> {
  const embeddings = model.graph.nodes.filter((n) => n instanceof EmbeddingNode);
  if (embeddings.length !== 1) throw new MethodNotAvailable(`relevance at the embedding output needs exactly one Embedding layer; the model has ${embeddings.length}`);
  const at = embeddings[0]!.name;
  const vectors = activationAt(model, input, at);
  const batched = input.rank === model.inputShapes[0]!.length;
  const view = model.startingAt(at, [null, ...(batched ? vectors.shape.slice(1) : vectors.shape)]);
  try {
    // A mask (token ids) the recurrent layers read is the view's other input, held fixed.
    const others = view.graph.inputNames.slice(1).map((name) => {
      if (name !== model.graph.inputNames[0]) throw new MethodNotAvailable(`the view from the Embedding output reads input '${name}'`);
      return input;
    });
    const e = await lrpOn(view, others.length ? [vectors, ...others] : vectors, { target, composite, ...run });
    e.relevances.slice(1).forEach((t) => t.dispose());
    return { ...e, relevances: [e.relevance], dispose: () => tf.dispose([e.relevance, e.logits]) };
  } finally {
    vectors.dispose();
    view.dispose();
  }
}

export function embeddingReferenceRunner(previousRunner: () => MethodRunner | undefined): MethodRunner {
  return (model, input, target, params, run) => {
    const at = params.relevance_at;
    const previous = previousRunner();
    if (typeof at !== 'string' || !at.startsWith('embedding output')) {
      if (!previous) throw new MethodNotAvailable(`method kind '${params.kind}' is not implemented`);
      return previous(model, input, target, params, run);
    }
    if (!params.rule) throw new MethodNotAvailable('relevance at the embedding output needs params.rule (the rule of the Dense layers)');
    const recurrent = { epsilon: params.epsilon ?? params.rule.epsilon, biasFactor: (params.bias_factor ?? 0) as 0 | 1 };
    const composite = recurrentComposite(ruleByName(params.rule as RuleSpec), recurrent);
    if (run?.executor === 'ort') return fromEmbeddingOn(model, input, target, composite, run);
    const e = lrp(model, input, { target, composite, keepNodeRelevance: true });
    let relevance: tf.Tensor;
    let logits: tf.Tensor;
    try {
      relevance = tf.clone(relevanceAtEmbedding(model.graph, e.nodeRelevance));
      logits = tf.clone(e.logits);
    } finally {
      e.dispose();
    }
    const result: Explanation = {
      relevance,
      relevances: [relevance],
      logits,
      targets: e.targets,
      dispose: () => tf.dispose([relevance, logits]),
    };
    return result;
  };
}

/**
 * The fixtures' LSTM reference method (shared/fixtures/README.md): kind 'lrp' with
 * `relevance_at: 'embedding output …'`, the epsilon rule on the Dense layers, the recurrent rule
 * with the given ε and bias_factor, and the relevance read at the Embedding output [T, dim].
 * Other 'lrp' params go to the runner this one replaces.
 */
import * as tf from '@tensorflow/tfjs';
import { lrp, MethodNotAvailable, ruleByName, type Explanation, type MethodRunner, type RuleSpec } from '@xai/core';
import { relevanceAtEmbedding } from './embedding-node.js';
import { recurrentComposite } from './recurrent-rule.js';

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

import * as tf from '@tensorflow/tfjs';
import { GraphNode, InvalidArgumentError, type ConversionContext, type ModelGraph } from '@xai/core';
import { recordTokenInput } from './masking.js';

/**
 * Keras Embedding: token ids [batch, …] → vectors [batch, …, dim]. Under LRP the relevance of a
 * token is the sum of its vector's relevance over the embedding axis (the lookup is a linear map
 * with a one-hot input). Token ids are not differentiable: under gradient propagation nothing flows
 * to them (the engine reports zeros); the gradient at the embedding output is the node relevance
 * of this node (`keepNodeRelevance`, see `relevanceAtEmbedding`).
 */
export class EmbeddingNode extends GraphNode {
  readonly kind = 'embedding';

  constructor(
    name: string,
    layerName: string,
    layerClass: string,
    inputs: readonly number[],
    output: number,
    /** [vocabulary, dim], owned by the LayersModel. */
    readonly embeddings: tf.Tensor2D,
    readonly maskZero: boolean,
  ) {
    super(name, layerName, layerClass, inputs, output);
  }

  forward([ids]: tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.gather(this.embeddings, ids!.dtype === 'int32' ? ids! : tf.cast(ids!, 'int32')));
  }

  /** Token ids are not differentiable. */
  override vjp(): (tf.Tensor | null)[] {
    return [null];
  }

  /** LRP: the `embedding_sum` rule (registered by the plugin). */
  override get defaultRule(): string {
    return 'embedding_sum';
  }
}

export function convertEmbedding(ctx: ConversionContext): GraphNode[] {
  recordTokenInput(ctx.layer, ctx.inputs[0]!);
  const [embeddings] = ctx.weights();
  if (!embeddings || embeddings.rank !== 2) ctx.unsupported('expected one [vocabulary, dim] embedding matrix');
  return [new EmbeddingNode(ctx.name, ctx.name, ctx.className, ctx.inputs, ctx.output, embeddings as tf.Tensor2D, ctx.config.maskZero === true)];
}

/**
 * The relevance (or, for gradient explanations, the gradient) at the output of the model's
 * Embedding layer, [batch, T, dim], from an explanation made with `keepNodeRelevance: true`.
 * Names the problem when the model has no Embedding, several, or the node relevance was not kept.
 */
export function relevanceAtEmbedding(graph: ModelGraph, nodeRelevance: ReadonlyMap<string, tf.Tensor> | undefined): tf.Tensor {
  const embeddings = graph.nodes.filter((n): n is EmbeddingNode => n instanceof EmbeddingNode);
  if (embeddings.length !== 1) {
    throw new InvalidArgumentError(`relevance at the embedding output needs exactly one Embedding layer; the model has ${embeddings.length}`);
  }
  if (!nodeRelevance) throw new InvalidArgumentError('relevance at the embedding output needs an explanation made with keepNodeRelevance: true');
  const r = nodeRelevance.get(embeddings[0]!.name);
  if (!r) throw new InvalidArgumentError(`no relevance reached the Embedding '${embeddings[0]!.layerName}'`);
  return r;
}

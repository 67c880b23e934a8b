import type * as tf from '@tensorflow/tfjs';
import { ruleMap } from '../composites/index.js';
import { InvalidArgumentError } from '../errors.js';
import type { ModelGraph } from '../graph/graph.js';
import type { XaiModel } from '../model.js';
import { compositeFor, unbatch, type LrpOptions } from './explain-lrp.js';
import { batchInputs, type ModelInput } from './inputs.js';
import { explainedTensor, propagateGraph, type Seed } from './propagate.js';

export interface PropagateOptions extends Pick<LrpOptions, 'composite' | 'rule' | 'low' | 'high' | 'compositeOptions'> {
  /**
   * Where the seed is placed: an output (index or output layer name; the logits, a final softmax
   * stripped), a layer name (the layer's output, after a fused activation) or a node name.
   * Default: the first output.
   */
  readonly from?: number | string;
  /** A tensor shaped like that activation (batch axis optional for one sample), or a function of it (see `logitSeed`, `channelSeed`, `maskSeed`). */
  readonly seed: Seed;
  /** Also return the relevance (or gradient, under a gradient composite) at these nodes' outputs (node or layer names), or at every node's. */
  readonly at?: readonly string[] | 'all';
}

/** Result of `propagate`. Owns its tensors: call dispose() when done. */
export interface Propagation {
  /** Relevance of the (first) model input, shaped like it. */
  readonly relevance: tf.Tensor;
  readonly relevances: tf.Tensor[];
  /** The activation the seed was placed on. */
  readonly activation: tf.Tensor;
  /** Relevance at the nodes asked for in `at`, keyed as asked. */
  readonly nodeRelevance: Map<string, tf.Tensor>;
  dispose(): void;
}

/**
 * The node whose output a name means: a layer name is the layer's output (its last node, e.g. after
 * a fused activation), else a node name (e.g. `block1_conv1/relu`).
 */
function nodeNamed(graph: ModelGraph, name: string): string {
  const ofLayer = graph.nodes.filter((n) => n.layerName === name);
  if (ofLayer.length > 0) return ofLayer[ofLayer.length - 1]!.name;
  if (graph.nodes.some((n) => n.name === name)) return name;
  throw new InvalidArgumentError(`no node or layer named '${name}'; nodes are ${graph.nodes.map((n) => n.name).join(', ')}`);
}

function startTensor(model: XaiModel, from: number | string | undefined): number {
  const graph = model.graph;
  if (from === undefined || typeof from === 'number' || graph.outputNames.includes(from)) return explainedTensor(graph, model.headIndex(from));
  const name = nodeNamed(graph, from);
  return graph.nodes.find((n) => n.name === name)!.output;
}

/**
 * Propagation from any seed at any node: forward once, place `seed` on the activation `from`, and
 * propagate back with a composite (default 'epsilon_plus'; 'gradient' gives Jᵀ·seed).
 */
export function propagate(model: XaiModel, input: ModelInput, options: PropagateOptions): Propagation {
  const rules = ruleMap(model.graph, compositeFor(options));
  const from = startTensor(model, options.from);
  const at = options.at === 'all' ? model.graph.nodes.map((n) => n.name) : options.at ?? [];
  const nodeOf = new Map(at.map((name) => [name, nodeNamed(model.graph, name)]));
  const { tensors, unbatched } = batchInputs(model.graph, input);
  try {
    const result = propagateGraph(model.graph, {
      inputs: tensors,
      from,
      seed: options.seed,
      ruleFor: (node) => rules.get(node)!,
      keep: new Set(nodeOf.values()),
    });
    const relevances = result.relevance.map(unbatch(unbatched));
    const activation = unbatch(unbatched)(result.activation);
    const kept = result.nodeRelevance ?? new Map<string, tf.Tensor>();
    const nodeRelevance = new Map<string, tf.Tensor>();
    const handedOut = new Set<string>();
    for (const [asked, node] of nodeOf) {
      const r = kept.get(node);
      if (!r) continue;
      nodeRelevance.set(asked, handedOut.has(node) ? r.clone() : r);
      handedOut.add(node);
    }
    return {
      relevance: relevances[0]!,
      relevances,
      activation,
      nodeRelevance,
      dispose() {
        relevances.forEach((t) => t.dispose());
        activation.dispose();
        nodeRelevance.forEach((t) => t.dispose());
      },
    };
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

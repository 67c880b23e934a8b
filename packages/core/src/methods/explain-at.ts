/**
 * Explaining an inner activation instead of the model input: for token models the encoder input
 * (token + position embedding), [T, d] per sample, where gradient × input, integrated gradients
 * (zero embedding as baseline), SmoothGrad and LRP's relevance at the encoder input are defined.
 */
import * as tf from '@tensorflow/tfjs';
import { batchInputs, type ModelInput } from '../engine/inputs.js';
import { forwardAll } from '../engine/propagate.js';
import { InvalidArgumentError } from '../errors.js';
import { consumers, type ModelGraph } from '../graph/graph.js';
import type { GraphNode } from '../graph/node.js';
import type { XaiModel } from '../model.js';
import { explain, type ExplainRequest, type ExplainResult } from './explain.js';

/** An addition that puts another embedding (position, segment) or a constant on top of its input. */
const isEmbeddingSum = (node: GraphNode) => node.kind === 'add' || node.kind === 'broadcast-add' || (node.kind === 'elementwise' && node.layerClass === 'Add');

/**
 * The node whose output is the encoder input of a token model: the embedding lookup of the first
 * integer input, followed by the additions of position (and segment) embeddings while each is its
 * value's only reader.
 */
export function encoderInput(graph: ModelGraph): string {
  const inputs = new Set(graph.inputs);
  let node = graph.nodes.find((n) => n.kind === 'embedding' && n.inputs.some((t) => inputs.has(t)));
  if (!node) throw new InvalidArgumentError('the model has no embedding lookup of an input (a Gather on a constant table): name the node to explain from');
  const readers = consumers(graph);
  for (let next = readers.get(node.output); next?.length === 1 && isEmbeddingSum(next[0]!) && !graph.outputs.includes(node.output); next = readers.get(node.output)) node = next[0]!;
  return node.name;
}

/** The output of node `name` for `input` (batch axis as given: one sample without, or a batch). */
export function activationAt(model: XaiModel, input: ModelInput, name: string): tf.Tensor {
  const node = model.graph.nodes.find((n) => n.name === name);
  if (!node) throw new InvalidArgumentError(`no node named '${name}'`);
  const { tensors, unbatched } = batchInputs(model.graph, input);
  try {
    const values = forwardAll(model.graph, tensors, undefined, node.output);
    const out = tf.clone(values.get(node.output)!);
    for (const [id, t] of values) if (!model.graph.inputs.includes(id)) t.dispose();
    if (!unbatched) return out;
    const s = out.squeeze([0]);
    out.dispose();
    return s;
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

export interface ExplainAtRequest extends ExplainRequest {
  /** The node whose output is explained; default the encoder input (see `encoderInput`). */
  readonly at?: string;
}

/** An explanation of the activation at a node: relevance shaped like it, and the activation itself. */
export interface ExplainAtResult extends ExplainResult {
  readonly at: string;
  readonly activation: tf.Tensor;
}

/**
 * Any registered method, explaining the output of node `at` (default: the encoder input) as if it
 * were the model input: the model is seen from that node on, fed with that node's activation for
 * `input`. Other model inputs the rest of the model reads (an attention mask) are fed as given and
 * held fixed: relevance is reported for the activation only.
 */
export async function explainAt(model: XaiModel, input: ModelInput, request: ExplainAtRequest): Promise<ExplainAtResult> {
  const { at: asked, ...rest } = request;
  const at = asked ?? encoderInput(model.graph);
  const activation = activationAt(model, input, at);
  const list = Array.isArray(input) ? [...input] : [input as tf.Tensor];
  const batched = list[0]!.rank === model.inputShapes[0]!.length;
  const shape = [null, ...(batched ? activation.shape.slice(1) : activation.shape)];
  const view = model.startingAt(at, shape);
  try {
    // The view's other inputs are model inputs, by name.
    const others = view.graph.inputNames.slice(1).map((name) => list[model.graph.inputNames.indexOf(name)]!);
    const result = await explain(view, others.length ? [activation, ...others] : activation, { ...rest, ...(others.length ? { explainedInputs: [0] } : {}) });
    const relevance = result.relevance;
    const extra = result.relevances.slice(1);
    extra.forEach((t) => t.dispose());
    return {
      ...result,
      relevances: [relevance],
      at,
      activation,
      dispose: () => (relevance.dispose(), result.logits.dispose(), result.nodeRelevance?.forEach((t) => t.dispose()), activation.dispose()),
    };
  } catch (err) {
    activation.dispose();
    throw err;
  } finally {
    view.dispose();
  }
}

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import { nonNegativeTensors, producers, type ModelGraph } from '../graph/graph.js';
import type { BackwardContext, GraphNode, PropagationMode } from '../graph/node.js';
import { ActivationNode } from '../nodes/activation-node.js';
import { LinearNode } from '../nodes/linear-node.js';
import { DenominatorSchedule } from './prefetch/schedule.js';
import type { LinearRule } from '../rules/rule.js';

export interface PropagationRequest {
  /** Batched inputs, one per model input. */
  readonly inputs: readonly tf.Tensor[];
  /** Which output head to explain (index into the graph outputs). */
  readonly head: number;
  /** Target class per sample (or one for all); default: the arg-max of each sample. */
  readonly targets?: number | readonly number[];
  readonly mode: PropagationMode;
  /** LRP starts from one-hot(target) × logit, gradients from one-hot(target). */
  readonly seed: 'logit' | 'onehot';
  readonly ruleFor: BackwardContext['ruleFor'];
  /** Gradient mode: guided backprop or deconvnet treatment of ReLUs. */
  readonly reluBackward?: BackwardContext['reluBackward'];
  /** Keep the relevance at every node's output (keyed by node name). */
  readonly keepNodeRelevance?: boolean;
}

export interface PropagationResult {
  /** Relevance (or gradient) per model input, each shaped like that input. */
  readonly relevance: tf.Tensor[];
  /** The explained output head before any softmax, [batch, classes]. */
  readonly logits: tf.Tensor;
  readonly targets: number[];
  readonly nodeRelevance?: Map<string, tf.Tensor>;
}

/** The explained tensor of a head: a final softmax is stripped (explanations are of the logits). */
export function explainedTensor(graph: ModelGraph, head: number): number {
  let id = graph.outputs[head]!;
  const made = producers(graph);
  for (let node = made.get(id); node instanceof ActivationNode && node.activation === 'softmax'; node = made.get(id)) id = node.inputs[0]!;
  return id;
}

function argMax(logits: tf.Tensor): number[] {
  const best = tf.argMax(logits, 1);
  try {
    return Array.from(best.dataSync());
  } finally {
    best.dispose();
  }
}

/** Target class per sample: given (one or per sample) or the arg-max; checked against the classes. */
export function resolveTargets(logits: tf.Tensor, targets: PropagationRequest['targets'], headName: string): number[] {
  const [batch, classes] = logits.shape as [number, number];
  const list = targets === undefined
    ? argMax(logits)
    : typeof targets === 'number'
      ? Array(batch).fill(targets)
      : [...targets];
  if (list.length !== batch) throw new InvalidArgumentError(`got ${list.length} targets for a batch of ${batch}`);
  for (const t of list) {
    if (!Number.isInteger(t) || t < 0 || t >= classes) {
      throw new InvalidArgumentError(`target ${t} is out of range for output '${headName}' with ${classes} classes`);
    }
  }
  return list;
}

/** The explained output (before any softmax) of a head for a batch, from one forward pass. */
export function explainedLogits(graph: ModelGraph, inputs: readonly tf.Tensor[], head: number): tf.Tensor {
  const values = forwardAll(graph, inputs);
  const logits = tf.clone(values.get(explainedTensor(graph, head))!);
  for (const [id, t] of values) if (!graph.inputs.includes(id)) t.dispose();
  return logits;
}

/** Runs the graph, keeping every node's output; `after` sees each node's inputs and output. */
export function forwardAll(
  graph: ModelGraph,
  inputs: readonly tf.Tensor[],
  after?: (node: GraphNode, inputs: tf.Tensor[], output: tf.Tensor) => void,
): Map<number, tf.Tensor> {
  const values = new Map<number, tf.Tensor>(graph.inputs.map((id, i) => [id, inputs[i]!]));
  try {
    for (const node of graph.nodes) {
      const ins = node.inputs.map((t) => values.get(t)!);
      const out = node.forward(ins);
      values.set(node.output, out);
      after?.(node, ins, out);
    }
  } catch (err) {
    for (const [id, t] of values) if (!graph.inputs.includes(id)) t.dispose();
    throw err;
  }
  return values;
}

/**
 * One explanation: forward once keeping activations, seed the explained output, then walk the
 * nodes in reverse topological order; a tensor read by several nodes sums what they send back.
 */
export function propagate(graph: ModelGraph, request: PropagationRequest): PropagationResult {
  const nonNegative = nonNegativeTensors(graph);
  const schedule = request.mode === 'lrp' ? DenominatorSchedule.start() : null;
  let values: Map<number, tf.Tensor>;
  try {
    values = forwardAll(graph, request.inputs, schedule ? (node, ins, out) => {
      if (node instanceof LinearNode) schedule.afterForward(node, ins[0]!, out, request.ruleFor(node), nonNegative.has(node.inputs[0]!));
    } : undefined);
  } catch (err) {
    schedule?.finish();
    throw err;
  }
  const relevance = new Map<number, tf.Tensor>();
  const nodeRelevance = request.keepNodeRelevance ? new Map<string, tf.Tensor>() : undefined;
  try {
    const headId = explainedTensor(graph, request.head);
    const logits = values.get(headId)!;
    if (logits.rank !== 2) {
      throw new InvalidArgumentError(`output '${graph.outputNames[request.head]}' has shape [${logits.shape}]; explanations need [batch, classes]`);
    }
    const targets = resolveTargets(logits, request.targets, graph.outputNames[request.head]!);
    relevance.set(headId, tf.tidy(() => {
      const onehot = tf.oneHot(tf.tensor1d(targets, 'int32'), logits.shape[1]!).toFloat();
      return request.seed === 'logit' ? tf.mul(onehot, logits) : onehot;
    }));

    const ctx: BackwardContext = {
      mode: request.mode,
      reluBackward: request.reluBackward,
      ruleFor: request.ruleFor,
      isNonNegative: (id) => nonNegative.has(id),
      prefetched: schedule ? (node) => schedule.forNode(node) : undefined,
      linearBackward: schedule ? (op, s, kernel, shape) => schedule.backward(op, s, kernel, shape) : undefined,
    };
    const accumulate = (id: number, r: tf.Tensor) => {
      const prev = relevance.get(id);
      relevance.set(id, prev ? tf.tidy(() => tf.add(prev, r)) : r);
      if (prev) {
        prev.dispose();
        r.dispose();
      }
    };
    for (const node of [...graph.nodes].reverse()) {
      const r = relevance.get(node.output);
      if (!r) continue;
      const inputs = node.inputs.map((t) => values.get(t)!);
      const sent = backwardNode(node, inputs, values.get(node.output)!, r, ctx);
      sent.forEach((ri, i) => ri && accumulate(node.inputs[i]!, ri));
      relevance.delete(node.output);
      if (nodeRelevance) nodeRelevance.set(node.name, r);
      else r.dispose();
    }
    // An input nothing flows to (e.g. integer token ids under gradient propagation) gets float32 zeros.
    const result = graph.inputs.map((id, i) => relevance.get(id) ?? tf.zeros(request.inputs[i]!.shape));
    relevance.clear();
    return { relevance: result, logits: tf.clone(logits), targets, nodeRelevance };
  } finally {
    schedule?.finish();
    for (const t of relevance.values()) t.dispose();
    for (const [id, t] of values) if (!graph.inputs.includes(id)) t.dispose();
  }
}

function backwardNode(node: GraphNode, inputs: tf.Tensor[], output: tf.Tensor, r: tf.Tensor, ctx: BackwardContext): (tf.Tensor | null)[] {
  try {
    return node.backward(inputs, output, r, ctx);
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw err;
    throw new Error(`propagation through layer '${node.layerName}' (${node.layerClass}) failed: ${(err as Error).message}`, { cause: err });
  }
}

export type { LinearRule };

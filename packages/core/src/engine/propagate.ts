import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import { localExecutor, type LinearExecutor } from '../executors/linear-executor.js';
import { WorkerExecutor } from '../executors/worker/worker-executor.js';
import { nonNegativeTensors, producers, type ModelGraph } from '../graph/graph.js';
import type { GraphNode } from '../graph/node.js';
import { ActivationNode } from '../nodes/activation-node.js';
import { isLinearRule, type Rule, type RuleContext } from '../rules/rule.js';

/** The seed at the starting tensor: a tensor shaped like it, or made from its activation. */
export type Seed = tf.Tensor | ((activation: tf.Tensor) => tf.Tensor);

export interface GraphPropagation {
  /** Batched inputs, one per model input. */
  readonly inputs: readonly tf.Tensor[];
  /** The graph tensor the seed is placed on (an output, or any node's output). */
  readonly from: number;
  readonly seed: Seed;
  /** The rule of every node (see `ruleMap`). */
  readonly ruleFor: (node: GraphNode) => Rule;
  /** Keep the relevance at these nodes' outputs (node names), or at every node's ('all'). */
  readonly keep?: 'all' | ReadonlySet<string>;
}

export interface GraphPropagationResult {
  /** Relevance (or gradient) per model input, each shaped like that input. */
  readonly relevance: tf.Tensor[];
  /** The activation the seed was placed on (a copy). */
  readonly activation: tf.Tensor;
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
export function resolveTargets(logits: tf.Tensor, targets: number | readonly number[] | undefined, headName: string): number[] {
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

/**
 * Runs the graph, keeping every node's output; `after` sees each node's inputs and output.
 * `until` stops after the node producing that tensor (the nodes after it are not needed).
 */
export function forwardAll(
  graph: ModelGraph,
  inputs: readonly tf.Tensor[],
  after?: (node: GraphNode, inputs: tf.Tensor[], output: tf.Tensor) => void,
  until?: number,
): Map<number, tf.Tensor> {
  const values = new Map<number, tf.Tensor>(graph.inputs.map((id, i) => [id, inputs[i]!]));
  try {
    for (const node of graph.nodes) {
      if (until !== undefined && values.has(until)) break;
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

/** The seed tensor for an activation, checked against its shape. */
function seedFor(seed: Seed, activation: tf.Tensor): tf.Tensor {
  const s = typeof seed === 'function' ? seed(activation) : tf.clone(seed);
  if (s.size !== activation.size) {
    const shape = s.shape;
    s.dispose();
    throw new InvalidArgumentError(`the seed has shape [${shape}], the activation it starts from [${activation.shape}]`);
  }
  if (s.shape.join() === activation.shape.join()) return s;
  const reshaped = s.reshape(activation.shape);
  s.dispose();
  return reshaped;
}

/**
 * One propagation: forward once keeping activations, place the seed on tensor `from`, then walk the
 * nodes before it in reverse topological order, each handing the relevance of its output to its
 * inputs by the rule it was given; a tensor read by several nodes sums what they send back.
 */
export function propagateGraph(graph: ModelGraph, request: GraphPropagation): GraphPropagationResult {
  const nonNegative = nonNegativeTensors(graph);
  const executor: LinearExecutor = WorkerExecutor.start() ?? localExecutor;
  let values: Map<number, tf.Tensor>;
  try {
    values = forwardAll(graph, request.inputs, executor.afterForward ? (node, ins, out) => {
      const op = node.linearOp();
      const rule = op ? request.ruleFor(node) : null;
      if (op && rule && isLinearRule(rule)) executor.afterForward!(op, ins[0]!, out, rule, nonNegative.has(node.inputs[0]!));
    } : undefined, request.from);
  } catch (err) {
    executor.finish();
    throw err;
  }
  const relevance = new Map<number, tf.Tensor>();
  const keep = request.keep;
  const nodeRelevance = keep ? new Map<string, tf.Tensor>() : undefined;
  try {
    const activation = values.get(request.from);
    if (!activation) throw new InvalidArgumentError(`tensor ${request.from} is not computed by the graph`);
    relevance.set(request.from, seedFor(request.seed, activation));
    const ctx: RuleContext = {
      isNonNegative: (id) => nonNegative.has(id),
      linearMap: (node) => {
        const op = node.linearOp();
        return op ? executor.map(op) : null;
      },
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
      const sent = backwardNode(node, request.ruleFor(node), inputs, values.get(node.output)!, r, ctx);
      sent.forEach((ri, i) => ri && accumulate(node.inputs[i]!, ri));
      relevance.delete(node.output);
      if (nodeRelevance && (keep === 'all' || (keep as ReadonlySet<string>).has(node.name))) nodeRelevance.set(node.name, r);
      else r.dispose();
    }
    // An input nothing flows to (e.g. integer token ids under gradient propagation) gets float32 zeros.
    const result = graph.inputs.map((id, i) => relevance.get(id) ?? tf.zeros(request.inputs[i]!.shape));
    relevance.clear();
    return { relevance: result, activation: tf.clone(activation), nodeRelevance };
  } catch (err) {
    nodeRelevance?.forEach((t) => t.dispose());
    throw err;
  } finally {
    executor.finish();
    for (const t of relevance.values()) t.dispose();
    for (const [id, t] of values) if (!graph.inputs.includes(id)) t.dispose();
  }
}

/** One node's backward step under its rule (linear rules see the node's linear map through the executor). */
function backwardNode(node: GraphNode, rule: Rule, inputs: tf.Tensor[], output: tf.Tensor, r: tf.Tensor, ctx: RuleContext): (tf.Tensor | null)[] {
  try {
    if (!isLinearRule(rule)) return rule.backward(node, { inputs, output, r }, ctx);
    const map = ctx.linearMap(node);
    if (!map) throw new InvalidArgumentError(`rule '${rule.name}' applies to linear layers; layer '${node.layerName}' (${node.layerClass}) is a ${node.kind} node`);
    return [rule.propagate(map, { x: inputs[0]!, z: output, r, nonNegativeInput: ctx.isNonNegative(node.inputs[0]!) })];
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw err;
    throw new Error(`propagation through layer '${node.layerName}' (${node.layerClass}) failed: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Compiles one explanation — forward pass, seed, and every node's rule back to the inputs — into a
 * single ONNX graph for a fixed input shape (batch included):
 *
 *   inputs: input_i (float32, the engine's layout), targets (int64 [B], −1 = the arg-max),
 *           held_k (a view's held input, batch axis 1: fixed-input-steps.ts)
 *   outputs: relevance_i (shaped like input_i), logits ([B, classes]), targets (int64 [B])
 *
 * Planning walks the graph without touching kernel data; the plan's key says whether a cached
 * session already holds the same graph, and only `save`/`encode` compute the (modified) kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { FixedInputNode } from '../../graph/fixed-inputs.js';
import { nonNegativeTensors, type ModelGraph } from '../../graph/graph.js';
import type { GraphNode } from '../../graph/node.js';
import type { Rule } from '../../rules/rule.js';
import { dependOnInputs, emitHeldInput, heldKey, type HeldInput } from './fixed-input-steps.js';
import { ParamInitializers } from './linear-maps.js';
import { emitForward, type ForwardResult } from './node-steps.js';
import { notCompilable } from './not-compilable.js';
import { OnnxWriter, type SavedModel, type SaveOptions } from './onnx-writer.js';
import { constantInput, emitRule, ruleKey } from './rule-steps.js';
import { Values, type Value } from './values.js';
import { emptyNegativeOutputs, rectifiedTensors } from './vanishing-relevance.js';

export interface ExplanationRequest {
  readonly graph: ModelGraph;
  /** Batched input shapes (engine layout). */
  readonly inputShapes: readonly (readonly number[])[];
  /** The explained tensor (logits, [B, classes]). */
  readonly from: number;
  readonly ruleFor: (node: GraphNode) => Rule;
  /**
   * One-hot × logit (LRP), one-hot (gradients), or ∂p_t/∂z = p_t·(one-hot − p) with p the softmax of
   * the logits (gradients of the target probability: meaningful perturbation).
   */
  readonly seed: 'logit' | 'onehot' | 'probability';
  /** Only the forward pass up to the explained tensor (benchmarks compare with it). */
  readonly forwardOnly?: boolean;
}

export interface ExplanationPlan {
  /** Same key, same graph (for the same model). */
  readonly key: string;
  readonly classes: number;
  readonly inputNames: readonly string[];
  /** A view's held inputs: graph inputs fed their samples on every run (`heldFeeds`). */
  readonly heldInputs: readonly HeldInput[];
  readonly relevanceNames: readonly string[];
  encode(): Uint8Array;
  /** Writes the model into `dir` with its kernels as external data (what sessions are built from). */
  save(dir: string, options?: SaveOptions): SavedModel;
}

/** FNV-1a over the values' 32-bit patterns (a cache-key fragment for constant inputs). */
function hashFloats(values: Float32Array): string {
  let h = 0x811c9dc5;
  const words = new Uint32Array(Float32Array.from(values).buffer);
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  return `${(h >>> 0).toString(16)}:${values.length}`;
}

/** p_t·(one-hot − p), p = softmax(z): ∂p_t/∂z_k = p_t(δ_tk − p_k). */
function probabilitySeed(w: OnnxWriter, z: string, onehot: string): string {
  const p = w.op('Softmax', [z], { axis: -1 });
  const pt = w.op('ReduceSum', [w.op('Mul', [p, onehot]), w.int64s([1])], { keepdims: 1 });
  return w.op('Mul', [pt, w.op('Sub', [onehot, p])]);
}

export function planExplanation(request: ExplanationRequest): ExplanationPlan {
  const { graph, inputShapes, from } = request;
  const w = new OnnxWriter();
  const v = new Values(w);
  const params = new ParamInitializers(v);
  const keyParts: string[] = [`in=${inputShapes.map((s) => s.join('x')).join(',')}`, `from=${from}`, `seed=${request.seed}`];

  const inputNames = graph.inputs.map((_, i) => `input_${i}`);
  const values = new Map<number, Value>(graph.inputs.map((id, i) => [id, v.make(inputShapes[i]!, inputNames[i]!, 'cl')]));
  const forwards = new Map<GraphNode, ForwardResult>();
  const heldInputs: HeldInput[] = [];
  for (const node of graph.nodes) {
    if (values.has(from)) break;
    if (node instanceof FixedInputNode) {
      values.set(node.output, emitHeldInput(node, values.get(node.inputs[0]!)!.shape[0]!, heldInputs, v));
      continue;
    }
    const result = emitForward(node, node.inputs.map((t) => values.get(t)!), v, params);
    forwards.set(node, result);
    values.set(node.output, result.output);
  }
  const logits = values.get(from) ?? notCompilable(`tensor ${from}, which the graph does not compute`);
  if (logits.shape.length !== 2) notCompilable(`an explained output of shape [${logits.shape}] (explanations need [batch, classes])`);
  const [batch, classes] = logits.shape as [number, number];
  // Integer inputs (token ids, masks) are int64 in the compiled graph.
  const modelInputs = [
    ...inputNames.map((name, i) => ({ name, dtype: graph.inputDtypes?.[i] === 'int32' ? ('int64' as const) : ('float32' as const), shape: inputShapes[i]! })),
    ...heldInputs.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
  ];
  if (heldInputs.length > 0) keyParts.push(heldKey(heldInputs));
  if (request.forwardOnly) {
    const out = w.op('Identity', [logits.names.cl!]);
    return {
      key: [...keyParts, 'forward only'].join('\n'), classes, inputNames, heldInputs, relevanceNames: [],
      encode: () => w.encode(modelInputs, [out]), save: (dir, options) => w.save(dir, modelInputs, [out], options),
    };
  }

  // Seed: one-hot of the given targets (−1: the arg-max), times the logits for LRP.
  const targetsIn = 'targets';
  const argmax = w.op('ArgMax', [logits.names.cl!], { axis: 1, keepdims: 0 });
  const targets = w.op('Where', [w.op('Less', [targetsIn, w.int64s([0], [])]), argmax, targetsIn]);
  const onehot = w.op('OneHot', [targets, w.int64s([classes], []), w.floats('onehot_values', [2], Float32Array.of(0, 1))], { axis: -1 });
  const seed =
    request.seed === 'onehot' ? onehot
    : request.seed === 'logit' ? w.op('Mul', [onehot, logits.names.cl!])
    : probabilitySeed(w, logits.names.cl!, onehot);

  const nonNegative = nonNegativeTensors(graph);
  const rectified = rectifiedTensors(graph);
  const emptyNegative = emptyNegativeOutputs(graph, request.ruleFor, from);
  const relevance = new Map<number, Value>([[from, v.make([batch, classes], seed, 'cl')]]);
  const accumulate = (id: number, r: Value) => {
    const prev = relevance.get(id);
    relevance.set(id, prev ? v.ew('Add', [prev, r], v.home(prev)) : r);
  };
  const probe = (mod: (x: tf.Tensor) => tf.Tensor, shape: readonly number[]) => {
    const c = constantInput(mod, shape);
    return c ? `const:${hashFloats(c)}` : notCompilable('an input modifier that depends on the input');
  };
  const live = dependOnInputs(graph);
  for (const node of [...graph.nodes].reverse()) {
    const r = relevance.get(node.output);
    if (!r || !live.has(node.output)) continue; // held inputs and what only they feed: nothing flows on to an input
    const rule = request.ruleFor(node);
    const inputs = node.inputs.map((t) => values.get(t)!);
    keyParts.push(`${node.name}:${ruleKey(rule, (mod) => probe(mod, inputs[0]!.shape))}`);
    const sent = emitRule({ node, rule, inputs, forward: forwards.get(node)!, r, nonNegativeInput: nonNegative.has(node.inputs[0]!), rectifiedOutput: node.output !== from && rectified.has(node.output), negativeOutputsEmpty: emptyNegative.has(node.output) }, v, params);
    sent.forEach((ri, i) => ri && accumulate(node.inputs[i]!, ri));
    relevance.delete(node.output);
  }

  const relevanceNames = graph.inputs.map((id, i) => {
    const r = relevance.get(id) ?? v.filled(inputShapes[i]!, 0, 'cl');
    return w.op('Identity', [v.at(r, 'cl')]);
  });
  const outputs = [...relevanceNames, w.op('Identity', [logits.names.cl!]), w.op('Identity', [targets])];
  const graphInputs = [...modelInputs, { name: targetsIn, dtype: 'int64' as const, shape: [batch] }];
  return {
    key: keyParts.join('\n'),
    classes,
    inputNames,
    heldInputs,
    relevanceNames,
    encode: () => w.encode(graphInputs, outputs),
    save: (dir, options) => w.save(dir, graphInputs, outputs, options),
  };
}

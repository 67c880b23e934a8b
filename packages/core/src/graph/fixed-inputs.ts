import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import type { ModelGraph } from './graph.js';
import { GraphNode } from './node.js';

/**
 * Produces a held-fixed model input: one sample, repeated to the batch size of the explained
 * input. Nothing flows back through it, so the explained input is the only one a method perturbs.
 */
export class FixedInputNode extends GraphNode {
  readonly kind = 'fixed-input';

  constructor(
    name: string,
    /** The explained input's tensor id (read only for its batch size). */
    explainedInput: number,
    /** The tensor id the original model input had. */
    output: number,
    /** One sample with a batch axis of 1. */
    readonly sample: tf.Tensor,
    /** The dtype the model declares for the held input (compiled executors feed the sample in it). */
    readonly declaredDtype: 'float32' | 'int32' = 'float32',
  ) {
    super(name, name, 'InputLayer', [explainedInput], output);
  }

  forward([explained]: tf.Tensor[]): tf.Tensor {
    const batch = explained!.shape[0]!;
    return tf.tile(this.sample, [batch, ...Array(this.sample.rank - 1).fill(1)]);
  }

  override vjp(): (tf.Tensor | null)[] {
    return [null];
  }

  override dispose(): void {
    this.sample.dispose();
  }
}

/**
 * The graph seen as a function of one input, the others held at one sample each: every
 * single-input method (integrated gradients, SmoothGrad, occlusion, LIME …) then explains that
 * input of a multi-input model unchanged. `fixed` holds one sample (batch axis 1) per other
 * input; the returned nodes own clones of them.
 */
export function graphWithFixedInputs(graph: ModelGraph, explained: number, fixed: ReadonlyMap<number, tf.Tensor>): ModelGraph {
  if (explained < 0 || explained >= graph.inputs.length) throw new InvalidArgumentError(`the model has no input ${explained}`);
  const freeId = graph.inputs[explained]!;
  const fixedNodes = graph.inputs.flatMap((id, i) => {
    if (i === explained) return [];
    const sample = fixed.get(i);
    if (!sample || sample.shape[0] !== 1) throw new InvalidArgumentError(`input '${graph.inputNames[i]}' needs one fixed sample with a batch axis of 1`);
    return [new FixedInputNode(`${graph.inputNames[i]} (fixed)`, freeId, id, tf.clone(sample), graph.inputDtypes?.[i] ?? 'float32')];
  });
  const nodes = [...fixedNodes, ...graph.nodes];
  // Made anew per explanation, the view keeps its compiled sessions with the model it views (as a
  // `graphFrom` view does): the held samples are fed at run time, so one session serves them all.
  const ownView = graph.viewOf?.nodes === graph.nodes ? graph.viewOf : undefined;
  const held = `held all inputs but '${graph.inputNames[explained]}'`;
  return {
    ...graph,
    nodes,
    inputs: [freeId],
    inputNames: [graph.inputNames[explained]!],
    inputShapes: [graph.inputShapes[explained]!],
    ...(graph.inputDtypes ? { inputDtypes: [graph.inputDtypes[explained]!] } : {}),
    viewOf: ownView ? { graph: ownView.graph, from: `${ownView.from}>${held}`, nodes } : { graph, from: held, nodes },
  };
}

/**
 * The forward pass compiled to one ONNX graph whose outputs are chosen inner tensors (attention
 * probabilities for attention rollout) and run with ONNX Runtime; cached with the model's other
 * sessions, keyed by the input shapes and the tensors asked for.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelGraph } from '../../graph/graph.js';
import { inputFeed } from './input-feeds.js';
import { ParamInitializers } from './linear-maps.js';
import { loadOrt } from './load-ort.js';
import { emitForward } from './node-steps.js';
import { notCompilable } from './not-compilable.js';
import { OnnxWriter, type SaveOptions } from './onnx-writer.js';
import { compiledSession, ortSessionStats, runCompiled } from './session-cache.js';
import { Values, type Value } from './values.js';

export interface ForwardOutputs {
  /** One tensor per id asked for (engine layout, batch first). */
  readonly tensors: tf.Tensor[];
  readonly provider: string;
  readonly providerNote?: string;
  readonly built: boolean;
  readonly buildMs: number;
}

/** Plans the graph (a NotCompilableError names what cannot be compiled): the key, and its bytes on demand. */
function planForward(graph: ModelGraph, inputShapes: readonly (readonly number[])[], wanted: readonly number[]) {
  const w = new OnnxWriter();
  const v = new Values(w);
  const params = new ParamInitializers(v);
  const inputNames = graph.inputs.map((_, i) => `input_${i}`);
  const values = new Map<number, Value>(graph.inputs.map((id, i) => [id, v.make(inputShapes[i]!, inputNames[i]!, 'cl')]));
  for (const node of graph.nodes) {
    if (wanted.every((id) => values.has(id))) break;
    values.set(node.output, emitForward(node, node.inputs.map((t) => values.get(t)!), v, params).output);
  }
  const outputs = wanted.map((id) => w.op('Identity', [v.at(values.get(id) ?? notCompilable(`tensor ${id}, which the graph does not compute`), 'cl')]));
  const inputs = inputNames.map((name, i) => ({ name, dtype: graph.inputDtypes?.[i] === 'int32' ? ('int64' as const) : ('float32' as const), shape: inputShapes[i]! }));
  return {
    key: `forward outputs ${wanted.join(',')}\nin=${inputShapes.map((s) => s.join('x')).join(',')}`,
    inputNames,
    encode: () => w.encode(inputs, outputs),
    save: (dir: string, options: SaveOptions) => w.save(dir, inputs, outputs, options),
  };
}

/** The values of tensors `wanted` for a batch of inputs, computed by ONNX Runtime. */
export async function forwardOutputsOnOrt(graph: ModelGraph, inputs: readonly tf.Tensor[], wanted: readonly number[]): Promise<ForwardOutputs> {
  const plan = planForward(graph, inputs.map((t) => t.shape), wanted);
  const ort = await loadOrt();
  const before = ortSessionStats(graph).builds;
  const compiled = await compiledSession(ort, graph, plan.key, plan);
  const built = ortSessionStats(graph).builds !== before;
  const feeds: Record<string, import('onnxruntime-node').Tensor> = {};
  for (const [i, name] of plan.inputNames.entries()) feeds[name] = await inputFeed(ort, graph, i, inputs[i]!);
  const out = await runCompiled(ort, compiled, feeds);
  try {
    const tensors = compiled.session.outputNames.map((name) => tf.tensor(out[name]!.data as Float32Array, [...out[name]!.dims]));
    return { tensors, provider: compiled.provider, providerNote: compiled.providerNote, built, buildMs: compiled.buildMs };
  } finally {
    for (const t of Object.values(out)) t.dispose();
    for (const t of Object.values(feeds)) t.dispose();
  }
}

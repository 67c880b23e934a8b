/** Runs a compiled explanation with onnxruntime-node: a batch of inputs in one session run. */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../errors.js';
import { planExplanation, type ExplanationRequest } from './compile-explanation.js';
import { heldFeeds } from './fixed-input-steps.js';
import { inputFeed } from './input-feeds.js';
import { loadOrt } from './load-ort.js';
import { notCompilable } from './not-compilable.js';
import { compiledSession, ortSessionStats, owner, runCompiled } from './session-cache.js';

export interface OrtExplanationRequest extends ExplanationRequest {
  /** Batched inputs, one per model input (engine layout). */
  readonly inputs: readonly tf.Tensor[];
  /** Class index per sample, or one for the batch; default the arg-max. */
  readonly target?: number | readonly number[];
  readonly headName: string;
}

export interface OrtExplanationResult {
  readonly relevance: tf.Tensor[];
  readonly logits: tf.Tensor;
  readonly targets: number[];
  /** The execution provider that ran ('cpu', 'cuda'), and why a faster one did not. */
  readonly provider: string;
  readonly providerNote?: string;
  /** This call compiled the graph (first call for this model, composite and shape). */
  readonly built: boolean;
  readonly buildMs: number;
}

function targetList(target: number | readonly number[] | undefined, batch: number, classes: number, headName: string): number[] {
  const list = target === undefined ? Array(batch).fill(-1) : typeof target === 'number' ? Array(batch).fill(target) : [...target];
  if (list.length !== batch) throw new InvalidArgumentError(`got ${list.length} targets for a batch of ${batch}`);
  for (const t of list) {
    if (target !== undefined && (!Number.isInteger(t) || t < 0 || t >= classes)) {
      throw new InvalidArgumentError(`target ${t} is out of range for output '${headName}' with ${classes} classes`);
    }
  }
  return list;
}

/** Explanation runs per model graph: batched methods (integrated gradients, SmoothGrad) are checked to run once per batch, not per sample. */
const runsByGraph = new WeakMap<ExplanationRequest['graph'], { runs: number; samples: number }>();

/** How many compiled explanations (session runs) were run for a model (its views' included), and how many samples they held in all. */
export function ortRunStats(graph: ExplanationRequest['graph']): { runs: number; samples: number } {
  return { ...(runsByGraph.get(owner(graph)) ?? { runs: 0, samples: 0 }) };
}

/**
 * Plans the explanation (a NotCompilableError names what cannot be compiled), takes the cached
 * session or builds it, and runs the batch.
 */
export async function explainOnOrt(request: OrtExplanationRequest): Promise<OrtExplanationResult> {
  const plan = planExplanation(request);
  const batch = request.inputShapes[0]![0]!;
  const targets = targetList(request.target, batch, plan.classes, request.headName);
  const ort = await loadOrt();
  const before = ortSessionStats(request.graph).builds;
  const compiled = await compiledSession(ort, request.graph, plan.key, plan);
  const built = ortSessionStats(request.graph).builds !== before;
  const feeds: Record<string, import('onnxruntime-node').Tensor> = { targets: new ort.Tensor('int64', BigInt64Array.from(targets.map(BigInt)), [batch]) };
  for (const [i, name] of plan.inputNames.entries()) {
    const x = request.inputs[i]!;
    feeds[name] = await inputFeed(ort, request.graph, i, x);
  }
  Object.assign(feeds, await heldFeeds(ort, plan.heldInputs));
  const out = await runCompiled(ort, compiled, feeds);
  const counts = runsByGraph.get(owner(request.graph)) ?? { runs: 0, samples: 0 };
  runsByGraph.set(owner(request.graph), { runs: counts.runs + 1, samples: counts.samples + batch });
  try {
    const tensor = (name: string) => tf.tensor(out[name]!.data as Float32Array, [...out[name]!.dims]);
    const names = compiled.session.outputNames;
    const relevance = plan.relevanceNames.map(tensor);
    const logits = tensor(names[names.length - 2]!);
    const used = Array.from(out[names[names.length - 1]!]!.data as BigInt64Array, Number);
    return { relevance, logits, targets: used, provider: compiled.provider, providerNote: compiled.providerNote, built, buildMs: compiled.buildMs };
  } finally {
    for (const t of Object.values(out)) t.dispose();
    for (const t of Object.values(feeds)) t.dispose();
  }
}

/** The model's forward pass (to the explained output) compiled and run the same way: what ORT explanations compare with. */
export async function forwardOnOrt(request: Omit<ExplanationRequest, 'ruleFor' | 'seed'> & { readonly inputs: readonly tf.Tensor[] }): Promise<tf.Tensor> {
  const plan = planExplanation({ ...request, ruleFor: () => notCompilable('rules in a forward pass'), seed: 'logit', forwardOnly: true });
  const ort = await loadOrt();
  const compiled = await compiledSession(ort, request.graph, plan.key, plan);
  const feeds: Record<string, import('onnxruntime-node').Tensor> = {};
  for (const [i, name] of plan.inputNames.entries()) {
    const x = request.inputs[i]!;
    feeds[name] = await inputFeed(ort, request.graph, i, x);
  }
  Object.assign(feeds, await heldFeeds(ort, plan.heldInputs));
  const out = await runCompiled(ort, compiled, feeds);
  try {
    const y = out[compiled.session.outputNames[0]!]!;
    return tf.tensor(y.data as Float32Array, [...y.dims]);
  } finally {
    for (const t of Object.values(out)) t.dispose();
    for (const t of Object.values(feeds)) t.dispose();
  }
}

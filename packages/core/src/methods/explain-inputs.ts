import * as tf from '@tensorflow/tfjs';
import type { Explanation } from '../engine/explain-lrp.js';
import type { ExecutionReport } from '../engine/executor-choice.js';
import { batchInputs, type ModelInput } from '../engine/inputs.js';
import { explainedLogits, resolveTargets } from '../engine/propagate.js';
import { InvalidArgumentError } from '../errors.js';
import type { XaiModel } from '../model.js';
import type { MethodContext } from './method-context.js';
import type { MethodDefinition, TargetOptions } from './registry.js';

/** Model inputs chosen by index or by input layer name. */
export type InputSelection = readonly (number | string)[];

const isInteger = (model: XaiModel, index: number) => model.inputDtypes[index] === 'int32';

/**
 * Which inputs a method explains: the selection, checked, or by default every input it can
 * explain (all of them for one-pass methods; float inputs, plus int32 ones for methods that mask
 * tokens, otherwise).
 */
export function selectInputs(model: XaiModel, definition: MethodDefinition, selection: InputSelection | undefined): number[] {
  const names = model.graph.inputNames;
  const explainable = (i: number) => definition.allInputsInOnePass || definition.integerInputs || !isInteger(model, i);
  if (selection === undefined) {
    const all = names.map((_, i) => i).filter(explainable);
    if (all.length === 0) throw new InvalidArgumentError(`method '${definition.name}' cannot explain any input of this model (${names.join(', ')} hold int32 ids); use lime or a propagation method such as lrp`);
    return all;
  }
  if (!Array.isArray(selection) || selection.length === 0) throw new InvalidArgumentError(`option 'explainedInputs' must list input names or indices, got ${JSON.stringify(selection)}`);
  const chosen = selection.map((s) => {
    const i = typeof s === 'number' ? s : names.indexOf(s);
    if (!Number.isInteger(i) || i < 0 || i >= names.length) {
      throw new InvalidArgumentError(`option 'explainedInputs': the model has no input ${JSON.stringify(s)}; its inputs are ${names.map((n, k) => `${k} '${n}'`).join(', ')}`);
    }
    if (!explainable(i)) {
      throw new InvalidArgumentError(`option 'explainedInputs': input '${names[i]}' holds int32 ids, which method '${definition.name}' cannot perturb; use lime, or a propagation method such as lrp or gradient`);
    }
    return i;
  });
  return [...new Set(chosen)].sort((a, b) => a - b);
}

/** Relevance of the unselected inputs of a one-pass explanation set to zero. */
export function keepSelectedInputs(result: Explanation, selected: readonly number[]): Explanation {
  if (selected.length === result.relevances.length) return result;
  const relevances = result.relevances.map((r, i) => {
    if (selected.includes(i)) return r;
    const zeros = tf.zeros(r.shape);
    r.dispose();
    return zeros;
  });
  return {
    ...result,
    relevance: relevances[0]!,
    relevances,
    dispose: () => (relevances.forEach((t) => t.dispose()), result.logits.dispose(), result.nodeRelevance?.forEach((t) => t.dispose())),
  };
}

/**
 * A single-input method on a multi-input model: for each sample and each selected input, the
 * method explains that input with the other inputs held at the sample's values. Targets are
 * resolved once on the whole model, so every part explains the same class; inputs not explained
 * get zero relevance.
 */
export async function explainEachInput(
  model: XaiModel,
  input: ModelInput,
  definition: MethodDefinition,
  options: Readonly<Record<string, unknown>> & TargetOptions,
  selected: readonly number[],
  context: MethodContext,
): Promise<Explanation> {
  const { tensors, unbatched } = batchInputs(model.graph, input);
  const owned: tf.Tensor[] = [...tensors];
  try {
    const head = model.headIndex(options.output);
    const logits = explainedLogits(model.graph, tensors, head);
    owned.push(logits);
    const targets = resolveTargets(logits, options.target, model.graph.outputNames[head]!);
    const batch = tensors[0]!.shape[0]!;
    const perInput = new Map<number, tf.Tensor[]>(selected.map((i) => [i, []]));
    let part = 0;
    // Once a part falls back from ORT to tfjs (after its notice), the other parts run on tfjs without another notice.
    let runOptions = options;
    let execution: ExecutionReport | undefined;
    for (let b = 0; b < batch; b++) {
      const samples = tensors.map((t) => t.slice(b, 1));
      owned.push(...samples);
      for (const i of selected) {
        const view = model.withFixedInputs(i, new Map(samples.map((s, k) => [k, s] as const).filter(([k]) => k !== i)));
        try {
          const result = await definition.run(view, samples[i]!, { ...runOptions, target: targets[b]! }, context.part(part++, batch * selected.length));
          if (!execution || result.execution?.fallback) execution = result.execution;
          if (result.execution?.fallback) runOptions = { ...options, executor: 'tfjs' };
          const r = tf.clone(result.relevance);
          result.dispose();
          perInput.get(i)!.push(r);
          owned.push(r);
        } finally {
          view.dispose();
        }
      }
    }
    const relevances = tensors.map((t, i) => {
      const parts = perInput.get(i);
      const full = parts ? tf.concat(parts, 0) : tf.zeros(t.shape);
      if (!unbatched) return full;
      const s = full.squeeze([0]);
      full.dispose();
      return s;
    });
    const outLogits = unbatched ? logits.squeeze([0]) : tf.clone(logits);
    return {
      relevance: relevances[0]!,
      relevances,
      logits: outLogits,
      targets,
      ...(execution ? { execution } : {}),
      dispose: () => (relevances.forEach((t) => t.dispose()), outLogits.dispose()),
    };
  } finally {
    owned.forEach((t) => t.dispose());
  }
}

import type { Explanation } from '../engine/explain-lrp.js';
import { fallbackNotice, notify, resolveExecutor, type ExecutorOptions } from '../engine/executor-choice.js';
import type { ModelInput } from '../engine/inputs.js';
import type { XaiModel } from '../model.js';
import './builtin-methods.js';
import { explainEachInput, keepSelectedInputs, selectInputs, type InputSelection } from './explain-inputs.js';
import { MethodContext, type MethodRunOptions } from './method-context.js';
import { optionsAsJson, resolveOptions } from './option-schema.js';
import { methodByName, type MethodFamily, type TargetOptions } from './registry.js';

export interface ExplainRequest extends TargetOptions, MethodRunOptions, ExecutorOptions {
  /** A registered method name (see `listMethods()`), e.g. 'lrp', 'integrated_gradients'. */
  readonly method: string;
  /**
   * Multi-input models: the inputs to explain (names or indices). Propagation methods explain
   * every input in one backward pass; other methods explain one input at a time with the others
   * held fixed, by default every input they can (float inputs; LIME also token ids). Inputs not
   * explained get zero relevance.
   */
  readonly explainedInputs?: InputSelection;
  /** The method's own options, as its schema describes them. */
  readonly [option: string]: unknown;
}

/** An explanation with what produced it. Owns its tensors: call dispose() when done. */
export interface ExplainResult extends Explanation {
  readonly method: string;
  readonly family: MethodFamily;
  /** The method's options with defaults filled in, as JSON (tensors described by their shape). */
  readonly options: Record<string, unknown>;
  /** Wall-clock time of the explanation in milliseconds. */
  readonly elapsedMs: number;
}

/**
 * The one entry point: explains `input` (one sample without batch axis, or a batch) with any
 * registered method. Options are checked against the method's schema; an unknown or out-of-range
 * option is an InvalidArgumentError naming it.
 */
export async function explain(model: XaiModel, input: ModelInput, request: ExplainRequest): Promise<ExplainResult> {
  const { method, target, output, explainedInputs, onProgress, signal, executor: asked, onNotice, ...own } = request;
  const definition = methodByName(method);
  const executor = resolveExecutor(asked);
  let fallback: string | undefined;
  if (executor === 'ort' && !definition.runsOnOrt) notify({ onNotice }, fallbackNotice((fallback = `method '${method}'`)));
  const runOn = definition.runsOnOrt ? { executor, onNotice } : {};
  const options = resolveOptions(definition.options, own, `method '${method}'`);
  const selected = selectInputs(model, definition, explainedInputs);
  const context = new MethodContext({ onProgress, signal });
  context.throwIfCancelled();
  const reported = definition.effectiveOptions?.(options) ?? options;
  const started = performance.now();
  const result = definition.allInputsInOnePass
    ? keepSelectedInputs(await definition.run(model, input, { ...options, target, output, ...runOn }, context), selected)
    : model.graph.inputs.length > 1
      ? await explainEachInput(model, input, definition, { ...options, target, output, ...runOn }, selected, context)
      : await definition.run(model, input, { ...options, target, output, ...runOn }, context);
  return {
    ...result,
    execution: result.execution ?? { executor: 'tfjs', ...(fallback ? { fallback } : {}) },
    method,
    family: definition.family,
    options: model.graph.inputs.length > 1 ? { ...optionsAsJson(reported), explainedInputs: selected.map((i) => model.graph.inputNames[i]!) } : optionsAsJson(reported),
    elapsedMs: performance.now() - started,
  };
}

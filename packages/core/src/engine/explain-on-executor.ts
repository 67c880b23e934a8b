/**
 * Explanations on a chosen executor. 'tfjs' runs the engine's propagation (explain-lrp.ts); 'ort'
 * compiles forward and relevance into one ONNX graph per (model, composite, input shape) and runs
 * it with onnxruntime-node. What the ORT executor cannot compile yet runs on tfjs after a one-line
 * notice naming it — never silently.
 */
import type * as tf from '@tensorflow/tfjs';
import { ruleMap, type Composite } from '../composites/index.js';
import { NotCompilableError } from '../executors/ort/not-compilable.js';
import { OrtUnavailableError } from '../executors/ort/load-ort.js';
import { explainOnOrt } from '../executors/ort/run-explanation.js';
import type { XaiModel } from '../model.js';
import { compositeFor, explainWithComposite, unbatch, type ExplainOptions, type Explanation, type LrpOptions } from './explain-lrp.js';
import { fallbackNotice, notify, resolveExecutor, type ExecutorOptions } from './executor-choice.js';
import { batchInputs, type ModelInput } from './inputs.js';
import { explainedTensor } from './propagate.js';

async function explainWithCompositeOnOrt(model: XaiModel, input: ModelInput, options: ExplainOptions, composite: Composite): Promise<Explanation> {
  if (options.keepNodeRelevance) throw new NotCompilableError('relevance kept at every node (keepNodeRelevance)');
  const rules = ruleMap(model.graph, composite);
  const { tensors, unbatched } = batchInputs(model.graph, input);
  const head = model.headIndex(options.output);
  try {
    const result = await explainOnOrt({
      graph: model.graph,
      inputShapes: tensors.map((t) => t.shape),
      from: explainedTensor(model.graph, head),
      ruleFor: (node) => rules.get(node)!,
      seed: composite.seed === 'onehot' ? 'onehot' : 'logit',
      inputs: tensors,
      target: options.target,
      headName: model.graph.outputNames[head]!,
    });
    const relevances = result.relevance.map(unbatch(unbatched));
    const logits = unbatch(unbatched)(result.logits);
    return {
      relevance: relevances[0]!,
      relevances,
      logits,
      targets: result.targets,
      execution: { executor: 'ort', provider: result.provider, providerNote: result.providerNote, built: result.built, buildMs: result.buildMs },
      dispose() {
        relevances.forEach((t: tf.Tensor) => t.dispose());
        logits.dispose();
      },
    };
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

/** `explainWithComposite` on the chosen executor (see ExecutorOptions). */
export async function explainWithCompositeOn(model: XaiModel, input: ModelInput, options: ExplainOptions & ExecutorOptions, composite: Composite): Promise<Explanation> {
  if (resolveExecutor(options.executor) === 'ort') {
    try {
      return await explainWithCompositeOnOrt(model, input, options, composite);
    } catch (err) {
      if (!(err instanceof NotCompilableError) && !(err instanceof OrtUnavailableError)) throw err;
      const what = err.message;
      notify(options, err instanceof NotCompilableError ? fallbackNotice(what) : `xai: ${what}; running on tfjs instead`);
      const e = explainWithComposite(model, input, options, composite);
      return { ...e, execution: { executor: 'tfjs', fallback: what } };
    }
  }
  return { ...explainWithComposite(model, input, options, composite), execution: { executor: 'tfjs' } };
}

/** `lrp` on the chosen executor. */
export function lrpOn(model: XaiModel, input: ModelInput, options: LrpOptions & ExecutorOptions = {}): Promise<Explanation> {
  return explainWithCompositeOn(model, input, options, compositeFor(options));
}

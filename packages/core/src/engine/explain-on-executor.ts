/**
 * Explanations on a chosen executor. 'tfjs' runs the engine's propagation (explain-lrp.ts); 'ort'
 * compiles forward and relevance into one ONNX graph per (model, composite, input shape) and runs
 * it with onnxruntime-node. What the ORT executor cannot compile yet runs on tfjs after a one-line
 * notice naming it — never silently.
 */
import type * as tf from '@tensorflow/tfjs';
import { compositeByName, ruleMap, type Composite } from '../composites/index.js';
import { NotCompilableError } from '../executors/ort/not-compilable.js';
import { OrtUnavailableError } from '../executors/ort/load-ort.js';
import { explainOnOrt, forwardOnOrt } from '../executors/ort/run-explanation.js';
import type { XaiModel } from '../model.js';
import { compositeFor, explainWithComposite, timesInput, unbatch, type ExplainOptions, type Explanation, type LrpOptions } from './explain-lrp.js';
import { fallbackNotice, notify, resolveExecutor, type ExecutionReport, type ExecutorName, type ExecutorOptions } from './executor-choice.js';
import { batchInputs, type ModelInput } from './inputs.js';
import { explainedLogits, explainedTensor } from './propagate.js';

/**
 * The executor of a multi-pass explanation (integrated gradients' batches of path points,
 * SmoothGrad's noisy copies): each pass runs on ORT until one cannot be compiled; then the notice
 * is given once and that pass and all later ones run on tfjs. `execution` reports what ran.
 */
export class ExecutorSwitch {
  readonly asked: ExecutorName;
  private fallback: string | undefined;
  private ortRun: ExecutionReport | undefined;

  constructor(private readonly options: ExecutorOptions) {
    this.asked = resolveExecutor(options.executor);
  }

  /** Whether the next pass runs on ORT. */
  get onOrt(): boolean {
    return this.asked === 'ort' && this.fallback === undefined;
  }

  /** Runs `ort` while on ORT (a result's `execution` is recorded), else — or when it cannot compile — `tfjs`. */
  async run<T>(ort: () => Promise<T>, tfjs: () => T | Promise<T>): Promise<T> {
    if (this.onOrt) {
      try {
        const result = await ort();
        const e = (result as { execution?: ExecutionReport }).execution;
        if (e) this.record(e);
        return result;
      } catch (err) {
        if (!(err instanceof NotCompilableError) && !(err instanceof OrtUnavailableError)) throw err;
        this.fellBack(err.message, err instanceof NotCompilableError ? fallbackNotice(err.message) : `xai: ${err.message}; running on tfjs instead`);
      }
    }
    return tfjs();
  }

  /** What ran a pass, as the pass reports it (a wrapped method's own fallback switches this one to tfjs, without a second notice). */
  record(e: ExecutionReport): void {
    if (e.executor !== 'ort') {
      if (this.asked === 'ort' && this.fallback === undefined) this.fallback = e.fallback ?? 'a pass that ran on tfjs';
      return;
    }
    // Built: whether any pass built its graph, and how long the builds took (else the cached session's build time).
    const before = this.ortRun;
    const buildMs = e.built ? (before?.built ? before.buildMs ?? 0 : 0) + (e.buildMs ?? 0) : before?.built ? before.buildMs : e.buildMs;
    this.ortRun = { ...e, built: !!(before?.built || e.built), buildMs };
  }

  /** Gives the one-line notice and runs the rest on tfjs. */
  fellBack(what: string, line = fallbackNotice(what)): void {
    if (this.fallback !== undefined) return;
    this.fallback = what;
    notify(this.options, line);
  }

  get execution(): ExecutionReport {
    if (this.asked !== 'ort') return { executor: 'tfjs' };
    if (this.fallback !== undefined) return { executor: 'tfjs', fallback: this.fallback };
    return this.ortRun ?? { executor: 'ort' };
  }
}

/** A composite explanation on ORT; throws NotCompilableError (or OrtUnavailableError) when it cannot run there. */
export async function explainWithCompositeOnOrt(model: XaiModel, input: ModelInput, options: ExplainOptions, composite: Composite): Promise<Explanation> {
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
  const on = new ExecutorSwitch(options);
  const e = await on.run(
    () => explainWithCompositeOnOrt(model, input, options, composite),
    () => explainWithComposite(model, input, options, composite),
  );
  return { ...e, execution: on.execution };
}

/** `lrp` on the chosen executor. */
export function lrpOn(model: XaiModel, input: ModelInput, options: LrpOptions & ExecutorOptions = {}): Promise<Explanation> {
  return explainWithCompositeOn(model, input, options, compositeFor(options));
}

/** The gradient (∂ logit_target / ∂ input) on the chosen executor. */
export function gradientOn(model: XaiModel, input: ModelInput, options: ExplainOptions & ExecutorOptions = {}): Promise<Explanation> {
  return explainWithCompositeOn(model, input, options, compositeByName('gradient'));
}

/** Gradient ⊙ input on the chosen executor (the product taken after the compiled gradient). */
export async function gradientXInputOn(model: XaiModel, input: ModelInput, options: ExplainOptions & ExecutorOptions = {}): Promise<Explanation> {
  return timesInput(await gradientOn(model, input, options), input);
}

/** Logits of the explained output for a batch, [batch, classes], on the chosen executor (the forward pass alone). */
export async function explainedLogitsOn(model: XaiModel, inputs: readonly tf.Tensor[], head: number, on: ExecutorSwitch): Promise<tf.Tensor> {
  const from = explainedTensor(model.graph, head);
  return on.run(
    () => forwardOnOrt({ graph: model.graph, inputShapes: inputs.map((t) => t.shape), from, inputs }),
    () => explainedLogits(model.graph, inputs, head),
  );
}

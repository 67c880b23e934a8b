import * as tf from '@tensorflow/tfjs';
import { compositeByName, ruleMap, uniformComposite, type Composite } from '../composites/index.js';
import { InvalidArgumentError } from '../errors.js';
import type { XaiModel } from '../model.js';
import type { Rule } from '../rules/rule.js';
import type { Bound } from '../rules/zbox.js';
import type { ExecutionReport } from './executor-choice.js';
import { batchInputs, type ModelInput } from './inputs.js';
import { explainedTensor, propagateGraph, resolveTargets } from './propagate.js';

export interface ExplainOptions {
  /** Class index per sample, or one for the whole batch; default the arg-max. */
  readonly target?: number | readonly number[];
  /** Output head (index or output layer name) of a multi-output model. */
  readonly output?: number | string;
  /** Also return the relevance at every node's output, keyed by node name. */
  readonly keepNodeRelevance?: boolean;
}

export interface LrpOptions extends ExplainOptions {
  /** A composite or a registered composite's name; default 'epsilon_plus'. Ignored when `rule` is given. */
  readonly composite?: Composite | string;
  /** One rule for every node it applies to (other nodes keep their kind's default). */
  readonly rule?: Rule;
  /** Input bounds for z^B in 'epsilon_gamma_box'. */
  readonly low?: Bound;
  readonly high?: Bound;
  /** Options of a composite given by name (each composite takes those it declares, e.g. the transformer's `attention`). */
  readonly compositeOptions?: Readonly<Record<string, unknown>>;
}

/** Result of one explanation call. Owns its tensors: call dispose() when done. */
export interface Explanation {
  /** Relevance of the (first) model input, shaped like it. */
  readonly relevance: tf.Tensor;
  /** Relevance of every model input (multi-input models). */
  readonly relevances: tf.Tensor[];
  /** The explained output before softmax, [batch, classes] (or [classes] for an unbatched input). */
  readonly logits: tf.Tensor;
  readonly targets: number[];
  readonly nodeRelevance?: Map<string, tf.Tensor>;
  /** Which executor ran (set by the executor-aware entry points: explain(), lrpOn()). */
  readonly execution?: ExecutionReport;
  dispose(): void;
}

/** The composite an LRP call uses. */
export function compositeFor(options: LrpOptions): Composite {
  if (options.rule) return uniformComposite(options.rule);
  const c = options.composite ?? 'epsilon_plus';
  return typeof c === 'string' ? compositeByName(c, { ...options.compositeOptions, low: options.low, high: options.high }) : c;
}

/** Removes the batch axis again from results of an unbatched call. */
export const unbatch = (unbatched: boolean) => (t: tf.Tensor): tf.Tensor => {
  if (!unbatched) return t;
  const s = t.squeeze([0]);
  t.dispose();
  return s;
};

/**
 * Explains the target logit(s) with a composite: one propagation from the explained output,
 * seeded with one-hot(target) × logit (or one-hot(target) for gradient composites).
 */
export function explainWithComposite(model: XaiModel, input: ModelInput, options: ExplainOptions, composite: Composite): Explanation {
  const rules = ruleMap(model.graph, composite); // names any layer left without a rule
  const { tensors, unbatched } = batchInputs(model.graph, input);
  const head = model.headIndex(options.output);
  const headName = model.graph.outputNames[head]!;
  let targets: number[] = [];
  const seed = (logits: tf.Tensor) => {
    if (logits.rank !== 2) throw new InvalidArgumentError(`output '${headName}' has shape [${logits.shape}]; explanations need [batch, classes]`);
    targets = resolveTargets(logits, options.target, headName);
    return tf.tidy(() => {
      const onehot = tf.oneHot(tf.tensor1d(targets, 'int32'), logits.shape[1]!).toFloat();
      return composite.seed === 'onehot' ? onehot : tf.mul(onehot, logits);
    });
  };
  try {
    const result = propagateGraph(model.graph, {
      inputs: tensors,
      from: explainedTensor(model.graph, head),
      seed,
      ruleFor: (node) => rules.get(node)!,
      keep: options.keepNodeRelevance ? 'all' : undefined,
    });
    const relevances = result.relevance.map(unbatch(unbatched));
    const logits = unbatch(unbatched)(result.activation);
    return {
      relevance: relevances[0]!,
      relevances,
      logits,
      targets,
      nodeRelevance: result.nodeRelevance,
      dispose() {
        relevances.forEach((t) => t.dispose());
        logits.dispose();
        result.nodeRelevance?.forEach((t) => t.dispose());
      },
    };
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

/** Layer-wise Relevance Propagation of the target logit(s) back to the input(s). */
export function lrp(model: XaiModel, input: ModelInput, options: LrpOptions = {}): Explanation {
  return explainWithComposite(model, input, options, compositeFor(options));
}

/** ∂ logit_target / ∂ input: the `gradient` composite (every node's vector–Jacobian product, no autodiff). */
export function gradient(model: XaiModel, input: ModelInput, options: ExplainOptions = {}): Explanation {
  return explainWithComposite(model, input, options, compositeByName('gradient'));
}

/** Guided backpropagation (Springenberg et al. 2015): the `guided_backprop` composite. */
export function guidedBackprop(model: XaiModel, input: ModelInput, options: ExplainOptions = {}): Explanation {
  return explainWithComposite(model, input, options, compositeByName('guided_backprop'));
}

/** Deconvnet (Zeiler & Fergus 2014): the `deconvnet` composite. */
export function deconvnet(model: XaiModel, input: ModelInput, options: ExplainOptions = {}): Explanation {
  return explainWithComposite(model, input, options, compositeByName('deconvnet'));
}

/** Gradient ⊙ input. */
export function gradientXInput(model: XaiModel, input: ModelInput, options: ExplainOptions = {}): Explanation {
  return timesInput(gradient(model, input, options), input);
}

/** A gradient explanation times the input(s) it explains (takes over `g`'s tensors). */
export function timesInput(g: Explanation, input: ModelInput): Explanation {
  const inputs = Array.isArray(input) ? input : [input as tf.Tensor];
  const relevances = g.relevances.map((r, i) => {
    const out = r.mul(inputs[i]!);
    r.dispose();
    return out;
  });
  return { ...g, relevance: relevances[0]!, relevances, dispose: () => (relevances.forEach((t) => t.dispose()), g.logits.dispose(), g.nodeRelevance?.forEach((t) => t.dispose())) };
}

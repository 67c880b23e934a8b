import type * as tf from '@tensorflow/tfjs';
import { compositeByName, resolveRules, uniformComposite, type Composite } from '../composites.js';
import type { XaiModel } from '../model.js';
import type { LinearNode } from '../nodes/linear-node.js';
import { gradientRule } from '../rules/gradient.js';
import type { LinearRule } from '../rules/rule.js';
import type { Bound } from '../rules/zbox.js';
import { batchInputs, type ModelInput } from './inputs.js';
import { propagate, type PropagationRequest } from './propagate.js';

export interface ExplainOptions {
  /** Class index per sample, or one for the whole batch; default the arg-max. */
  readonly target?: number | readonly number[];
  /** Output head (index or output layer name) of a multi-output model. */
  readonly output?: number | string;
  /** Also return the relevance at every node's output, keyed by node name. */
  readonly keepNodeRelevance?: boolean;
}

export interface LrpOptions extends ExplainOptions {
  /** A composite or a preset name; default 'epsilon_plus'. Ignored when `rule` is given. */
  readonly composite?: Composite | string;
  /** One rule for every linear layer. */
  readonly rule?: LinearRule;
  /** Input bounds for z^B in 'epsilon_gamma_box'. */
  readonly low?: Bound;
  readonly high?: Bound;
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
  dispose(): void;
}

function run(model: XaiModel, input: ModelInput, options: ExplainOptions, request: Pick<PropagationRequest, 'mode' | 'seed' | 'ruleFor' | 'reluBackward'>): Explanation {
  const { tensors, unbatched } = batchInputs(model.graph, input);
  try {
    const result = propagate(model.graph, {
      ...request,
      inputs: tensors,
      head: model.headIndex(options.output),
      targets: options.target,
      keepNodeRelevance: options.keepNodeRelevance,
    });
    const strip = (t: tf.Tensor) => {
      if (!unbatched) return t;
      const s = t.squeeze([0]);
      t.dispose();
      return s;
    };
    const relevances = result.relevance.map(strip);
    const logits = strip(result.logits);
    return {
      relevance: relevances[0]!,
      relevances,
      logits,
      targets: result.targets,
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


/** The composite an LRP call uses. */
export function compositeFor(options: LrpOptions): Composite {
  if (options.rule) return uniformComposite(options.rule);
  const c = options.composite ?? 'epsilon_plus';
  return typeof c === 'string' ? compositeByName(c, { low: options.low, high: options.high }) : c;
}

/** Layer-wise Relevance Propagation of the target logit(s) back to the input(s). */
export function lrp(model: XaiModel, input: ModelInput, options: LrpOptions = {}): Explanation {
  const rules = resolveRules(model.graph, compositeFor(options)); // names any layer left without a rule
  return run(model, input, options, { mode: 'lrp', seed: 'logit', ruleFor: (node) => rules.get(node as LinearNode)! });
}

/** ∂ logit_target / ∂ input, computed by the same engine (no autodiff). */
export function gradient(model: XaiModel, input: ModelInput, options: ExplainOptions = {}): Explanation {
  const rule = gradientRule();
  return run(model, input, options, { mode: 'gradient', seed: 'onehot', ruleFor: () => rule });
}

/** Guided backpropagation (Springenberg et al. 2015): the gradient, with ReLUs passing only positive gradients where their input was positive. */
export function guidedBackprop(model: XaiModel, input: ModelInput, options: ExplainOptions = {}): Explanation {
  const rule = gradientRule();
  return run(model, input, options, { mode: 'gradient', seed: 'onehot', ruleFor: () => rule, reluBackward: 'guided' });
}

/** Deconvnet (Zeiler & Fergus 2014): the gradient, with ReLUs passing only positive gradients, whatever their input. */
export function deconvnet(model: XaiModel, input: ModelInput, options: ExplainOptions = {}): Explanation {
  const rule = gradientRule();
  return run(model, input, options, { mode: 'gradient', seed: 'onehot', ruleFor: () => rule, reluBackward: 'deconvnet' });
}

/** Gradient ⊙ input. */
export function gradientXInput(model: XaiModel, input: ModelInput, options: ExplainOptions = {}): Explanation {
  const g = gradient(model, input, options);
  const inputs = Array.isArray(input) ? input : [input as tf.Tensor];
  const relevances = g.relevances.map((r, i) => {
    const out = r.mul(inputs[i]!);
    r.dispose();
    return out;
  });
  return { ...g, relevance: relevances[0]!, relevances, dispose: () => (relevances.forEach((t) => t.dispose()), g.logits.dispose(), g.nodeRelevance?.forEach((t) => t.dispose())) };
}

import * as tf from '@tensorflow/tfjs';
import { Type, type Static } from 'typebox';
import { gradient, type ExplainOptions, type Explanation } from '../engine/explain-lrp.js';
import { gradientOn } from '../engine/explain-on-executor.js';
import type { ExecutorOptions } from '../engine/executor-choice.js';
import type { ModelInput } from '../engine/inputs.js';
import type { XaiModel } from '../model.js';
import { stringEnum } from './option-schema.js';
import { onePassMethod } from './sync-method.js';

const OPTIONS = Type.Object({
  postprocess: Type.Optional(stringEnum(['raw', 'absolute', 'square'], { default: 'raw', description: 'raw gradient, its absolute value, or its square' })),
});

export type SensitivityOptions = Static<typeof OPTIONS> & ExplainOptions;

/** The gradient, its absolute value or its square (takes over `g`'s tensors). */
function postprocessed(g: Explanation, mode: SensitivityOptions['postprocess'] = 'raw'): Explanation {
  if (mode === 'raw') return g;
  const relevances = g.relevances.map((r) => {
    const out = mode === 'absolute' ? tf.abs(r) : tf.square(r);
    r.dispose();
    return out;
  });
  return {
    ...g,
    relevance: relevances[0]!,
    relevances,
    dispose: () => (relevances.forEach((t) => t.dispose()), g.logits.dispose(), g.nodeRelevance?.forEach((t) => t.dispose())),
  };
}

/** Sensitivity analysis (Simonyan et al. 2014; Baehrens et al. 2010): ∂f/∂x, optionally |·| or (·)². */
export function sensitivity(model: XaiModel, input: ModelInput, options: SensitivityOptions = {}): Explanation {
  return postprocessed(gradient(model, input, options), options.postprocess);
}

/** `sensitivity` on the chosen executor (the postprocessing follows the compiled gradient). */
export async function sensitivityOn(model: XaiModel, input: ModelInput, options: SensitivityOptions & ExecutorOptions = {}): Promise<Explanation> {
  return postprocessed(await gradientOn(model, input, options), options.postprocess);
}

export const gradientMethod = onePassMethod<SensitivityOptions>(
  {
    name: 'gradient',
    family: 'function',
    description: 'sensitivity: the gradient of the target logit with respect to the input',
    wrappable: true,
    options: OPTIONS,
  },
  sensitivity,
  sensitivityOn,
);

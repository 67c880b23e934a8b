import type { ExplainOptions, Explanation } from '../engine/explain-lrp.js';
import type { ModelInput } from '../engine/inputs.js';
import type { XaiModel } from '../model.js';
import type { MethodDefinition } from './registry.js';

/**
 * Method definition for a one-pass method: the schema's options go straight to `fn`, which
 * propagates once to every model input.
 */
export function onePassMethod<O extends ExplainOptions>(
  definition: Omit<MethodDefinition, 'run'>,
  fn: (model: XaiModel, input: ModelInput, options: O) => Explanation,
): MethodDefinition {
  return { allInputsInOnePass: true, ...definition, run: async (model, input, options) => fn(model, input, options as unknown as O) };
}

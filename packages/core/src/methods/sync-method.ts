import type { ExplainOptions, Explanation } from '../engine/explain-lrp.js';
import type { ExecutorOptions } from '../engine/executor-choice.js';
import type { ModelInput } from '../engine/inputs.js';
import type { XaiModel } from '../model.js';
import type { MethodDefinition } from './registry.js';

/**
 * Method definition for a one-pass method: the schema's options go straight to `fn`, which
 * propagates once to every model input. With `onExecutor` (the same explanation on a chosen
 * executor) the method runs on ORT: `explain()` passes `executor` and `onNotice`.
 */
export function onePassMethod<O extends ExplainOptions>(
  definition: Omit<MethodDefinition, 'run'>,
  fn: (model: XaiModel, input: ModelInput, options: O) => Explanation,
  onExecutor?: (model: XaiModel, input: ModelInput, options: O & ExecutorOptions) => Promise<Explanation>,
): MethodDefinition {
  return {
    allInputsInOnePass: true,
    ...(onExecutor ? { runsOnOrt: true } : {}),
    ...definition,
    run: async (model, input, options) => {
      const o = options as unknown as O & ExecutorOptions;
      return onExecutor && o.executor === 'ort' ? onExecutor(model, input, o) : fn(model, input, o);
    },
  };
}

import { Type, type Static } from 'typebox';
import { compositeNames, type Composite } from '../composites/index.js';
import { lrp } from '../engine/explain-lrp.js';
import { lrpOn } from '../engine/explain-on-executor.js';
import type { ExecutorOptions } from '../engine/executor-choice.js';
import type { ModelInput } from '../engine/inputs.js';
import type { XaiModel } from '../model.js';
import { ruleByName, ruleNames } from '../rules/registry.js';
import { bound } from './bounds.js';
import { stringEnum } from './option-schema.js';
import type { MethodDefinition, TargetOptions } from './registry.js';

/** The options of `lrp`; the composite and rule names are those registered when the schema is read. */
const lrpOptions = () =>
  Type.Object({
    composite: Type.Optional(
      Type.Unsafe<string | Composite>({
        type: 'string',
        enum: compositeNames(),
        default: 'epsilon_plus',
        'x-object': true,
        description: 'per-layer rule map (a registered composite; a program may pass a Composite)',
      }),
    ),
    rule: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ruleNames(), description: 'one rule for every layer it applies to instead of a composite' })),
    epsilon: Type.Optional(Type.Number({ minimum: 0, description: "stabiliser of the 'epsilon' rule and of the transformer composite (default 1e-6)" })),
    gamma: Type.Optional(Type.Number({ minimum: 0, description: "γ of the 'gamma' rule (default 0.25)" })),
    alpha: Type.Optional(Type.Number({ minimum: 1, description: "α of the 'alpha_beta' rule (default 2; β = α − 1 unless given)" })),
    beta: Type.Optional(Type.Number({ minimum: 0, description: "β of the 'alpha_beta' rule" })),
    attention: Type.Optional(stringEnum(['values', 'attnlrp'], { description: "transformer composite: 'values' (default) holds attention constant; 'attnlrp' lets relevance into queries and keys" })),
    layerNorm: Type.Optional(stringEnum(['constant_std', 'gradient'], { description: "transformer composite: 'constant_std' (default) holds LayerNorm's σ constant" })),
    low: Type.Optional(bound({ description: 'lowest input value for z^B (epsilon_gamma_box, z_box); default 0' })),
    high: Type.Optional(bound({ description: 'highest input value for z^B; default 1' })),
  });

type LrpMethodOptions = Static<ReturnType<typeof lrpOptions>> & TargetOptions & ExecutorOptions;

function runLrp(model: XaiModel, input: ModelInput, options: LrpMethodOptions) {
  const { rule, epsilon, gamma, alpha, beta, attention, layerNorm, executor, onNotice, ...rest } = options;
  const beta_ = beta ?? (alpha !== undefined ? alpha - 1 : undefined);
  const uniform = rule ? ruleByName({ name: rule, epsilon, gamma, alpha, beta: beta_, low: options.low, high: options.high }) : undefined;
  const lrpOptions = { ...rest, rule: uniform, compositeOptions: { epsilon, attention, layerNorm } };
  return executor === 'ort' ? lrpOn(model, input, { ...lrpOptions, executor, onNotice }) : lrp(model, input, lrpOptions);
}

export const lrpMethod: MethodDefinition = {
  name: 'lrp',
  family: 'structure',
  description: 'Layer-wise Relevance Propagation (Bach et al. 2015) with a composite or one rule',
  wrappable: true,
  allInputsInOnePass: true,
  runsOnOrt: true,
  get options() {
    return lrpOptions();
  },
  // One rule for every layer replaces the composite: the (default) composite is not reported then.
  effectiveOptions: (options) => {
    if (options.rule === undefined) return { ...options };
    const { composite: _unused, ...rest } = options;
    return rest;
  },
  run: async (model, input, options) => runLrp(model, input, options as LrpMethodOptions),
};

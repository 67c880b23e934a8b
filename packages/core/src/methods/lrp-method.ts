import { COMPOSITE_NAMES } from '../composites.js';
import { lrp, type LrpOptions } from '../engine/explain-lrp.js';
import type { ModelInput } from '../engine/inputs.js';
import type { XaiModel } from '../model.js';
import { ruleByName, RULE_NAMES } from '../rules/by-name.js';
import type { Bound } from '../rules/zbox.js';
import type { ObjectSchema } from './option-schema.js';
import { onePassMethod } from './sync-method.js';

export const BOUND_SCHEMA = { type: 'number', 'x-tensor': true } as const;

const LRP_OPTIONS: ObjectSchema = {
  type: 'object',
  properties: {
    composite: {
      type: 'string',
      enum: COMPOSITE_NAMES,
      default: 'epsilon_plus',
      'x-object': true,
      description: 'per-layer rule map (preset name; a program may pass a Composite)',
    },
    rule: { type: 'string', enum: RULE_NAMES, description: 'one rule for every linear layer instead of a composite' },
    epsilon: { type: 'number', minimum: 0, description: "stabiliser of the 'epsilon' rule (default 1e-6)" },
    gamma: { type: 'number', minimum: 0, description: "γ of the 'gamma' rule (default 0.25)" },
    alpha: { type: 'number', minimum: 1, description: "α of the 'alpha_beta' rule (default 2; β = α − 1 unless given)" },
    beta: { type: 'number', minimum: 0, description: "β of the 'alpha_beta' rule" },
    low: { ...BOUND_SCHEMA, description: 'lowest input value for z^B (epsilon_gamma_box, z_box); default 0' },
    high: { ...BOUND_SCHEMA, description: 'highest input value for z^B; default 1' },
  },
};

interface LrpMethodOptions extends Omit<LrpOptions, 'rule'> {
  readonly rule?: string;
  readonly epsilon?: number;
  readonly gamma?: number;
  readonly alpha?: number;
  readonly beta?: number;
}

function runLrp(model: XaiModel, input: ModelInput, options: LrpMethodOptions) {
  const { rule, epsilon, gamma, alpha, beta, ...rest } = options;
  const beta_ = beta ?? (alpha !== undefined ? alpha - 1 : undefined);
  const uniform = rule ? ruleByName({ name: rule, epsilon, gamma, alpha, beta: beta_, low: options.low as Bound, high: options.high as Bound }) : undefined;
  return lrp(model, input, { ...rest, rule: uniform });
}

export const lrpMethod = onePassMethod<LrpMethodOptions>(
  {
    name: 'lrp',
    family: 'structure',
    description: 'Layer-wise Relevance Propagation (Bach et al. 2015) with a composite or one rule',
    wrappable: true,
    options: LRP_OPTIONS,
  },
  runLrp,
);

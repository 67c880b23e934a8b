import { InvalidArgumentError } from '../errors.js';
import { alphaBeta } from './alpha-beta.js';
import { epsilon } from './epsilon.js';
import { flat } from './flat.js';
import { gamma } from './gamma.js';
import type { LinearRule } from './rule.js';
import { wsquare } from './wsquare.js';
import { zbox, type Bound } from './zbox.js';
import { zplus } from './zplus.js';

export const RULE_NAMES = ['epsilon', 'gamma', 'zplus', 'alpha_beta', 'flat', 'wsquare', 'z_box'] as const;

export interface RuleSpec {
  readonly name: string;
  readonly epsilon?: number;
  readonly gamma?: number;
  readonly alpha?: number;
  readonly beta?: number;
  readonly low?: Bound;
  readonly high?: Bound;
}

export function ruleByName(spec: RuleSpec): LinearRule {
  switch (spec.name) {
    case 'epsilon':
      return epsilon(spec.epsilon ?? 1e-6);
    case 'gamma':
      return gamma(spec.gamma ?? 0.25);
    case 'zplus':
      return zplus();
    case 'alpha_beta':
      return alphaBeta(spec.alpha ?? 2, spec.beta ?? 1);
    case 'flat':
      return flat();
    case 'wsquare':
      return wsquare();
    case 'z_box':
      return zbox(spec.low ?? 0, spec.high ?? 1);
    default:
      throw new InvalidArgumentError(`unknown rule '${spec.name}'; choose one of ${RULE_NAMES.join(', ')}`);
  }
}

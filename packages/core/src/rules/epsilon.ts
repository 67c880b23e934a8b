import { basicRule, identityParams } from './basic-rule.js';

/** LRP-ε: x ⊙ Wᵀ(R / stab(xW + b)). */
export const epsilon = (eps = 1e-6) =>
  basicRule('epsilon', [{ terms: [{ input: 'x', params: identityParams }], bias: identityParams, epsilon: eps }], { epsilon: eps });

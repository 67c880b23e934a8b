import { basicRule, squaredParams } from './basic-rule.js';

/** LRP-w²: z = 1·W² + b², relevance by the squared weights (input not multiplied in). */
export const wsquare = () =>
  basicRule('wsquare', [{ terms: [{ input: 'ones', params: squaredParams }], bias: squaredParams, epsilon: 1e-6 }]);

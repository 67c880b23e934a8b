import { basicRule, onesParams } from './basic-rule.js';

/** LRP-flat: relevance spread uniformly over each output's receptive field (input not multiplied in). */
export const flat = () => basicRule('flat', [{ terms: [{ input: 'ones', params: onesParams }], bias: null, epsilon: 1e-6 }]);

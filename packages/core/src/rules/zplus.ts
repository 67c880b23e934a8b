import { basicRule, negativeParams, positiveParams } from './basic-rule.js';

/** LRP-z⁺: z = x⁺W⁺ + x⁻W⁻ + b⁺. */
export const zplus = () =>
  basicRule('zplus', [
    {
      terms: [
        { input: 'positive', params: positiveParams },
        { input: 'negative', params: negativeParams },
      ],
      bias: positiveParams,
      epsilon: 1e-6,
    },
  ]);

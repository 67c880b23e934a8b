import { basicRule, negativeParams, positiveParams, type TermGroup } from './basic-rule.js';

/** LRP-αβ: α times the positive contributions' share minus β times the negative ones'. */
export function alphaBeta(alpha = 2, beta = 1) {
  const positivePart: TermGroup = {
    terms: [
      { input: 'positive', params: positiveParams },
      { input: 'negative', params: negativeParams },
    ],
    bias: positiveParams,
    weight: alpha,
    epsilon: 1e-6,
  };
  const negativePart: TermGroup = {
    terms: [
      { input: 'positive', params: negativeParams },
      { input: 'negative', params: positiveParams },
    ],
    bias: negativeParams,
    weight: -beta,
    epsilon: 1e-6,
  };
  return basicRule('alpha_beta', beta === 0 ? [positivePart] : [positivePart, negativePart], { alpha, beta });
}

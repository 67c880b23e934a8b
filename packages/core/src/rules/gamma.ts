import { basicRule, gammaParams } from './basic-rule.js';

/**
 * LRP-γ (zennit 0.5.1): positive outputs share relevance by z₊ = x⁺(W+γW⁺) + x⁻(W+γW⁻) + b+γb⁺,
 * negative outputs by z₋ = x⁺(W+γW⁻) + x⁻(W+γW⁺) + b+γb⁻.
 */
export function gamma(g = 0.25) {
  const up = gammaParams(g, 'positive');
  const down = gammaParams(g, 'negative');
  return basicRule(
    'gamma',
    [
      { mask: 'positive', terms: [{ input: 'positive', params: up }, { input: 'negative', params: down }], bias: up, epsilon: 1e-6 },
      { mask: 'negative', terms: [{ input: 'positive', params: down }, { input: 'negative', params: up }], bias: down, epsilon: 1e-6 },
    ],
    { gamma: g },
  );
}

/** Results report the options that took effect: with one LRP rule, no (default) composite beside it. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODEL, explain, initBackend, loadModel, type XaiModel } from '../src/index.js';

let model: XaiModel;
beforeAll(async () => {
  await initBackend();
  model = await loadModel(DEMO_MODEL);
});
afterAll(() => model.dispose());

describe('reported options of lrp', () => {
  it('a rule replaces the composite: only the rule is reported', async () => {
    const x = tf.zeros([1, 32, 32, 3]).add(0.5);
    try {
      const withRule = await explain(model, x, { method: 'lrp', rule: 'epsilon', epsilon: 0.25 });
      const withComposite = await explain(model, x, { method: 'lrp' });
      try {
        expect(withRule.options).toMatchObject({ rule: 'epsilon', epsilon: 0.25 });
        expect(withRule.options).not.toHaveProperty('composite');
        expect(withComposite.options).toMatchObject({ composite: 'epsilon_plus' });
        expect(withComposite.options).not.toHaveProperty('rule');
      } finally {
        withRule.dispose();
        withComposite.dispose();
      }
    } finally {
      x.dispose();
    }
  });
});

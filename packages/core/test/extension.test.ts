/**
 * Extending the engine from outside core, through its public API only: a rule and a composite
 * registered by name and used through `explain()`, and node kinds given only a forward, explained
 * by the gradient (tfjs autodiff on the node alone) and by LRP (the kind's default rule).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicRule, epsilon, explain, flat, gradient, identityParams, initBackend, InvalidArgumentError, lrp, methodCatalog, registerComposite, registerNodeKind,
  registerRule, Type, XaiModel,
} from '../src/index.js';
import { expectClose, sum } from './helpers.js';

// ---- a rule and a composite, registered as a plugin would ---------------------------------------

registerRule({
  name: 'test_half_epsilon',
  description: 'ε, passing on half of the relevance (a test rule)',
  options: Type.Object({ epsilon: Type.Optional(Type.Number({ minimum: 0, default: 1e-6 })) }),
  create: ({ epsilon: eps }) =>
    basicRule('test_half_epsilon', [{ terms: [{ input: 'x', params: identityParams }], bias: identityParams, epsilon: eps!, weight: 0.5 }], { epsilon: eps }),
});

registerComposite({
  name: 'test_flat_epsilon',
  description: 'flat on the first layer, ε(0.01) elsewhere (a test composite)',
  options: Type.Object({}),
  create: () => ({ name: 'test_flat_epsilon', entries: [[{ first: true }, flat()], [{}, epsilon(0.01)]] }),
});

// ---- node kinds that bring only their forward ---------------------------------------------------

/** x·σ(x), element-wise: LRP default `pass`. */
class Swish extends tf.layers.Layer {
  static className = 'TestSwish';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
  }
}
/** The feature axis reversed: a shape operation, LRP default `gradient` (here: routing). */
class ReverseFeatures extends tf.layers.Layer {
  static className = 'TestReverseFeatures';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.reverse(Array.isArray(inputs) ? inputs[0]! : inputs, -1);
  }
}
tf.serialization.registerClass(Swish);
tf.serialization.registerClass(ReverseFeatures);
registerNodeKind({ layerClass: 'TestSwish', elementwise: true, forward: ([x]) => tf.mul(x!, tf.sigmoid(x!)) });
registerNodeKind({ layerClass: 'TestReverseFeatures', forward: ([x]) => tf.reverse(x!, -1) });

function mlp(extra: () => tf.layers.Layer[], useBias = true): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [6], units: 8, useBias, kernelInitializer: init(1), biasInitializer: 'glorotNormal' }),
      ...extra(),
      tf.layers.dense({ units: 3, useBias, kernelInitializer: init(2), biasInitializer: 'glorotNormal' }),
    ],
  });
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('extending the engine from outside core', () => {
  let model: XaiModel;
  const x = () => tf.randomUniform([2, 6], -1, 1, 'float32', 5);

  beforeAll(async () => {
    await initBackend();
    model = XaiModel.fromLayersModel(mlp(() => [tf.layers.activation({ activation: 'relu' })]));
  });
  afterAll(() => model.dispose());

  it('a registered rule is used by name through explain(), its options checked against its schema', async () => {
    const input = x();
    const half = await explain(model, input, { method: 'lrp', rule: 'test_half_epsilon', epsilon: 0.01, target: 1 });
    const full = lrp(model, input, { rule: epsilon(0.01), target: 1 });
    // ε is linear in the relevance it receives: half at each of the two linear layers is a quarter.
    expectClose(values(half.relevance), values(full.relevance).map((v) => v / 4), 1e-5, 1e-7);
    expect(half.options).toMatchObject({ rule: 'test_half_epsilon', epsilon: 0.01 });
    await expect(explain(model, input, { method: 'lrp', rule: 'no_such_rule' })).rejects.toThrow(/option 'rule' of method 'lrp'/);
    tf.dispose([input, half.relevance, half.logits, full.relevance, full.logits]);
  });

  it('a registered composite is used by name through explain() and listed in the catalog', async () => {
    const input = x();
    const byName = await explain(model, input, { method: 'lrp', composite: 'test_flat_epsilon', target: 2 });
    const byObject = lrp(model, input, { composite: { name: 'same', entries: [[{ first: true }, flat()], [{}, epsilon(0.01)]] }, target: 2 });
    expectClose(values(byName.relevance), values(byObject.relevance), 0, 0);
    const lrpSchema = methodCatalog().find((m) => m.name === 'lrp')!.options as { properties: Record<string, { enum?: string[] }> };
    expect(lrpSchema.properties.composite!.enum).toContain('test_flat_epsilon');
    expect(lrpSchema.properties.rule!.enum).toContain('test_half_epsilon');
    byName.dispose();
    byObject.dispose();
    input.dispose();
  });

  it('a node kind given only its forward: gradient by autodiff on the node, LRP by its default rule', () => {
    for (const extra of [() => [new Swish({})], () => [new Swish({}), new ReverseFeatures({})]]) {
      const layers = mlp(extra, false);
      const xm = XaiModel.fromLayersModel(layers);
      expect(xm.graph.nodes.map((n) => n.kind)).toContain('TestSwish');
      const input = x();
      // The gradient agrees with tfjs autodiff through the whole tfjs model.
      const g = gradient(xm, input, { target: 0 });
      const expected = tf.grad((u: tf.Tensor) => tf.sum(tf.slice(layers.predict(u) as tf.Tensor, [0, 0], [-1, 1])))(input);
      expectClose(values(g.relevance), values(expected), 1e-4, 1e-6);
      // LRP: `pass` through the swish, routing through the reversal; ε on bias-free dense layers conserves the logit.
      const e = lrp(xm, input, { rule: epsilon(1e-9), target: 0 });
      const r = e.relevance.arraySync() as number[][];
      const logits = e.logits.arraySync() as number[][];
      r.forEach((row, b) => expect(Math.abs(sum(row) - logits[b]![0]!)).toBeLessThan(1e-4 * Math.abs(logits[b]![0]!) + 1e-6));
      tf.dispose([input, expected]);
      g.dispose();
      e.dispose();
      xm.dispose();
    }
  });

  it('composites skip nodes a rule cannot handle (and name the linear layer left without a rule)', () => {
    const input = x();
    expect(() => lrp(model, input, { composite: { name: 'bad', entries: [[{ kind: 'activation' }, { name: 'odd', propagate: () => input }]] } })).toThrow(
      InvalidArgumentError,
    );
    input.dispose();
  });
});

/**
 * User-defined composites (matchers by layer class, layer name, family and "first linear layer",
 * first match wins), the error for a layer left without a rule, and relevance at every node.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  epsilon, flat, gamma, initBackend, InvalidArgumentError, lrp, resolveRules, zplus, type Composite, XaiModel,
} from '../src/index.js';

function model(): XaiModel {
  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  return XaiModel.fromLayersModel(
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, activation: 'relu', name: 'stem', kernelInitializer: init(1) }),
        tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'block1_conv', kernelInitializer: init(2) }),
        tf.layers.flatten({ name: 'flat' }),
        tf.layers.dense({ units: 5, activation: 'relu', name: 'fc', kernelInitializer: init(3) }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'head', kernelInitializer: init(4) }),
      ],
    }),
  );
}

describe('composites', () => {
  let m: XaiModel;
  const x = () => tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 3);

  beforeAll(async () => {
    await initBackend();
    m = model();
  });

  it('assigns rules by first match over first / name / class / family matchers', () => {
    const composite: Composite = {
      name: 'custom',
      entries: [
        [{ first: true }, flat()],
        [{ layerName: /^block1_/ }, gamma(0.5)],
        [{ layerClass: 'Dense', layerName: 'head' }, epsilon(0.1)],
        [{ family: 'dense' }, zplus()],
        [{}, epsilon(1)], // never reached for this model
      ],
    };
    const byLayer = Object.fromEntries([...resolveRules(m.graph, composite)].map(([n, r]) => [n.layerName, `${r.name}${JSON.stringify(r.params ?? {})}`]));
    expect(byLayer).toEqual({ stem: 'flat{}', block1_conv: 'gamma{"gamma":0.5}', fc: 'zplus{}', head: 'epsilon{"epsilon":0.1}' });
  });

  it('names the layer a composite leaves without a rule', () => {
    const partial: Composite = { name: 'conv-only', entries: [[{ family: 'conv' }, zplus()]] };
    expect(() => lrp(m, x(), { composite: partial })).toThrow(InvalidArgumentError);
    expect(() => lrp(m, x(), { composite: partial })).toThrow(/'fc' \(Dense\)/);
  });

  it('one rule everywhere equals a composite that maps every layer to it', () => {
    const input = x();
    const a = lrp(m, input, { rule: epsilon(0.01), target: [0, 2] });
    const b = lrp(m, input, { composite: { name: 'all', entries: [[{ family: 'conv' }, epsilon(0.01)], [{ family: 'dense' }, epsilon(0.01)]] }, target: [0, 2] });
    expect(Array.from(a.relevance.dataSync())).toEqual(Array.from(b.relevance.dataSync()));
    a.dispose();
    b.dispose();
  });

  it('returns the relevance at every node on request, consistent with the input relevance', () => {
    const input = x();
    const e = lrp(m, input, { composite: 'epsilon_plus', target: 1, keepNodeRelevance: true });
    const nodes = e.nodeRelevance!;
    // The softmax is stripped: relevance starts at the head's linear output, one-hot × logit.
    expect(nodes.has('head/softmax')).toBe(false);
    const seed = nodes.get('head')!.arraySync() as number[][];
    const logits = e.logits.arraySync() as number[][];
    seed.forEach((row, b) => row.forEach((v, k) => expect(v).toBeCloseTo(k === 1 ? logits[b]![1]! : 0, 6)));
    // Relevance at each node's output, shaped like that output.
    expect(nodes.get('stem')!.shape).toEqual([2, 4, 4, 3]);
    expect(nodes.get('flat')!.shape).toEqual([2, 16]);
    expect([...nodes.keys()]).toEqual(['head', 'fc/relu', 'fc', 'flat', 'block1_conv/relu', 'block1_conv', 'stem/relu', 'stem']);
    e.dispose();
    input.dispose();
  });
});

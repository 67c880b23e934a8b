import * as tf from '@tensorflow/tfjs';
import { compositeByName } from '../composites/index.js';
import { ruleByName } from '../rules/registry.js';
import { deconvnet, explainWithComposite, gradient, gradientXInput, guidedBackprop, lrp, type Explanation } from '../engine/explain-lrp.js';
import { excitationBackpropReference } from './excitation-backprop.js';
import { integratedGradients } from '../methods/integrated-gradients.js';
import { occlusion } from '../methods/occlusion.js';
import type { XaiModel } from '../model.js';
import type { ReferenceMethod } from './reference-case.js';

/** Thrown for a reference method the engine cannot compute (yet): reported as a FAIL with the reason. */
export class MethodNotAvailable extends Error {}

/** Computes one reference method as its `params` describe it; returns the flat relevance. */
export type MethodRunner = (model: XaiModel, input: tf.Tensor, target: number, params: Record<string, any>) => Explanation | Promise<Explanation>;

const runners = new Map<string, MethodRunner>([
  ['gradient', (m, x, target) => gradient(m, x, { target })],
  ['gradient_x_input', (m, x, target) => gradientXInput(m, x, { target })],
  ['integrated_gradients', (m, x, target, p) => integratedGradients(m, x, { target, steps: p.steps ?? 20, baseline: 0, riemann: 'right' })],
  ['guided_backprop', (m, x, target) => guidedBackprop(m, x, { target })],
  ['deconvnet', (m, x, target) => deconvnet(m, x, { target })],
  ['excitation_backprop', (m, x, target) => explainWithComposite(m, x, { target }, excitationBackpropReference())],
  ['occlusion', (m, x, target, p) => occlusion(m, x, { target, window: p.window ?? 2, stride: p.stride ?? 1, fill: p.fill ?? 0 })],
  [
    'lrp',
    (m, x, target, p) => {
      if (p.rule) return lrp(m, x, { target, rule: ruleByName(p.rule) });
      if (p.composite) return lrp(m, x, { target, composite: compositeByName(p.composite.name, p.composite) });
      throw new MethodNotAvailable('lrp params name neither a rule nor a composite');
    },
  ],
]);

/**
 * Lets later packages (other attribution methods, the LSTM plugin) add reference method kinds.
 * Returns the runner it replaces, so a plugin can handle some params of a kind and hand the rest on.
 */
export function registerReferenceMethod(kind: string, runner: MethodRunner): MethodRunner | undefined {
  const previous = runners.get(kind);
  runners.set(kind, runner);
  return previous;
}

export async function computeReferenceMethod(model: XaiModel, input: tf.Tensor, target: number, method: ReferenceMethod): Promise<Float32Array> {
  const kind = method.params.kind as string;
  const runner = runners.get(kind);
  if (!runner) throw new MethodNotAvailable(`method kind '${kind}' is not implemented yet`);
  const result = await runner(model, input, target, method.params);
  try {
    return result.relevance.dataSync() as Float32Array;
  } finally {
    result.dispose();
  }
}

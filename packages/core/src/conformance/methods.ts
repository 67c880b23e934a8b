import * as tf from '@tensorflow/tfjs';
import { compositeByName } from '../composites/index.js';
import { ruleByName } from '../rules/registry.js';
import { deconvnet, explainWithComposite, gradient, gradientXInput, guidedBackprop, lrp, type Explanation } from '../engine/explain-lrp.js';
import { explainWithCompositeOn, gradientOn, gradientXInputOn, lrpOn } from '../engine/explain-on-executor.js';
import type { ExecutorOptions } from '../engine/executor-choice.js';
import { excitationBackpropReference } from './excitation-backprop.js';
import { attentionRolloutOn } from '../methods/attention-rollout.js';
import { explainAt } from '../methods/explain-at.js';
import { integratedGradients } from '../methods/integrated-gradients.js';
import { occlusion } from '../methods/occlusion.js';
import type { XaiModel } from '../model.js';
import type { ReferenceMethod } from './reference-case.js';

/** Thrown for a reference method the engine cannot compute (yet): reported as a FAIL with the reason. */
export class MethodNotAvailable extends Error {}

/** Computes one reference method as its `params` describe it; returns the flat relevance. */
export type MethodRunner = (model: XaiModel, input: tf.Tensor, target: number, params: Record<string, any>, run?: ExecutorOptions) => Explanation | Promise<Explanation>;

/** Reference method kinds whose runner takes the executor; the others run on tfjs (a fallback under 'ort'). */
const ORT_KINDS = new Set(['lrp', 'lrp_transformer', 'attention_rollout', 'gradient', 'gradient_x_input', 'integrated_gradients', 'guided_backprop', 'deconvnet', 'excitation_backprop', 'occlusion']);

/** `at: 'encoder input …'`: the method explains a token model's encoder input (token + position embedding). */
const atEncoderInput = (p: Record<string, any>) => typeof p.at === 'string' && p.at.startsWith('encoder input');

/** The ε of a params string such as `'epsilon 1e-6'` (NaN when it names none). */
const epsilonOf = (text: unknown) => (typeof text === 'string' ? Number(/epsilon\s+([0-9.eE+-]+)/.exec(text)?.[1] ?? NaN) : NaN);

const runners = new Map<string, MethodRunner>([
  ['gradient', (m, x, target, _p, run) => (run ? gradientOn(m, x, { target, ...run }) : gradient(m, x, { target }))],
  [
    'gradient_x_input',
    (m, x, target, p, run) =>
      atEncoderInput(p) ? explainAt(m, x, { method: 'gradient_x_input', target, ...run }) : run ? gradientXInputOn(m, x, { target, ...run }) : gradientXInput(m, x, { target }),
  ],
  [
    'integrated_gradients',
    (m, x, target, p, run) => {
      const options = { target, steps: p.steps ?? 20, baseline: 0, riemann: 'right' as const, ...(run ?? { executor: 'tfjs' as const }) };
      return atEncoderInput(p) ? explainAt(m, x, { method: 'integrated_gradients', ...options }) : integratedGradients(m, x, options);
    },
  ],
  [
    'lrp_transformer',
    (m, x, target, p, run) => {
      if (!atEncoderInput(p)) throw new MethodNotAvailable(`lrp_transformer at '${p.at}': only the encoder input is implemented`);
      const epsilon = epsilonOf(p.linear);
      return explainAt(m, x, { method: 'lrp', composite: compositeByName('transformer', Number.isFinite(epsilon) ? { epsilon } : {}), target, ...run });
    },
  ],
  ['attention_rollout', (m, x, target, p, run) => attentionRolloutOn(m, x, { target, headFusion: p.head_fusion ?? 'mean', residual: p.residual ?? 0.5, token: 0, ...run })],
  ['guided_backprop', (m, x, target, _p, run) => (run ? explainWithCompositeOn(m, x, { target, ...run }, compositeByName('guided_backprop')) : guidedBackprop(m, x, { target }))],
  ['deconvnet', (m, x, target, _p, run) => (run ? explainWithCompositeOn(m, x, { target, ...run }, compositeByName('deconvnet')) : deconvnet(m, x, { target }))],
  [
    'excitation_backprop',
    (m, x, target, _p, run) => (run ? explainWithCompositeOn(m, x, { target, ...run }, excitationBackpropReference()) : explainWithComposite(m, x, { target }, excitationBackpropReference())),
  ],
  ['occlusion', (m, x, target, p, run) => occlusion(m, x, { target, window: p.window ?? 2, stride: p.stride ?? 1, fill: p.fill ?? 0, ...(run ?? { executor: 'tfjs' as const }) })],
  [
    'lrp',
    (m, x, target, p, run) => {
      const options = p.rule ? { target, rule: ruleByName(p.rule) } : p.composite ? { target, composite: compositeByName(p.composite.name, p.composite) } : null;
      if (options) return run?.executor === 'ort' ? lrpOn(m, x, { ...options, ...run }) : lrp(m, x, options);
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

/** A method's relevance as compared: flat values, and a note when only part of it is compared. */
export interface ComputedRelevance {
  readonly values: Float32Array;
  readonly note?: string;
  /** Under executor 'ort': what ran ('ort/cpu', 'ort/cuda' or 'tfjs') and, for tfjs, why. */
  readonly ranOn?: string;
  readonly fallback?: string;
}

export async function computeReferenceMethod(model: XaiModel, input: tf.Tensor, target: number, method: ReferenceMethod, run: ExecutorOptions = {}): Promise<ComputedRelevance> {
  const kind = method.params.kind as string;
  const runner = runners.get(kind);
  if (!runner) throw new MethodNotAvailable(`method kind '${kind}' is not implemented yet`);
  const onOrt = run.executor === 'ort' && ORT_KINDS.has(kind);
  const result = await runner(model, input, target, method.params, onOrt ? run : undefined);
  try {
    const compared = comparedPart(result.relevance, method);
    if (run.executor !== 'ort') return compared;
    const e = result.execution;
    if (e?.executor === 'ort') return { ...compared, ranOn: `ort/${e.provider}` };
    return { ...compared, ranOn: 'tfjs', fallback: e?.fallback ?? `method kind '${kind}'${ORT_KINDS.has(kind) ? ' as a plugin computes it' : ''}` };
  } finally {
    result.dispose();
  }
}

/**
 * The relevance in the reference's layout. A reference whose `relevance_shape` is the computed
 * shape without its leading (token) axis — [d] against [T, d] — holds one row only: the first is
 * compared, and the note says so (the fixtures README promises [T, d]).
 */
function comparedPart(relevance: tf.Tensor, method: ReferenceMethod): ComputedRelevance {
  const values = relevance.dataSync() as Float32Array;
  const want = method.relevance_shape;
  const have = relevance.shape.slice(relevance.shape[0] === 1 ? 1 : 0);
  if (!want || values.length === method.relevance.length || have.length !== want.length + 1 || want.some((d, i) => d !== have[i + 1])) return { values };
  const row = want.reduce((a, b) => a * b, 1);
  return { values: values.slice(0, row), note: `the reference holds relevance_shape [${want}]: compared with row 0 of [${have}]` };
}

import { Type } from 'typebox';
import { excitationBackprop } from '../composites/index.js';
import { lrp, type ExplainOptions } from '../engine/explain-lrp.js';
import { explainWithCompositeOn } from '../engine/explain-on-executor.js';
import { onePassMethod } from './sync-method.js';

/** Excitation backprop (Zhang et al. 2016), as zennit's composite: z⁺ on every linear layer. */
export const excitationBackpropMethod = onePassMethod<ExplainOptions>(
  {
    name: 'excitation_backprop',
    family: 'structure',
    description: 'excitation backprop (Zhang et al. 2016): marginal winning probabilities, z⁺ on every layer',
    wrappable: true,
    options: Type.Object({}),
  },
  (model, input, options) => lrp(model, input, { ...options, composite: excitationBackprop() }),
  (model, input, options) => explainWithCompositeOn(model, input, options, excitationBackprop()),
);

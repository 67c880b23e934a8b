/** Registers the composites core ships with, in the order listings show them. */
import { Type } from 'typebox';
import { bound } from '../methods/bounds.js';
import {
  deconvnetComposite, deepTaylor, epsilonAlpha2Beta1, epsilonGammaBox, epsilonPlus, epsilonPlusFlat, excitationBackprop, gradientComposite, guidedBackpropComposite,
} from './presets.js';
import { registerComposite } from './registry.js';
import { transformerComposite } from './transformer.js';
import { stringEnum } from '../methods/option-schema.js';

const none = Type.Object({});
const bounds = Type.Object({
  low: Type.Optional(bound({ default: 0, description: 'lowest input value for z^B' })),
  high: Type.Optional(bound({ default: 1, description: 'highest input value for z^B' })),
});

registerComposite({ name: 'epsilon_plus', description: 'z⁺ on convolutions, ε on dense layers', options: none, create: epsilonPlus });
registerComposite({ name: 'epsilon_plus_flat', description: 'flat on the first layer, z⁺ on convolutions, ε on dense layers', options: none, create: epsilonPlusFlat });
registerComposite({ name: 'epsilon_alpha2_beta1', description: 'α2β1 on convolutions, ε on dense layers', options: none, create: epsilonAlpha2Beta1 });
registerComposite({ name: 'epsilon_gamma_box', description: 'z^B on a first convolution, γ on other convolutions, ε on dense layers', options: bounds, create: (o) => epsilonGammaBox(o.low ?? 0, o.high ?? 1) });
registerComposite({ name: 'deep_taylor', description: 'z^B on the first layer, z⁺ elsewhere', options: bounds, create: (o) => deepTaylor(o.low ?? 0, o.high ?? 1) });
registerComposite({ name: 'excitation_backprop', description: 'z⁺ on every linear layer', options: none, create: excitationBackprop });
registerComposite({ name: 'gradient', description: 'the plain gradient (seed one-hot)', options: none, create: gradientComposite });
registerComposite({ name: 'guided_backprop', description: 'the gradient with guided ReLUs', options: none, create: guidedBackpropComposite });
registerComposite({ name: 'deconvnet', description: 'the gradient with deconvnet ReLUs', options: none, create: deconvnetComposite });
registerComposite({
  name: 'transformer',
  description: 'conservative LRP for transformers: attention and LayerNorm σ held constant, ε on linear maps, GELU passes, residuals proportional',
  options: Type.Object({
    attention: Type.Optional(stringEnum(['values', 'attnlrp'], { default: 'values', description: "'values': attention probabilities held constant (nothing to queries and keys); 'attnlrp': relevance into queries and keys as AttnLRP" })),
    layerNorm: Type.Optional(stringEnum(['constant_std', 'gradient'], { default: 'constant_std', description: "'constant_std': σ held constant, ε rule on the rest; 'gradient': its full Jacobian" })),
    epsilon: Type.Optional(Type.Number({ minimum: 0, default: 1e-6, description: 'stabiliser ε of linear maps, A·V and LayerNorm' })),
  }),
  create: (o) => transformerComposite(o),
});

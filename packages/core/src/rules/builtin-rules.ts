/** Registers the rules core ships with. */
import { Type } from 'typebox';
import { bound } from '../methods/bounds.js';
import { alphaBeta } from './alpha-beta.js';
import { attentionValues } from './attention-values.js';
import { bilinearUniform } from './bilinear-uniform.js';
import { layerNormConstantStd } from './layer-norm-std.js';
import { softmaxAttnLrp } from './softmax-attnlrp.js';
import { epsilon } from './epsilon.js';
import { flat } from './flat.js';
import { gamma } from './gamma.js';
import { gradientRule } from './gradient.js';
import { norm } from './norm.js';
import { pass } from './pass.js';
import { registerRule } from './registry.js';
import { deconvnetRelu, guidedRelu } from './relu-rules.js';
import { winnerTakesAll } from './winner-takes-all.js';
import { wsquare } from './wsquare.js';
import { zbox } from './zbox.js';
import { zplus } from './zplus.js';

const none = Type.Object({});
const stabiliser = (description: string) => Type.Optional(Type.Number({ minimum: 0, default: 1e-6, description }));

registerRule({ name: 'epsilon', description: 'LRP-ε: x ⊙ Wᵀ(R / stab(xW + b))', options: Type.Object({ epsilon: stabiliser('stabiliser ε') }), create: (o) => epsilon(o.epsilon) });
registerRule({ name: 'gamma', description: 'LRP-γ: positive contributions favoured by γ', options: Type.Object({ gamma: Type.Optional(Type.Number({ minimum: 0, default: 0.25 })) }), create: (o) => gamma(o.gamma) });
registerRule({ name: 'zplus', description: 'LRP-z⁺: positive contributions only', options: none, create: () => zplus() });
registerRule({
  name: 'alpha_beta',
  description: 'LRP-αβ: α times the positive share minus β times the negative share',
  options: Type.Object({ alpha: Type.Optional(Type.Number({ minimum: 1, default: 2 })), beta: Type.Optional(Type.Number({ minimum: 0, default: 1 })) }),
  create: (o) => alphaBeta(o.alpha, o.beta),
});
registerRule({ name: 'flat', description: 'LRP-flat: uniform over the receptive field', options: none, create: () => flat() });
registerRule({ name: 'wsquare', description: 'LRP-w²: by the squared weights', options: none, create: () => wsquare() });
registerRule({
  name: 'z_box',
  description: 'LRP-z^B for inputs bounded by [low, high]',
  options: Type.Object({ low: Type.Optional(bound({ default: 0 })), high: Type.Optional(bound({ default: 1 })) }),
  create: (o) => zbox(o.low ?? 0, o.high ?? 1),
});
registerRule({ name: 'gradient', description: 'the gradient (vector–Jacobian product) of any node', options: none, create: () => gradientRule() });
registerRule({ name: 'pass', description: 'relevance passes unchanged (element-wise activations)', options: none, create: () => pass() });
registerRule({ name: 'norm', description: 'proportional redistribution x ⊙ Jᵀ(R / stab(y)) (sums, average pooling)', options: Type.Object({ epsilon: stabiliser('stabiliser ε') }), create: (o) => norm(o.epsilon) });
registerRule({ name: 'winner_takes_all', description: 'max pooling: each window to its arg-max', options: none, create: () => winnerTakesAll() });
registerRule({ name: 'guided_relu', description: 'guided backprop ReLU: positive gradients where the input was positive', options: none, create: () => guidedRelu() });
registerRule({ name: 'deconvnet_relu', description: 'deconvnet ReLU: positive gradients whatever the input', options: none, create: () => deconvnetRelu() });
registerRule({ name: 'attention_values', description: 'attention probabilities held constant: ε rule on A·V to the values, nothing to queries and keys', options: Type.Object({ epsilon: stabiliser('stabiliser ε') }), create: (o) => attentionValues(o.epsilon) });
registerRule({ name: 'bilinear_uniform', description: 'product of two activations (AttnLRP): ε shares split in half between the factors', options: Type.Object({ epsilon: stabiliser('stabiliser ε') }), create: (o) => bilinearUniform(o.epsilon) });
registerRule({ name: 'softmax_attnlrp', description: 'softmax (AttnLRP): x ⊙ (R − y·ΣR)', options: none, create: () => softmaxAttnLrp() });
registerRule({ name: 'layer_norm_constant_std', description: 'LayerNorm with σ held constant: ε rule on the remaining linear map', options: Type.Object({ epsilon: stabiliser('stabiliser ε') }), create: (o) => layerNormConstantStd(o.epsilon) });

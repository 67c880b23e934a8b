/** Registers the methods core ships with, in the order listings show them. */
import { attentionRolloutMethod } from './attention-rollout.js';
import { deconvnetMethod } from './deconvnet.js';
import { deepTaylorMethod } from './deep-taylor.js';
import { excitationBackpropMethod } from './excitation-backprop.js';
import { gradientMethod } from './gradient-method.js';
import { gradientXInputMethod } from './gradient-x-input-method.js';
import { guidedBackpropMethod } from './guided-backprop.js';
import { integratedGradientsMethod } from './integrated-gradients.js';
import { limeMethod } from './lime.js';
import { lrpMethod } from './lrp-method.js';
import { meaningfulPerturbationMethod } from './meaningful-perturbation.js';
import { occlusionMethod } from './occlusion.js';
import { registerMethod } from './registry.js';
import { smoothgradMethod, smoothgradSquaredMethod, vargradMethod } from './smoothgrad.js';

for (const m of [
  lrpMethod,
  deepTaylorMethod,
  excitationBackpropMethod,
  guidedBackpropMethod,
  deconvnetMethod,
  gradientMethod,
  gradientXInputMethod,
  integratedGradientsMethod,
  smoothgradMethod,
  smoothgradSquaredMethod,
  vargradMethod,
  occlusionMethod,
  limeMethod,
  meaningfulPerturbationMethod,
  attentionRolloutMethod,
]) {
  registerMethod(m);
}

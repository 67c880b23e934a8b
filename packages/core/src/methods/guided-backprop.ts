import { Type } from 'typebox';
import { compositeByName } from '../composites/index.js';
import { guidedBackprop } from '../engine/explain-lrp.js';
import { explainWithCompositeOn } from '../engine/explain-on-executor.js';
import { onePassMethod } from './sync-method.js';

export const guidedBackpropMethod = onePassMethod(
  {
    name: 'guided_backprop',
    family: 'structure',
    description: 'guided backpropagation (Springenberg et al. 2015): ReLUs pass positive gradients where their input was positive',
    wrappable: true,
    options: Type.Object({}),
  },
  guidedBackprop,
  (model, input, options) => explainWithCompositeOn(model, input, options, compositeByName('guided_backprop')),
);

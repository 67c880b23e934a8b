import { Type } from 'typebox';
import { compositeByName } from '../composites/index.js';
import { deconvnet } from '../engine/explain-lrp.js';
import { explainWithCompositeOn } from '../engine/explain-on-executor.js';
import { onePassMethod } from './sync-method.js';

export const deconvnetMethod = onePassMethod(
  {
    name: 'deconvnet',
    family: 'structure',
    description: 'deconvnet (Zeiler & Fergus 2014): ReLUs pass positive gradients whatever their input',
    wrappable: true,
    options: Type.Object({}),
  },
  deconvnet,
  (model, input, options) => explainWithCompositeOn(model, input, options, compositeByName('deconvnet')),
);

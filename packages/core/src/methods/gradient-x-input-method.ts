import { Type } from 'typebox';
import { gradientXInput } from '../engine/explain-lrp.js';
import { gradientXInputOn } from '../engine/explain-on-executor.js';
import { onePassMethod } from './sync-method.js';

export const gradientXInputMethod = onePassMethod(
  {
    name: 'gradient_x_input',
    family: 'function',
    description: 'gradient ⊙ input (Shrikumar et al. 2016)',
    wrappable: true,
    options: Type.Object({}),
  },
  gradientXInput,
  gradientXInputOn,
);

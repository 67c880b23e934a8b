import { Type } from 'typebox';
import type { Bound } from '../rules/zbox.js';

/** An input bound for z^B: a number in JSON, or a tensor shaped like the input from a program. */
export const bound = (extra: { default?: number; description?: string } = {}) => Type.Unsafe<Bound>({ type: 'number', 'x-tensor': true, ...extra });

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';

/**
 * The subset of JSON Schema that method options use. The server and dashboard build forms from it;
 * `x-tensor` marks options a program may also pass as a tf.Tensor (baselines, bounds), which a form
 * cannot.
 */
export type OptionSchema = (
  | { type: 'number' | 'integer'; minimum?: number; maximum?: number; exclusiveMinimum?: number; default?: number }
  | { type: 'string'; enum?: readonly string[]; default?: string }
  | { type: 'boolean'; default?: boolean }
  | { type: 'array'; items: OptionSchema; minItems?: number; maxItems?: number; default?: readonly unknown[] }
  | { type: 'object'; properties: Readonly<Record<string, OptionSchema>>; additionalProperties?: boolean; default?: Record<string, unknown> }
  | { anyOf: readonly OptionSchema[]; default?: unknown }
) & {
  description?: string;
  title?: string;
  /** A program may pass a tf.Tensor here (baselines, bounds); a form cannot. */
  'x-tensor'?: boolean;
  /** A program may pass an object built in code here (e.g. a Composite). */
  'x-object'?: boolean;
};

export type ObjectSchema = Extract<OptionSchema, { type: 'object' }>;

const describe = (v: unknown): string =>
  v instanceof tf.Tensor ? `a tensor of shape [${v.shape}]` : typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);

function expectation(schema: OptionSchema): string {
  if ('anyOf' in schema) return schema.anyOf.map(expectation).join(' or ');
  switch (schema.type) {
    case 'number':
    case 'integer': {
      const bounds = [
        schema.minimum !== undefined ? `≥ ${schema.minimum}` : '',
        schema.exclusiveMinimum !== undefined ? `> ${schema.exclusiveMinimum}` : '',
        schema.maximum !== undefined ? `≤ ${schema.maximum}` : '',
      ].filter(Boolean);
      return `${schema.type === 'integer' ? 'an integer' : 'a number'}${bounds.length ? ' ' + bounds.join(' and ') : ''}`;
    }
    case 'string':
      return schema.enum ? `one of ${schema.enum.join(', ')}` : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return `a list of ${expectation(schema.items)}`;
    case 'object':
      return 'an object';
  }
}

/** Returns an error message when `value` does not fit `schema`, else null. */
function check(schema: OptionSchema, value: unknown, path: string): string | null {
  if (schema['x-tensor'] && value instanceof tf.Tensor) return null;
  if (schema['x-object'] && typeof value === 'object' && value !== null && !Array.isArray(value)) return null;
  if ('anyOf' in schema) {
    return schema.anyOf.some((s) => check(s, value, path) === null) ? null : `${path} must be ${expectation(schema)}, got ${describe(value)}`;
  }
  const fail = () => `${path} must be ${expectation(schema)}, got ${describe(value)}`;
  switch (schema.type) {
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail();
      if (schema.type === 'integer' && !Number.isInteger(value)) return fail();
      if (schema.minimum !== undefined && value < schema.minimum) return fail();
      if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return fail();
      if (schema.maximum !== undefined && value > schema.maximum) return fail();
      return null;
    case 'string':
      if (typeof value !== 'string' || (schema.enum && !schema.enum.includes(value))) return fail();
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : fail();
    case 'array': {
      if (!Array.isArray(value)) return fail();
      if (schema.minItems !== undefined && value.length < schema.minItems) return `${path} needs at least ${schema.minItems} entries, got ${value.length}`;
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return `${path} takes at most ${schema.maxItems} entries, got ${value.length}`;
      for (let i = 0; i < value.length; i++) {
        const msg = check(schema.items, value[i], `${path}[${i}]`);
        if (msg) return msg;
      }
      return null;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail();
      try {
        resolveObject(schema, value as Record<string, unknown>, path);
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    }
  }
}

function resolveObject(schema: ObjectSchema, given: Readonly<Record<string, unknown>>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const sub = schema.properties[key];
    if (!sub) {
      if (schema.additionalProperties) {
        out[key] = value;
        continue;
      }
      const known = Object.keys(schema.properties);
      throw new InvalidArgumentError(`unknown option '${key}' for ${path}; ${known.length ? `options are ${known.join(', ')}` : 'it takes no options'}`);
    }
    const msg = check(sub, value, `option '${key}' of ${path}`);
    if (msg) throw new InvalidArgumentError(msg);
    out[key] = value;
  }
  for (const [key, sub] of Object.entries(schema.properties)) {
    if (!(key in out) && sub.default !== undefined) out[key] = sub.default;
  }
  return out;
}

/**
 * Checks options against an object schema and fills in defaults. Throws InvalidArgumentError naming
 * the option at fault (`what` names the owner, e.g. "method 'smoothgrad'").
 */
export function resolveOptions(schema: ObjectSchema, given: Readonly<Record<string, unknown>>, what: string): Record<string, unknown> {
  return resolveObject(schema, given, what);
}

/** Options as JSON (tensors replaced by a short description), for metadata and logs. */
export function optionsAsJson(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const convert = (v: unknown): unknown => {
    if (v instanceof tf.Tensor) return `<tensor [${v.shape}]>`;
    if (Array.isArray(v)) return v.map(convert);
    if (v && typeof v === 'object') {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return `<${(v as { name?: string }).name ?? proto.constructor?.name ?? 'object'}>`;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x)]));
    }
    return v;
  };
  return convert(options) as Record<string, unknown>;
}

/**
 * Options of methods, rules and composites are declared once, as TypeBox (JSON Schema) objects:
 * their TypeScript types come from `Static<>`, their validation from TypeBox's `Value.Check` on the
 * same schema, and the server and dashboard build forms from the same JSON. `x-tensor` marks options
 * a program may also pass as a tf.Tensor (baselines, bounds) and `x-object` options that may be an
 * object built in code (a Composite), which no JSON form can.
 */
import * as tf from '@tensorflow/tfjs';
import { Type, type Static, type TObject, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { InvalidArgumentError } from '../errors.js';

/**
 * The JSON Schema subset of option schemas, as a type for literals (packages that declare schemas
 * as JSON); `Type.Object(…)` schemas from TypeBox are the same JSON.
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

/** What validation reads of a schema (JSON literal or TypeBox). */
interface Schema {
  type?: string;
  enum?: readonly unknown[];
  const?: unknown;
  anyOf?: readonly Schema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Readonly<Record<string, Schema>>;
  additionalProperties?: boolean;
  default?: unknown;
  'x-tensor'?: boolean;
  'x-object'?: boolean;
}

/** An object schema: a TypeBox `Type.Object` or a JSON literal. */
export type AnyObjectSchema = ObjectSchema | TObject;

/** The options type of a TypeBox schema. */
export type OptionsOf<S extends TSchema> = Static<S>;

const describe = (v: unknown): string =>
  v instanceof tf.Tensor ? `a tensor of shape [${v.shape}]` : typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);

/** What a schema accepts, in words (for error messages). */
function expectation(schema: Schema): string {
  if (schema.anyOf) return schema.anyOf.map(expectation).join(' or ');
  if (schema.enum) return `one of ${schema.enum.join(', ')}`;
  if (schema.const !== undefined) return describe(schema.const);
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
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return `a list of ${schema.items ? expectation(schema.items) : 'values'}`;
    case 'object':
      return 'an object';
    default:
      return 'a valid value';
  }
}

/** Returns an error message when `value` does not fit `schema`, else null. */
function check(schema: Schema, value: unknown, path: string): string | null {
  if (schema['x-tensor'] && value instanceof tf.Tensor) return null;
  if (schema['x-object'] && typeof value === 'object' && value !== null && !Array.isArray(value)) return null;
  const fail = () => `${path} must be ${expectation(schema)}, got ${describe(value)}`;
  if (schema.anyOf) return schema.anyOf.some((s) => check(s, value, path) === null) ? null : fail();
  if (schema.type === 'array' && Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return `${path} needs at least ${schema.minItems} entries, got ${value.length}`;
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return `${path} takes at most ${schema.maxItems} entries, got ${value.length}`;
    for (let i = 0; i < value.length; i++) {
      const msg = schema.items ? check(schema.items, value[i], `${path}[${i}]`) : null;
      if (msg) return msg;
    }
    return null;
  }
  if (schema.type === 'object' && schema.properties && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    try {
      resolveObject(schema, value as Record<string, unknown>, path);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }
  return Value.Check(schema as TSchema, value) ? null : fail();
}

function resolveObject(schema: Schema, given: Readonly<Record<string, unknown>>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const sub = schema.properties?.[key];
    if (!sub) {
      if (schema.additionalProperties) {
        out[key] = value;
        continue;
      }
      const known = Object.keys(schema.properties ?? {});
      throw new InvalidArgumentError(`unknown option '${key}' for ${path}; ${known.length ? `options are ${known.join(', ')}` : 'it takes no options'}`);
    }
    const msg = check(sub, value, `option '${key}' of ${path}`);
    if (msg) throw new InvalidArgumentError(msg);
    out[key] = value;
  }
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (!(key in out) && sub.default !== undefined) out[key] = sub.default;
  }
  return out;
}

/**
 * Checks options against an object schema and fills in defaults. Throws InvalidArgumentError naming
 * the option at fault (`what` names the owner, e.g. "method 'smoothgrad'").
 */
export function resolveOptions(schema: AnyObjectSchema, given: Readonly<Record<string, unknown>>, what: string): Record<string, unknown> {
  return resolveObject(schema as Schema, given, what);
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

/** `resolveOptions` for a schema of any static type (registries hand the result to the owner's `create`). */
export function checkOptions(schema: object, given: Readonly<Record<string, unknown>>, what: string): Record<string, unknown> {
  return resolveObject(schema as Schema, given, what);
}

/** A string option with a fixed set of values: `{ type: 'string', enum }` in JSON, their union in TypeScript. */
export const stringEnum = <const T extends readonly string[]>(values: T, extra: { default?: T[number]; description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: values, ...extra });

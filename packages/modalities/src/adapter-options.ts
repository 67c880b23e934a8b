/**
 * Adapter options declared once: each adapter's options are a TypeBox object schema (the JSON
 * schema the server checks requests against and the dashboard builds forms from), their
 * TypeScript type is `Static<>` of it, and `checkedOptions` validates with the same schema.
 */
import { resolveOptions, type ObjectSchema } from '@xai/core';
import { Type, type Static, type TObject, type TProperties } from 'typebox';

/** A string option with fixed choices: `{ type: 'string', enum }` on the wire, the union of the choices in TypeScript. */
export const StringEnum = <const T extends readonly string[]>(values: T, options: { default?: T[number]; description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: values, ...options });

/** The options of an adapter: every one optional (defaults are the adapter's business). */
export const OptionsObject = <P extends TProperties>(properties: P) => Type.Partial(Type.Object(properties));

/** The schema as core's option-schema type (the same JSON; core checks options with it). */
export const asObjectSchema = (schema: TObject): ObjectSchema => schema as unknown as ObjectSchema;

/**
 * `given` checked against `schema` (an InvalidArgumentError names the option at fault; `what`
 * names the owner), typed by it. With `defaults` (the default) the schema's defaults are filled
 * in; without, options stay as given (for adapters whose defaults depend on a preset).
 */
export function checkedOptions<S extends TObject>(schema: S, given: Readonly<Record<string, unknown>> | undefined, what: string, defaults = true): Static<S> {
  const resolved = resolveOptions(asObjectSchema(schema), given ?? {}, what);
  if (defaults) return resolved as Static<S>;
  return Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined)) as Static<S>;
}

import { COLORMAP_NAMES, resolveOptions, type ObjectSchema } from '@xai/core';
import { badRequest } from './errors.js';

/**
 * Decoding options from a client, checked before they reach an adapter. An option whose schema
 * says a program may pass an object built in code (`x-object`, e.g. the text vocabulary) may also
 * take a string that the adapter reads as a file path; over HTTP only the object form is accepted,
 * so no client string ever becomes a path on the server.
 */
export function clientDecodeOptions(schema: ObjectSchema | undefined, options: Record<string, unknown> | undefined, what: string): Record<string, unknown> {
  if (!options) return {};
  for (const [key, value] of Object.entries(options)) {
    const property = schema?.properties[key];
    if (property?.['x-object'] && typeof value === 'string') {
      throw badRequest(`${what}: option '${key}' cannot name a file on the server; pass its content as a JSON object (or upload the file with the input)`);
    }
  }
  return options;
}

/**
 * Decoding or rendering options from a request, checked against the adapter's schema (unknown
 * names, wrong types, values outside an enum) and colour maps against core's list, so that a bad
 * option is a 400 now rather than a failed job later.
 */
export function checkedClientOptions(schema: ObjectSchema, options: Record<string, unknown> | undefined, what: string): Record<string, unknown> {
  const given = clientDecodeOptions(schema, options, what);
  resolveOptions(schema, given, what); // throws InvalidArgumentError (a 400) naming the option
  const colormap = given.colormap;
  if (colormap !== undefined && !(COLORMAP_NAMES as readonly unknown[]).includes(colormap)) {
    throw badRequest(`${what}: unknown colormap ${JSON.stringify(colormap)}; choose one of ${COLORMAP_NAMES.join(', ')}`);
  }
  return given;
}

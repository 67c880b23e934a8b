import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { badRequest } from './errors.js';

/** A URL with the value of `access_token` (a bearer token browsers send in the query) hidden. */
export const redactUrl = (url: string) => url.replace(/([?&]access_token=)[^&#]*/gi, '$1[REDACTED]');

/** How a request appears in the log: never with a token in clear. */
export function requestForLog(request: FastifyRequest) {
  return { method: request.method, url: redactUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

/**
 * JSON bodies are checked against their route's schema without type coercion before Fastify's
 * validator (which coerces, as query strings and paths need): `"target": "1"` is a 400, not 1.
 */
export function strictBodies(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema?.body as TSchema | undefined;
    if (!schema || request.isMultipart?.() || request.body === undefined) return;
    if (Value.Check(schema, request.body)) return;
    const first = Value.Errors(schema, request.body)[0];
    const where = first?.instancePath ? `body${first.instancePath.replace(/\//g, '.')}` : 'body';
    throw badRequest(`${where} ${first?.message ?? 'does not match the schema'}`);
  });
}

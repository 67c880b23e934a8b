import { XaiError } from '@xai/core';
import { isStorageError } from './health.js';

/** Error names of the `{ error, message }` bodies, by status. */
export const STATUS_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  416: 'RangeNotSatisfiable',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  507: 'InsufficientStorage',
};

/** A failure with its HTTP status and the `error` name of the response body. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly error: string = STATUS_NAMES[statusCode] ?? 'Error',
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const notFound = (what: string, id: string) => new HttpError(404, `no ${what} '${id}'`);
export const conflict = (message: string) => new HttpError(409, message);

export interface ErrorBody {
  readonly error: string;
  readonly message: string;
}

/**
 * Status and body for any error reaching the HTTP layer: our HttpErrors, Fastify's own 4xx
 * (validation, body too large, unsupported media type, rate limit, multipart limits), core's typed
 * errors (a bad argument is the client's fault), a full disk or database (507) — and everything
 * else a 500 without internals.
 */
export function errorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof HttpError) return { status: err.statusCode, body: { error: err.error, message: err.message } };
  const e = err as { statusCode?: unknown; validation?: unknown; message?: string; code?: string; name?: string };
  if (e && typeof e === 'object' && e.validation) return { status: 400, body: { error: 'BadRequest', message: e.message ?? 'invalid request' } };
  if (err instanceof XaiError) return { status: 400, body: { error: err.name, message: err.message } };
  if (isStorageError(err)) return { status: 507, body: { error: 'InsufficientStorage', message: "the server's storage is full or failing; try again later" } };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { status, body: { error: STATUS_NAMES[status] ?? 'BadRequest', message: e.message || (STATUS_NAMES[status] ?? 'bad request') } };
  }
  return { status: 500, body: { error: 'InternalError', message: 'the server failed to handle this request; see its log' } };
}

import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import type { ServerConfig } from '../config.js';
import { HttpError } from '../errors.js';
import { isStorageError } from '../health.js';
import { cleanFileName } from './file-names.js';

export interface ReceivedFile {
  /** The user's file name (cleaned): adapters read its extension. */
  readonly name: string;
  /** Where it was written (a generated name inside the upload folder). */
  readonly path: string;
  readonly size: number;
}

export interface ReceivedUpload {
  readonly files: ReceivedFile[];
  readonly fields: Record<string, string>;
}

export interface UploadLimits {
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  /** All files of the request together. */
  readonly maxRequestBytes: number;
}

export const uploadLimits = (config: ServerConfig): UploadLimits => ({ maxFileBytes: config.maxUploadBytes, maxFiles: config.maxFiles, maxRequestBytes: config.maxRequestBytes });

/** Errors of the multipart parser (busboy) on a malformed body: the client's fault, a 400. */
const MALFORMED = /Unexpected end of|Malformed|boundary|multipart/i;

const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 4 * 1024 * 1024;

/**
 * Streams a multipart request's files to `dir` as file-0, file-1 … and collects its text fields.
 * Limits: bytes per file and for the whole request, number of files, number and size of fields;
 * a breach is a 413, a malformed body a 400, a full disk a 507; the partial files are the
 * caller's to remove (it owns `dir`).
 */
export async function receiveUpload(request: FastifyRequest, dir: string, limits: UploadLimits): Promise<ReceivedUpload> {
  if (!request.isMultipart()) throw new HttpError(415, 'send the files as multipart/form-data');
  await mkdir(dir, { recursive: true });
  try {
    return await receiveParts(request, dir, limits);
  } catch (err) {
    if (err instanceof HttpError || typeof (err as { statusCode?: unknown }).statusCode === 'number' || isStorageError(err)) throw err;
    if (err instanceof Error && MALFORMED.test(err.message)) throw new HttpError(400, `malformed multipart/form-data body: ${err.message}`);
    throw err;
  }
}

async function receiveParts(request: FastifyRequest, dir: string, limits: UploadLimits): Promise<ReceivedUpload> {
  const files: ReceivedFile[] = [];
  const fields: Record<string, string> = {};
  const parts = request.parts({
    limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: limits.maxFiles + MAX_FIELDS },
  });
  let total = 0;
  for await (const part of parts) {
    if (part.type === 'file') {
      const index = files.length;
      const path = join(dir, `file-${index}`);
      let size = 0;
      const name = cleanFileName(part.filename, `file-${index}`);
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          total += chunk.length;
          if (total > limits.maxRequestBytes) done(new HttpError(413, `the upload is larger than the server's limit of ${limits.maxRequestBytes} bytes for all files of one request (at ${name}; XAI_MAX_REQUEST_MB)`));
          else done(null, chunk);
        },
      });
      await pipeline(part.file, counted, createWriteStream(path));
      if (part.file.truncated) throw new HttpError(413, `${name} is larger than the server's limit of ${limits.maxFileBytes} bytes per file`);
      files.push({ name, path, size });
    } else {
      if (part.valueTruncated) throw new HttpError(413, `field '${part.fieldname}' is longer than ${MAX_FIELD_BYTES} bytes`);
      if (Object.hasOwn(fields, part.fieldname)) throw new HttpError(400, `field '${part.fieldname}' is given twice`);
      fields[part.fieldname] = String(part.value);
    }
  }
  return { files, fields };
}

/** A JSON object field of an upload form (options, class names …). */
export function jsonField<T>(fields: Record<string, string>, name: string, check: (v: unknown) => v is T, expected: string): T | undefined {
  const raw = fields[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new HttpError(400, `field '${name}' must be JSON (${expected})`);
  }
  if (!check(value)) throw new HttpError(400, `field '${name}' must be ${expected}`);
  return value;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
export const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

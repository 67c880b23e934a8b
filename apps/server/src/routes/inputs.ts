import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InvalidArgumentError } from '@xai/core';
import { adapterByName, adapterForFiles, type ModalityAdapter } from '@xai/modalities';
import { parseByteRange } from '../byte-range.js';
import { inspect } from '../context.js';
import { modelDecodeOptions } from '../model-decode-options.js';
import { badRequest, conflict, HttpError, notFound } from '../errors.js';
import { factsOptions, specsWithFacts } from '../model-decoding-facts.js';
import { clientDecodeOptions } from '../options.js';
import { errors, IdParams, InputFacts, InputView } from '../schemas.js';
import type { ModelRow } from '../storage/database.js';
import { newId } from '../storage/data-dir.js';
import { isPlainObject, jsonField, receiveUpload, uploadLimits } from '../storage/upload.js';
import { inputView } from '../views.js';
import type { DecodedInfo, ModelInfo } from '../worker/task-types.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The first bytes of a file. */
async function readHead(path: string, length = 64): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(new Uint8Array(length), 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** The media type of a stored preview from its first bytes: a PNG, else an HTML page (older text previews), else bytes. */
export function previewType(head: Uint8Array): string {
  if (PNG_SIGNATURE.every((b, i) => head[i] === b)) return 'image/png';
  if (/^\s*<(!DOCTYPE html|html)/i.test(new TextDecoder().decode(head))) return 'text/html; charset=utf-8';
  return 'application/octet-stream';
}

/** The adapter for an upload: the `modality` field, else the first file's extension (415 if none reads it). */
function adapterFor(modality: string | undefined, files: { name: string }[]): ModalityAdapter {
  if (modality) return adapterByName(modality);
  try {
    return adapterForFiles(files.map((f) => ({ name: f.name, bytes: new Uint8Array() })));
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw new HttpError(415, err.message);
    throw err;
  }
}

/** Inputs: upload (decoded by the modality adapters — the content check), list, get, preview, delete. */
export const inputRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = app.xai;

  /** The model an upload is decoded for: the `model` field, else the modality's first demo model. */
  function modelFor(adapter: ModalityAdapter, id: string | undefined): ModelRow | undefined {
    if (id) {
      const row = ctx.store.getModel(id);
      if (!row) throw notFound('model', id);
      return row;
    }
    return ctx.store.listModels().find((m) => m.source === 'demo' && m.modality === adapter.name);
  }

  app.post(
    '/inputs',
    {
      schema: {
        summary: 'upload one input (its file or files) and decode it',
        description:
          'multipart/form-data: the files of one input (one image, WAV, text, NIfTI; an EDF/BDF, or a BrainVision .vhdr/.vmrk/.eeg set …). ' +
          'The modality follows the first file\'s extension unless the field `modality` names it. Optional fields: name, description, ' +
          '`model` (id of the model to decode for; default the modality\'s demo model), `options` (JSON decoding options), ' +
          '`fit` (`strict`, the default: a file that does not fit the model is a 422; `report`: a file that reads but does not fit the model as it is — ' +
          'other channels, another rate — is stored, decoded without the model, and the response\'s `misfit` says why; decoding options chosen when explaining make it fit). ' +
          'The adapter decodes the files — a file it cannot read is a 422 — and draws a preview. GET inputs/:id/facts lists what the files hold.',
        tags: ['inputs'],
        consumes: ['multipart/form-data'],
        response: { 201: InputView, ...errors(400, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const id = newId('inp');
      const dir = ctx.dirs.input(id);
      try {
        const upload = await receiveUpload(request, dir, uploadLimits(ctx.config));
        if (upload.files.length === 0) throw badRequest('no files: send the file(s) of one input');
        const f = upload.fields;
        const adapter = adapterFor(f.modality, upload.files);
        const model = modelFor(adapter, f.model);
        const options = clientDecodeOptions(adapter.options, jsonField(f, 'options', isPlainObject, 'a JSON object'), 'options');
        const modelOptions = model ? modelDecodeOptions(ctx, adapter, model) : undefined;
        if (f.fit !== undefined && f.fit !== 'strict' && f.fit !== 'report') throw badRequest(`field 'fit' must be 'strict' or 'report', not ${JSON.stringify(f.fit)}`);
        const decode = (forModel: boolean) => inspect<DecodedInfo>(ctx, {
          kind: 'decode-input',
          modality: adapter.name,
          files: upload.files.map((x) => ({ name: x.name, path: x.path })),
          options: forModel && model ? { ...factsOptions(model.facts, adapter), ...modelOptions, ...options } : options,
          ...(forModel && model ? { specs: specsWithFacts((model.info as ModelInfo).inputs, model.facts) } : {}),
          previewPath: `${dir}/preview.png`,
        });
        let info: DecodedInfo;
        try {
          info = await decode(true);
        } catch (err) {
          // 'report': a file that reads but does not fit the model as it is, stored with the reason
          if (!(f.fit === 'report' && model && err instanceof HttpError && err.statusCode === 422)) throw err;
          info = { ...(await decode(false)), misfit: { model: model.id, message: err.message } };
        }
        const row = ctx.store.putInput({
          id,
          name: (f.name || upload.files[0]!.name).slice(0, 200),
          source: 'upload',
          readonly: false,
          modality: adapter.name,
          description: (f.description ?? '').slice(0, 2000),
          files: upload.files.map((x, i) => ({ name: x.name, path: ctx.dirs.relative('inputs', id, `file-${i}`), size: x.size })),
          options,
          modelId: info.misfit ? null : model?.id ?? null,
          info,
          preview: info.preview ? ctx.dirs.relative('inputs', id, 'preview.png') : null,
          fingerprint: null,
        });
        reply.code(201).header('location', `/api/v1/inputs/${id}`);
        return inputView(row);
      } catch (err) {
        await ctx.dirs.remove(dir);
        throw err;
      }
    },
  );

  app.get(
    '/inputs',
    {
      schema: {
        summary: 'list inputs (demos first)',
        tags: ['inputs'],
        querystring: Type.Object({ modality: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: { 200: Type.Object({ inputs: Type.Array(InputView) }), ...errors() },
      },
    },
    async (request) => ({ inputs: ctx.store.listInputs(request.query.modality).map((row) => inputView(row, false)) }),
  );

  app.get(
    '/inputs/:id',
    { schema: { summary: 'an input: modality, files, decoded metadata and axes', tags: ['inputs'], params: IdParams, response: { 200: InputView, ...errors(404) } } },
    async (request) => {
      const row = ctx.store.getInput(request.params.id);
      if (!row) throw notFound('input', request.params.id);
      return inputView(row);
    },
  );

  app.get(
    '/inputs/:id/facts',
    {
      schema: {
        summary: "what an input's files hold, read from their headers: the starting point of decoding options",
        description:
          'EEG: format, duration, start, each channel (label, unit, sampling rate), the sampling rates, and the annotations grouped by description ' +
          '(count, first onset). fMRI: dims, voxel size and units, TR, the affine and its source. Audio: sampling rate, channels, duration, bit depth. ' +
          'Other modalities: the file names only.',
        tags: ['inputs'],
        params: IdParams,
        response: { 200: InputFacts, ...errors(404, 422) },
      },
    },
    async (request) => {
      const row = ctx.store.getInput(request.params.id);
      if (!row) throw notFound('input', request.params.id);
      return inspect<Record<string, unknown>>(ctx, { kind: 'input-facts', modality: row.modality, files: row.files.map((f) => ({ name: f.name, path: ctx.dirs.resolve(f.path) })) });
    },
  );

  app.get(
    '/inputs/:id/preview',
    {
      schema: {
        summary: 'preview image (PNG) of an input',
        description: 'The content type follows the stored bytes: image/png for what the adapters draw; text/html for an older text preview.',
        tags: ['inputs'],
        params: IdParams,
        produces: ['image/png', 'text/html'],
        response: { 200: Type.Unknown({ description: 'PNG image' }), ...errors(404) },
      },
    },
    async (request, reply) => {
      const row = ctx.store.getInput(request.params.id);
      if (!row) throw notFound('input', request.params.id);
      if (!row.preview) throw new HttpError(404, `input '${row.id}' has no preview`);
      const path = ctx.dirs.resolve(row.preview);
      // the adapters draw PNGs; a data directory may still hold an older text preview (HTML): say what it is
      const type = previewType(await readHead(path));
      if (type !== 'image/png') reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").header('x-content-type-options', 'nosniff');
      return reply.type(type).header('cache-control', 'private, max-age=3600').send(createReadStream(path));
    },
  );

  app.get(
    '/inputs/:id/files/:index',
    {
      schema: {
        summary: 'one of the files of an input, as uploaded',
        tags: ['inputs'],
        params: Type.Object({ id: IdParams.properties.id, index: Type.Integer({ minimum: 0, description: 'position in the input\'s files' }) }),
        produces: ['application/octet-stream'],
        response: { 200: Type.Unknown({ description: 'the bytes' }), 206: Type.Unknown({ description: 'the bytes of the requested range' }), ...errors(404, 416) },
      },
    },
    async (request, reply) => {
      const row = ctx.store.getInput(request.params.id);
      if (!row) throw notFound('input', request.params.id);
      const file = row.files[request.params.index];
      if (!file) throw new HttpError(404, `input '${row.id}' has ${row.files.length} file(s); there is no file ${request.params.index}`);
      reply
        .type('application/octet-stream')
        .header('accept-ranges', 'bytes')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
      // ranges let the dashboard's <audio> element seek in an uploaded recording
      const range = parseByteRange(request.headers.range, file.size);
      if (range === 'unsatisfiable') {
        reply.header('content-range', `bytes */${file.size}`);
        throw new HttpError(416, `file ${request.params.index} of input '${row.id}' has ${file.size} bytes; the range '${request.headers.range}' lies outside it`);
      }
      if (range) {
        return reply
          .code(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
          .header('content-length', range.end - range.start + 1)
          .send(createReadStream(ctx.dirs.resolve(file.path), { start: range.start, end: range.end }));
      }
      return reply.header('content-length', file.size).send(createReadStream(ctx.dirs.resolve(file.path)));
    },
  );

  app.delete(
    '/inputs/:id',
    { schema: { summary: 'delete an uploaded input (demos are read-only)', tags: ['inputs'], params: IdParams, response: { 204: Type.Null(), ...errors(403, 404, 409) } } },
    async (request, reply) => {
      const row = ctx.store.getInput(request.params.id);
      if (!row) throw notFound('input', request.params.id);
      if (row.readonly) throw new HttpError(403, `input '${row.id}' is a demo and read-only`);
      if (ctx.store.activeJobsUsing(row.id) > 0) throw conflict(`input '${row.id}' is used by a queued or running job; cancel it first`);
      ctx.store.deleteInput(row.id);
      await ctx.dirs.remove(ctx.dirs.input(row.id));
      return reply.code(204).send(null);
    },
  );
};

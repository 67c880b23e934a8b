import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { compositeNames } from '@xai/core';
import { adapterByName } from '@xai/modalities';
import { inspect } from '../context.js';
import { badRequest, conflict, HttpError, notFound } from '../errors.js';
import { factsFromFields } from '../model-decoding-facts.js';
import { clientDecodeOptions } from '../options.js';
import { errors, IdParams, ModelDetail, ModelSummary } from '../schemas.js';
import { newId } from '../storage/data-dir.js';
import { isPlainObject, isStringList, jsonField, receiveUpload, uploadLimits } from '../storage/upload.js';
import { DEFAULT_COMPOSITE, modelDetail, modelSummary } from '../views.js';
import { ONNX_FILE } from '../worker/onnx-upload.js';
import type { ModelInfo } from '../worker/task-types.js';

const CompositeQuery = Type.Object({ composite: Type.Optional(Type.String({ description: `composite preset for the layer table (${compositeNames().join(', ')}); default ${DEFAULT_COMPOSITE}` })) });

/** A model's name when the upload gives none: the zip's or the .onnx file's name, else 'model'. */
function defaultName(files: readonly string[]): string {
  const onnx = files.filter((n) => /\.onnx$/i.test(n));
  if (onnx.length === 1) return onnx[0]!.slice(0, -5);
  if (files.length === 1 && files[0]!.toLowerCase().endsWith('.zip')) return files[0]!.slice(0, -4);
  return 'model';
}

/** Models: upload (model.json + shards, a .onnx file, or a .zip), list, get with the layer table, delete. */
export const modelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = app.xai;

  app.post(
    '/models',
    {
      schema: {
        summary: 'upload a TensorFlow.js LayersModel or an ONNX model',
        description:
          'multipart/form-data: the files model.json and its weight shards, or one .onnx file (with the external data files its ' +
          'initializers name, e.g. model.onnx.data), or one .zip holding either. A transformer text model may bring its tokenizer.json ' +
          '(beside it or in the zip): it is checked, stored with the model, and text explained with the model is tokenised by it. Optional fields: name, description, ' +
          'modality (the modality its inputs have), classNames (JSON list; default: the names the file carries, e.g. ONNX metadata_props xai.classes), decodeOptions (JSON object passed to the modality adapter), ' +
          'decoding facts of its input — channels (comma-separated or a JSON list, in the order of the model\'s channel axis), sampleRate (Hz), unit (uV, mV, V), ' +
          'layout (one of the modality\'s layouts) — stored with the model and used like ONNX metadata_props xai.channels/xai.sfreq/xai.unit (over them), ' +
          `composite (layer table of the response; default ${DEFAULT_COMPOSITE}). The model is loaded in a worker to check it; ` +
          'it is stored under a generated id (tfjs: shards renamed; ONNX: as model.onnx beside its external data). A file that cannot ' +
          'be read (malformed or truncated protobuf, missing shard or external data, unsupported operator or layer) is a 422 naming it.',
        tags: ['models'],
        consumes: ['multipart/form-data'],
        response: { 201: ModelDetail, ...errors(400, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const staging = ctx.dirs.upload(newId('upl'));
      const id = newId('mdl');
      const outDir = ctx.dirs.model(id);
      try {
        const upload = await receiveUpload(request, staging, uploadLimits(ctx.config));
        if (upload.files.length === 0) throw badRequest('no files: send model.json and its weight shards, a .onnx file, or one .zip');
        const f = upload.fields;
        const composite = f.composite || DEFAULT_COMPOSITE;
        if (!compositeNames().includes(composite)) throw badRequest(`unknown composite '${composite}'; choose one of ${compositeNames().join(', ')}`);
        const modality = f.modality ? adapterByName(f.modality) : undefined;
        const classNames = jsonField(f, 'classNames', isStringList, 'a JSON list of strings');
        const decodeOptions = clientDecodeOptions(modality?.options, jsonField(f, 'decodeOptions', isPlainObject, 'a JSON object'), 'decodeOptions');
        const facts = factsFromFields(f, modality);
        const info = await inspect<ModelInfo>(ctx, {
          kind: 'inspect-model',
          source: { files: upload.files.map((x) => ({ name: x.name, path: x.path })), outDir, maxFiles: ctx.config.maxFiles, maxUnzippedBytes: ctx.config.maxUnzippedBytes, maxZipRatio: ctx.config.maxZipRatio },
        });
        const row = ctx.store.putModel({
          id,
          name: (f.name || defaultName(upload.files.map((x) => x.name))).slice(0, 200),
          source: 'upload',
          readonly: false,
          modality: modality?.name ?? (info.tokenizer ? 'text' : null), // a tokenizer.json makes it a text model
          description: (f.description ?? '').slice(0, 2000),
          path: ctx.dirs.relative('models', id, info.format === 'onnx' ? ONNX_FILE : 'model.json'),
          classNames: classNames ?? info.fileClassNames ?? null,
          decodeOptions: decodeOptions ?? {},
          facts,
          info,
          fingerprint: null,
        });
        reply.code(201).header('location', `/api/v1/models/${id}`);
        return modelDetail(row, composite);
      } catch (err) {
        await ctx.dirs.remove(outDir);
        throw err;
      } finally {
        await ctx.dirs.remove(staging);
      }
    },
  );

  app.get(
    '/models',
    { schema: { summary: 'list models (demos first)', tags: ['models'], response: { 200: Type.Object({ models: Type.Array(ModelSummary) }), ...errors() } } },
    async () => ({ models: ctx.store.listModels().map(modelSummary) }),
  );

  app.get(
    '/models/:id',
    {
      schema: {
        summary: 'a model with its layer table: each graph node and the rule a composite gives it',
        tags: ['models'],
        params: IdParams,
        querystring: CompositeQuery,
        response: { 200: ModelDetail, ...errors(400, 404) },
      },
    },
    async (request) => {
      const row = ctx.store.getModel(request.params.id);
      if (!row) throw notFound('model', request.params.id);
      return modelDetail(row, request.query.composite);
    },
  );

  app.delete(
    '/models/:id',
    { schema: { summary: 'delete an uploaded model (demos are read-only)', tags: ['models'], params: IdParams, response: { 204: Type.Null(), ...errors(403, 404, 409) } } },
    async (request, reply) => {
      const row = ctx.store.getModel(request.params.id);
      if (!row) throw notFound('model', request.params.id);
      if (row.readonly) throw new HttpError(403, `model '${row.id}' is a demo and read-only`);
      if (ctx.store.activeJobsUsing(row.id) > 0) throw conflict(`model '${row.id}' is used by a queued or running job; cancel it first`);
      ctx.store.deleteModel(row.id);
      await ctx.dirs.remove(ctx.dirs.model(row.id));
      return reply.code(204).send(null);
    },
  );
};

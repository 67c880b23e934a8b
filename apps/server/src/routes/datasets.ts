import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { metricByName } from '@xai/eval';
import { adapterByName, listAdapters, type ModalityAdapter } from '@xai/modalities';
import { inspect, type ServerContext } from '../context.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { factsOptions, specsWithFacts } from '../model-decoding-facts.js';
import { clientDecodeOptions } from '../options.js';
import { errors, IdParams, Open } from '../schemas.js';
import type { DatasetRow, ModelRow } from '../storage/database.js';
import { newId } from '../storage/data-dir.js';
import { receiveUpload, uploadLimits } from '../storage/upload.js';
import { API } from '../views.js';
import type { DatasetInfo, DatasetModel, DatasetReadLimits } from '../worker/dataset-types.js';
import { DATASETS } from '../worker/datasets.js';
import type { FileRef, ModelInfo } from '../worker/task-types.js';

const ZIP_NAME = 'dataset.zip';

export const datasetLimits = (ctx: ServerContext): DatasetReadLimits => ({ maxFiles: ctx.config.maxDatasetFiles, maxBytes: ctx.config.maxUnzippedBytes, maxZipRatio: ctx.config.maxZipRatio });

export const DatasetView = Open('an uploaded data set (source "upload") or a generated one (source "generated")', {
  name: Type.String(),
  source: Type.Union([Type.Literal('upload'), Type.Literal('generated')]),
  description: Type.String(),
  hasMasks: Type.Boolean({ description: 'every input has a ground-truth mask (localisation metrics need them)' }),
  shape: Type.Array(Type.Integer(), { description: 'shape of one sample (uploads: decoded for the model named at upload, else the modality demo model)' }),
  maxCount: Type.Optional(Type.Integer({ description: 'generated: most samples one benchmark takes' })),
  // uploads only:
  id: Type.Optional(Type.String()),
  size: Type.Optional(Type.Integer({ description: 'bytes of the zip' })),
  createdAt: Type.Optional(Type.String()),
  modality: Type.Optional(Type.String()),
  count: Type.Optional(Type.Integer({ description: 'inputs in the data set' })),
  labelSource: Type.Optional(Type.Union([Type.Literal('labels.csv'), Type.Literal('folders')])),
  labels: Type.Optional(
    Type.Array(Type.Object({ label: Type.String({ description: 'as written' }), index: Type.Union([Type.Integer(), Type.Null()], { description: "the model's class index (null: a name it does not have)" }), count: Type.Integer() }), {
      description: 'distinct labels and how many inputs carry each',
    }),
  ),
  uniformShape: Type.Optional(Type.Boolean({ description: 'every input decodes to `shape` (benchmarks need it)' })),
  model: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'the model it was checked against' })),
  ignored: Type.Optional(Type.Array(Type.String(), { description: 'files that are neither inputs, masks nor labels.csv' })),
  links: Type.Optional(Open('related URLs', { self: Type.String() })),
});

/** A data set as clients see it (its zip stays on the server). */
export function datasetView(row: DatasetRow) {
  const info = row.info as DatasetInfo;
  return { id: row.id, name: row.name, source: 'upload' as const, description: row.description, size: row.size, createdAt: row.createdAt, ...info, links: { self: `${API}/datasets/${row.id}` } };
}

/** Decoding options a model gives its inputs (an uploaded model's are checked as client options). */
const modelOptions = (adapter: ModalityAdapter, model: ModelRow) =>
  model.source === 'upload' ? clientDecodeOptions(adapter.options, model.decodeOptions, `model '${model.id}' decodeOptions`) : { ...model.decodeOptions };

function datasetModel(adapter: ModalityAdapter, model: ModelRow): DatasetModel {
  // decoded as a benchmark will: with the facts stated at the model's upload over its file's metadata
  const specs = specsWithFacts((model.info as ModelInfo).inputs, model.facts);
  return { id: model.id, specs, ...(model.classNames ? { classNames: model.classNames } : {}), decodeOptions: { ...factsOptions(model.facts, adapter), ...modelOptions(adapter, model) } };
}

/** The stored zip of a data set, as workers read it. */
export const datasetFile = (ctx: ServerContext, row: DatasetRow): FileRef => ({ name: row.name, path: ctx.dirs.resolve(row.path) });

export function getDataset(ctx: ServerContext, id: string): DatasetRow {
  const row = ctx.store.getDataset(id);
  if (!row) throw notFound('data set', id);
  return row;
}

/** Metrics that need ground-truth masks are refused (400, naming them) for data without masks. */
export function refuseMaskMetrics(metrics: readonly (string | { name: string })[], hasMasks: boolean, what: string): void {
  if (hasMasks) return;
  const needing = metrics.map((m) => (typeof m === 'string' ? m : m.name)).filter((name) => metricByName(name).requires.includes('masks'));
  if (needing.length === 0) return;
  throw badRequest(
    `metric${needing.length > 1 ? 's' : ''} ${needing.map((n) => `'${n}'`).join(', ')} need${needing.length > 1 ? '' : 's'} ground-truth masks; ${what} has none` +
      ' (a data set gives them as masks/<stem>.png or .npy, or a mask column in labels.csv)',
  );
}

/** Uploaded data sets (a .zip of inputs with labels and masks) for benchmarks: upload, list, get, delete. */
export const datasetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = app.xai;

  app.post(
    '/datasets',
    {
      schema: {
        summary: 'upload a data set: one .zip of inputs with labels (and masks)',
        description:
          'multipart/form-data with one .zip: inputs of one modality (any file a modality reads), labels from `labels.csv` (columns file,label[,mask]; ' +
          'a label is a class index or a class name of the model) or from sub-folder names (<class>/<file>), and optional masks ' +
          '(`masks/<same stem>.png` or `.npy`, or the mask column) for localisation metrics. Optional fields: name, description, ' +
          '`model` (id of the model to check it against; default the modality\'s demo model), `modality`. Every input is decoded now: ' +
          'a file that cannot be read is a 422 naming it.',
        tags: ['datasets'],
        consumes: ['multipart/form-data'],
        response: { 201: DatasetView, ...errors(400, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const id = newId('dst');
      const dir = ctx.dirs.dataset(id);
      try {
        const upload = await receiveUpload(request, dir, { ...uploadLimits(ctx.config), maxFiles: 1 });
        const file = upload.files[0];
        if (!file || upload.files.length !== 1) throw badRequest('send one .zip file holding the data set');
        const f = upload.fields;
        if (f.modality) adapterByName(f.modality);
        let models: Record<string, DatasetModel>;
        if (f.model) {
          const row = ctx.store.getModel(f.model);
          if (!row) throw notFound('model', f.model);
          models = Object.fromEntries(listAdapters().map((a) => [a.name, datasetModel(a, row)]));
        } else {
          const demos = ctx.store.listModels().filter((m) => m.source === 'demo');
          models = Object.fromEntries(listAdapters().flatMap((a) => demos.filter((m) => m.modality === a.name).slice(0, 1).map((m) => [a.name, datasetModel(a, m)])));
        }
        const path = ctx.dirs.relative('datasets', id, 'file-0');
        const info = await inspect<DatasetInfo>(ctx, {
          kind: 'read-dataset',
          file: { name: file.name, path: file.path },
          limits: datasetLimits(ctx),
          models,
          ...(f.modality ? { modality: f.modality } : {}),
        });
        const row = ctx.store.putDataset({
          id,
          name: (f.name || file.name).slice(0, 200),
          description: (f.description ?? '').slice(0, 2000),
          path,
          size: file.size,
          modality: info.modality,
          info,
        });
        reply.code(201).header('location', `${API}/datasets/${id}`);
        return datasetView(row);
      } catch (err) {
        await ctx.dirs.remove(dir);
        throw err;
      }
    },
  );

  app.get(
    '/datasets',
    {
      schema: {
        summary: 'data sets benchmarks can run on: generated ones and uploads',
        tags: ['datasets'],
        response: { 200: Type.Object({ datasets: Type.Array(DatasetView) }), ...errors() },
      },
    },
    async () => ({
      datasets: [
        ...DATASETS.map(({ name, description, shape, hasMasks, maxCount }) => ({ name, source: 'generated' as const, description, shape: [...shape], hasMasks, maxCount })),
        ...ctx.store.listDatasets().map(datasetView),
      ],
    }),
  );

  app.get(
    '/datasets/:id',
    { schema: { summary: 'an uploaded data set: modality, count, labels, masks, sample shape', tags: ['datasets'], params: IdParams, response: { 200: DatasetView, ...errors(404) } } },
    async (request) => datasetView(getDataset(ctx, request.params.id)),
  );

  app.delete(
    '/datasets/:id',
    { schema: { summary: 'delete an uploaded data set', tags: ['datasets'], params: IdParams, response: { 204: Type.Null(), ...errors(404, 409) } } },
    async (request, reply) => {
      const row = getDataset(ctx, request.params.id);
      if (ctx.store.activeJobsUsing(row.id) > 0) throw conflict(`data set '${row.id}' is used by a queued or running benchmark; cancel it first`);
      ctx.store.deleteDataset(row.id);
      await ctx.dirs.remove(ctx.dirs.dataset(row.id));
      return reply.code(204).send(null);
    },
  );
};



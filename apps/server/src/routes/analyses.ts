/** POST /analyses: a data-set analysis (SpRAy, NEON, pruning, P-ClArC) as a job; results through jobs/:id/result and its artefacts. */
import type { MessagePort } from 'node:worker_threads';
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ANALYSIS_KINDS, DEMO_DATASETS, PRUNING_CRITERIA, type AnalysisKind, type AnalysisOptions } from '@xai/analysis';
import { methodByName, resolveOptions } from '@xai/core';
import { adapterByName } from '@xai/modalities';
import { badRequest, notFound } from '../errors.js';
import { factsMetadata, factsOptions } from '../model-decoding-facts.js';
import { modelDecodeOptions } from '../model-decode-options.js';
import { errors, JobView } from '../schemas.js';
import { jobView } from '../views.js';
import type { ServerContext } from '../context.js';
import type { AnalysisTask } from '../worker/analysis-worker.js';
import type { DatasetInfo } from '../worker/dataset-types.js';
import type { WorkerTask } from '../worker/task-types.js';
import { datasetFile, datasetLimits, getDataset } from './datasets.js';

/** Samples one analysis may take (its heatmaps, affinity matrix and t-SNE are held in memory). */
export const MAX_ANALYSIS_SAMPLES = 4000;
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const int = (min: number, max: number, description: string) => Type.Optional(Type.Integer({ minimum: min, maximum: max, description }));

const AnalysisOptionsSchema = Type.Object(
  {
    method: Type.Optional(Type.String({ maxLength: 60, description: 'explanation method for spray and clarc (default lrp)' })),
    methodOptions: Type.Optional(Type.Object({}, { additionalProperties: true, description: "the method's options, e.g. { composite: 'epsilon_plus' }" })),
    classes: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 100, description: "spray: classes analysed (default all); clarc: the class of 'cluster'" })),
    clusters: int(1, 50, 'spray: fixed cluster count (default the eigengap\'s); neon: k'),
    maxClusters: int(2, 50, 'spray: upper bound of the eigengap search (default 10)'),
    neighbours: int(1, 100, 'spray: k of the k-NN graph (default 10)'),
    mapSize: int(2, 64, 'spray: side of the downsampled heatmaps (default 16)'),
    prototypes: int(1, 12, 'prototypes per cluster (default 5)'),
    seed: Type.Optional(Type.Integer({ description: 'seed of the clustering and embeddings (default 1)' })),
    layer: Type.Optional(Type.String({ maxLength: 200, description: 'neon, clarc: the layer (default the last hidden one)' })),
    reference: int(1, MAX_ANALYSIS_SAMPLES, 'prune: reference samples (the first ones; the rest measure the accuracy)'),
    filtersPerStep: int(1, 10_000, 'prune: filters per step'),
    maxShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'prune: stop at this share of filters' })),
    criteria: Type.Optional(Type.Array(literals(PRUNING_CRITERIA), { minItems: 1, maxItems: 3 })),
    artefactSamples: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1, maxItems: MAX_ANALYSIS_SAMPLES, description: 'clarc: the artefact samples (indices)' })),
    cluster: Type.Optional(Type.Integer({ minimum: 0, description: "clarc: the SpRAy cluster of classes[0] holding the artefact" })),
    batchSize: int(1, 256, 'explanation batch size'),
  },
  { additionalProperties: false },
);

export const AnalysisRequest = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 200, description: "a model id (GET /models); the Clever Hans demo's is demo-image-clever-hans-cnn" }),
    kind: literals(ANALYSIS_KINDS),
    dataset: Type.Union([
      Type.Object(
        {
          name: literals(DEMO_DATASETS),
          count: int(3, MAX_ANALYSIS_SAMPLES, 'samples generated (default 400)'),
          seed: Type.Optional(Type.Integer({ description: 'seed of the generated samples (default 1)' })),
        },
        { additionalProperties: false, description: 'a generated demo data set' },
      ),
      Type.Object({ id: Type.String({ maxLength: 200 }), count: int(3, MAX_ANALYSIS_SAMPLES, 'the first count inputs (default all)') }, { additionalProperties: false, description: 'an uploaded data set (POST /datasets)' }),
    ]),
    options: Type.Optional(AnalysisOptionsSchema),
  },
  { additionalProperties: false },
);

export type AnalysisRequestBody = Static<typeof AnalysisRequest>;

export const analysisRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = app.xai;
  app.post(
    '/analyses',
    {
      schema: {
        summary: 'analyse a model on a data set: SpRAy, NEON, relevance-based pruning or P-ClArC',
        description:
          'Returns a job (202; progress and cancel as for every job, events at jobs/:id/events). Its result (GET jobs/:id/result) is analysis.json: ' +
          'spray — per class eigenvalues, eigengap, clusters with prototypes, t-SNE and UMAP; neon — k-means clusters of a layer; prune — accuracy curves per criterion; ' +
          'clarc — accuracy and the share of relevance on the artefact before and after. Figures (PNG) and the prototypes (sample-<i>.png) are artefacts.',
        tags: ['analyses'],
        body: AnalysisRequest,
        response: { 202: JobView, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const job = ctx.jobs.submit('analysis', { ...body }, analysisTaskBuilder(ctx, body));
      reply.code(202).header('location', `/api/v1/jobs/${job.id}`);
      return jobView(job);
    },
  );
};

/**
 * Checks an analysis request and returns how to build its worker task. Also used at start to take
 * up an analysis the last process did not finish (same job, same folder: its relevance store resumes).
 */
export function analysisTaskBuilder(ctx: ServerContext, body: AnalysisRequestBody): (port: MessagePort, outDir: string) => WorkerTask {
  const m = ctx.store.getModel(body.model);
  if (!m) throw notFound('model', body.model);
  const options = (body.options ?? {}) as AnalysisOptions;
  if (options.method !== undefined || options.methodOptions !== undefined) {
    const name = options.method ?? 'lrp';
    resolveOptions(methodByName(name).options, options.methodOptions ?? {}, `method '${name}'`);
  }
  if (body.kind === 'prune' || body.kind === 'clarc') {
    if (m.path.endsWith('.onnx')) throw badRequest(`${body.kind === 'prune' ? 'pruning' : 'P-ClArC'} edits a tfjs Layers model; '${m.name}' is an ONNX model`);
  }
  let data: AnalysisTask['data'];
  if ('name' in body.dataset) {
    data = { demo: { name: body.dataset.name, count: body.dataset.count ?? 400, seed: body.dataset.seed ?? 1 } };
  } else {
    const row = getDataset(ctx, body.dataset.id);
    const info = row.info as DatasetInfo;
    if (!info.uniformShape) throw badRequest(`data set '${row.id}': its inputs decode to different shapes; an analysis needs inputs of one shape`);
    const count = Math.min(info.count, body.dataset.count ?? info.count);
    if (count > MAX_ANALYSIS_SAMPLES) throw badRequest(`data set '${row.id}' has ${info.count} inputs; an analysis takes at most ${MAX_ANALYSIS_SAMPLES} (give count)`);
    const adapter = adapterByName(row.modality);
    const decodeOptions = { ...factsOptions(m.facts, adapter), ...modelDecodeOptions(ctx, adapter, m) };
    data = { upload: { id: row.id, file: datasetFile(ctx, row), modality: row.modality, decodeOptions, limits: datasetLimits(ctx), count } };
  }
  const metadata = factsMetadata(m.facts);
  return (port, outDir) => ({
    kind: 'analysis',
    analysis: body.kind as AnalysisKind,
    model: { id: m.id, path: ctx.dirs.resolve(m.path), ...(m.classNames ? { classNames: m.classNames } : {}), ...(Object.keys(metadata).length ? { metadata } : {}) },
    data,
    options,
    outDir,
    port,
  });
}

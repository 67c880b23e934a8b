import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { methodByName, resolveOptions, type ObjectSchema } from '@xai/core';
import { DEFAULT_BENCHMARK_SEED, DEFAULT_DATA_SEED, metricByName, resolveMetricOptions } from '@xai/eval';
import { adapterByName, adapterForFiles, type ModalityAdapter } from '@xai/modalities';
import type { ServerContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { modelDecodeOptions } from '../model-decode-options.js';
import { checkBenchmarkSize, checkMethodCost, limitExceeded, sampleShapes } from '../limits.js';
import { checkedClientOptions, clientDecodeOptions } from '../options.js';
import { BenchmarkRequest, errors, ExplanationRequest, JobView } from '../schemas.js';
import { factsMetadata, factsOptions } from '../model-decoding-facts.js';
import type { InputRow, ModelRow } from '../storage/database.js';
import { jobView } from '../views.js';
import { datasetByName } from '../worker/datasets.js';
import { datasetFile, datasetLimits, getDataset, refuseMaskMetrics } from './datasets.js';
import type { DatasetInfo, UploadedDatasetRef } from '../worker/dataset-types.js';
import type { FileRef, ModelRef } from '../worker/task-types.js';

function modelRef(ctx: ServerContext, model: ModelRow): ModelRef {
  const metadata = factsMetadata(model.facts);
  return { id: model.id, path: ctx.dirs.resolve(model.path), ...(model.classNames ? { classNames: model.classNames } : {}), ...(Object.keys(metadata).length ? { metadata } : {}) };
}

const filesOf = (ctx: ServerContext, input: InputRow): FileRef[] => input.files.map((f) => ({ name: f.name, path: ctx.dirs.resolve(f.path) }));

/** Decoding options for one run: the model's, the input's, the request's (client ones checked). */
function decodeOptionsFor(ctx: ServerContext, adapter: ModalityAdapter, model: ModelRow, input: InputRow | undefined, request: Record<string, unknown> | undefined) {
  const modelOptions = modelDecodeOptions(ctx, adapter, model);
  const inputOptions = input?.source === 'upload' ? clientDecodeOptions(adapter.options, input.options, `input '${input.id}' options`) : input?.options;
  return { ...factsOptions(model.facts, adapter), ...modelOptions, ...inputOptions, ...checkedClientOptions(adapter.options, request, 'decodeOptions') };
}

/** Checks a method, its options and their cost now, so that a typo or an excess is a 400 rather than a failed job. */
function checkMethod(ctx: ServerContext, name: string, options: Record<string, unknown> | undefined, shapes: readonly number[][]): void {
  const definition = methodByName(name);
  resolveOptions(definition.options, options ?? {}, `method '${name}'`);
  checkMethodCost(ctx.config.limits, name, options ?? {}, shapes);
}

/** Explanations and benchmarks: each request becomes a job (202, then GET jobs/:id or its events). */
export const explanationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = app.xai;

  const model = (id: string) => {
    const row = ctx.store.getModel(id);
    if (!row) throw notFound('model', id);
    return row;
  };
  const input = (id: string) => {
    const row = ctx.store.getInput(id);
    if (!row) throw notFound('input', id);
    return row;
  };

  app.post(
    '/explanations',
    {
      schema: {
        summary: 'explain one input (stored, or inline text) with a model and a method',
        description: 'Returns a job (202). Follow it with GET jobs/:id, or GET jobs/:id/events (Server-Sent Events); when it has succeeded, GET jobs/:id/result lists the relevance and artefact URLs.',
        tags: ['explanations'],
        body: ExplanationRequest,
        response: { 202: JobView, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if ((body.input === undefined) === (body.text === undefined)) throw badRequest("give exactly one of 'input' (an input id) and 'text' (inline text)");
      const limits = ctx.config.limits;
      if (body.text !== undefined && body.text.length > limits.maxTextChars) {
        throw limitExceeded(`field 'text' has ${body.text.length} characters; this server explains at most ${limits.maxTextChars} (XAI_MAX_TEXT_CHARS)`);
      }
      const m = model(body.model);
      const stored = body.input !== undefined ? input(body.input) : undefined;
      const adapter = stored ? adapterByName(stored.modality) : adapterForFiles([{ name: 'input.txt', bytes: new Uint8Array() }]);
      checkMethod(ctx, body.method, body.options, sampleShapes(m, stored, body.text));
      const decodeOptions = decodeOptionsFor(ctx, adapter, m, stored, body.decodeOptions);
      const renderOptions = checkedClientOptions(adapter.options as ObjectSchema, body.renderOptions, 'renderOptions');
      const job = ctx.jobs.submit('explanation', { ...body }, (port, outDir) => {
        let files: FileRef[];
        if (stored) files = filesOf(ctx, stored);
        else {
          mkdirSync(outDir, { recursive: true });
          writeFileSync(join(outDir, 'input.txt'), body.text!);
          files = [{ name: 'input.txt', path: join(outDir, 'input.txt') }];
        }
        return {
          kind: 'explain',
          model: modelRef(ctx, m),
          input: { modality: adapter.name, files },
          method: body.method,
          options: body.options ?? {},
          ...(body.target !== undefined ? { target: body.target } : {}),
          ...(body.output !== undefined ? { output: body.output } : {}),
          ...(body.explainedInputs !== undefined ? { explainedInputs: body.explainedInputs } : {}),
          decodeOptions,
          renderOptions,
          // the request's choice, else the server's (XAI_EXECUTOR), else 'auto': decided where the job runs
          executor: body.executor && body.executor !== 'auto' ? body.executor : (ctx.config.executor ?? 'auto'),
          maxOutputBytes: limits.maxJobOutputBytes,
          outDir,
          port,
        };
      });
      reply.code(202).header('location', `/api/v1/jobs/${job.id}`);
      return jobView(job);
    },
  );

  app.post(
    '/benchmarks',
    {
      schema: {
        summary: 'score explanation methods with metrics on stored inputs, a generated data set or an uploaded one',
        description:
          "Returns a job (202) whose result is the eval runner's method × metric table, per-sample scores and curves (GET jobs/:id/result), " +
          'also as JSON, CSV and Markdown files. Give `inputs` (ids; with `labels` for target "label", else the predicted class is explained) or `dataset`: ' +
          'a generated one by `name` or an uploaded one by `id` (GET /datasets). Metrics that need masks are refused for data without masks.',
        tags: ['benchmarks'],
        body: BenchmarkRequest,
        response: { 202: JobView, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if ((body.inputs === undefined) === (body.dataset === undefined)) throw badRequest("give exactly one of 'inputs' (input ids) and 'dataset'");
      const m = model(body.model);
      const rows = body.inputs?.map(input);
      const generated = body.dataset && 'name' in body.dataset ? body.dataset : undefined;
      const dataset = generated ? datasetByName(generated.name) : undefined;
      const uploadedRow = body.dataset && 'id' in body.dataset ? getDataset(ctx, body.dataset.id) : undefined;
      const uploaded = uploadedRow ? (uploadedRow.info as DatasetInfo) : undefined;
      const uploadedCount = uploaded ? Math.min(uploaded.count, (body.dataset as { count?: number }).count ?? uploaded.count) : 0;
      if (uploaded && !uploaded.uniformShape) throw badRequest(`data set '${uploadedRow!.id}': its inputs decode to different shapes; a benchmark needs inputs of one shape`);
      const shapes = dataset ? [[...dataset.shape]] : uploaded ? [[...uploaded.shape]] : sampleShapes(m, rows![0], undefined);
      checkBenchmarkSize(ctx.config.limits, generated ? generated.count : uploaded ? uploadedCount : rows!.length, body.batchSize, shapes[0] ?? [1]);
      refuseMaskMetrics(body.metrics, dataset ? dataset.hasMasks : (uploaded?.hasMasks ?? false), uploadedRow ? `data set '${uploadedRow.name}'` : dataset ? `data set '${dataset.name}'` : 'stored inputs');
      for (const entry of body.methods) {
        if (typeof entry === 'string') checkMethod(ctx, entry, {}, shapes);
        else checkMethod(ctx, entry.method, entry.options, shapes);
      }
      for (const entry of body.metrics) {
        const definition = metricByName(typeof entry === 'string' ? entry : entry.name);
        resolveMetricOptions(definition, typeof entry === 'string' ? {} : entry.options);
      }
      let data: Parameters<typeof buildData>[0];
      let target = body.target;
      if (generated && dataset) {
        if (generated.count > dataset.maxCount) throw badRequest(`data set '${dataset.name}' has at most ${dataset.maxCount} samples per benchmark`);
        data = { dataset: { name: dataset.name, count: generated.count, seed: generated.seed ?? DEFAULT_DATA_SEED } };
        target ??= 'label';
      } else if (uploadedRow && uploaded) {
        const adapter = adapterByName(uploadedRow.modality);
        data = {
          upload: { id: uploadedRow.id, file: datasetFile(ctx, uploadedRow), modality: uploadedRow.modality, decodeOptions: decodeOptionsFor(ctx, adapter, m, undefined, undefined), limits: datasetLimits(ctx), count: uploadedCount },
        };
        target ??= 'label';
      } else {
        if (!rows) throw badRequest("give 'inputs' or 'dataset'");
        if (body.labels && body.labels.length !== rows.length) throw badRequest(`got ${body.labels.length} labels for ${rows.length} inputs`);
        if (target === 'label' && !body.labels) throw badRequest("target 'label' needs 'labels' (one per input); or use target 'predicted'");
        target ??= body.labels ? 'label' : 'predicted';
        data = { rows, labels: body.labels };
      }
      const resolvedTarget = target;
      const taskData = buildData(data);
      const job = ctx.jobs.submit('benchmark', { ...body }, (port, outDir) => ({
        kind: 'benchmark',
        model: modelRef(ctx, m),
        data: taskData,
        methods: body.methods.map((e) => (typeof e === 'string' ? e : { method: e.method, ...(e.options ? { options: e.options } : {}), ...(e.label ? { label: e.label } : {}) })),
        metrics: body.metrics.map((e) => (typeof e === 'string' ? e : { name: e.name, ...(e.options ? { options: e.options } : {}), ...(e.label ? { label: e.label } : {}) })),
        seed: body.seed ?? DEFAULT_BENCHMARK_SEED,
        target: resolvedTarget,
        ...(body.batchSize !== undefined ? { batchSize: body.batchSize } : {}),
        outDir,
        port,
      }));
      reply.code(202).header('location', `/api/v1/jobs/${job.id}`);
      return jobView(job);

      function buildData(d: { dataset: { name: string; count: number; seed: number } } | { upload: UploadedDatasetRef } | { rows: InputRow[]; labels?: number[] }) {
        if ('dataset' in d) return { dataset: d.dataset };
        if ('upload' in d) return { upload: d.upload };
        return {
          inputs: d.rows.map((row) => {
            const adapter = adapterByName(row.modality);
            return { modality: row.modality, files: filesOf(ctx, row), decodeOptions: decodeOptionsFor(ctx, adapter, m, row, undefined) };
          }),
          ...(d.labels ? { labels: d.labels } : {}),
        };
      }
    },
  );
};

import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { badRequest, conflict, HttpError, notFound } from '../errors.js';
import { errors, IdParams, JobSummary, JobView, Open } from '../schemas.js';
import { FINISHED, type JobRow } from '../storage/database.js';
import { benchmarkFiles, explanationResult, jobSummaryView, jobView } from '../views.js';
import type { ExplainOutput, JobFile } from '../worker/task-types.js';
import { streamJobEvents } from './job-events.js';

export const MAX_JOBS_PAGE = 100;

const JobQuery = Type.Object({
  state: Type.Optional(Type.Union(['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) => Type.Literal(s)))),
  kind: Type.Optional(Type.Union([Type.Literal('explanation'), Type.Literal('benchmark'), Type.Literal('analysis')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_JOBS_PAGE, default: 50, description: `jobs per page (at most ${MAX_JOBS_PAGE})` })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'the `next` of the previous page' })),
});

/** Page cursors: the last row's creation time and id, opaque to clients. */
const encodeCursor = (row: { createdAt: string; id: string }) => Buffer.from(`${row.createdAt}|${row.id}`).toString('base64url');
function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt))) throw badRequest(`cursor '${cursor}' is not one this server gave out`);
  return { createdAt, id };
}

/** Artefacts may hold text from the user (HTML views of a text): never run scripts from them. */
const ARTEFACT_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; media-src data:";

/** `filename*` of Content-Disposition for an adapter-chosen artefact name. */
const disposition = (name: string) => `inline; filename*=UTF-8''${encodeURIComponent(name)}`;

/** Jobs: state, Server-Sent Events, cancel, and the results (relevance, artefacts, benchmark tables). */
export const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = app.xai;

  const job = (id: string) => {
    const row = ctx.jobs.get(id);
    if (!row) throw notFound('job', id);
    return row;
  };
  const succeeded = (id: string): JobRow => {
    const row = job(id);
    if (row.state !== 'succeeded') {
      throw conflict(`job '${id}' has not succeeded (it is ${row.state}${row.error ? `: ${row.error.message}` : ''})`);
    }
    return row;
  };

  app.get(
    '/jobs',
    {
      schema: {
        summary: 'list jobs, newest first, a page at a time',
        description: 'Summaries (what each job named, no request bodies); GET jobs/:id has the whole job. Pass `next` as `cursor` for the following page (null on the last).',
        tags: ['jobs'],
        querystring: JobQuery,
        response: { 200: Type.Object({ jobs: Type.Array(JobSummary), next: Type.Union([Type.String(), Type.Null()]) }), ...errors(400) },
      },
    },
    async (request) => {
      const { cursor, ...query } = request.query;
      const limit = query.limit ?? 50;
      const rows = ctx.store.listJobSummaries({ ...query, limit: limit + 1, ...(cursor ? { after: decodeCursor(cursor) } : {}) });
      const page = rows.slice(0, limit);
      return { jobs: page.map((r) => jobSummaryView(r, ctx.jobs.get(r.id))), next: rows.length > limit ? encodeCursor(page.at(-1)!) : null };
    },
  );

  app.get(
    '/jobs/:id',
    { schema: { summary: 'a job: state, progress, error', tags: ['jobs'], params: IdParams, response: { 200: JobView, ...errors(404) } } },
    async (request) => jobView(job(request.params.id)),
  );

  app.delete(
    '/jobs/:id',
    {
      schema: {
        summary: 'cancel a queued or running job',
        description: 'A queued job is cancelled at once; a running one stops at its next batch (or its worker is terminated after a grace period). Watch its state become "cancelled".',
        tags: ['jobs'],
        params: IdParams,
        response: { 202: JobView, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const row = job(request.params.id);
      if (FINISHED.includes(row.state)) throw conflict(`job '${row.id}' has already finished (${row.state})`);
      const after = ctx.jobs.cancel(row.id) ?? ctx.jobs.get(row.id)!;
      return reply.code(202).send(jobView(after));
    },
  );

  app.get(
    '/jobs/:id/events',
    {
      schema: {
        summary: 'Server-Sent Events of a job',
        description:
          'text/event-stream. Events: `state` (the job, at once and on every state change), `progress` (the job with its progress), ' +
          '`end` (the finished job; the stream then closes). Data is the job as JSON (GET jobs/:id).',
        tags: ['jobs'],
        params: IdParams,
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'an event stream' }), ...errors(404) },
      },
    },
    async (request, reply) => {
      job(request.params.id);
      streamJobEvents(ctx, reply, request.params.id);
    },
  );

  app.get(
    '/jobs/:id/result',
    {
      schema: {
        summary: "a finished job's result",
        description: 'Explanation: method, target, logits, relevance (JSON and binary URLs) and artefact URLs. Benchmark: the whole benchmark result (table, scores, curves) and its files. Analysis: analysis.json and its files (figures, prototypes).',
        tags: ['jobs'],
        params: IdParams,
        response: { 200: Open('the result'), ...errors(404, 409) },
      },
    },
    async (request) => {
      const row = succeeded(request.params.id);
      if (row.kind === 'explanation') return explanationResult(row);
      if (row.kind === 'analysis') {
        const analysis = JSON.parse(await readFile(join(ctx.dirs.job(row.id), 'analysis.json'), 'utf8')) as unknown;
        return { job: row.id, kind: 'analysis', analysis, files: benchmarkFiles(row) };
      }
      const text = await readFile(join(ctx.dirs.job(row.id), 'benchmark.json'), 'utf8');
      return { job: row.id, kind: 'benchmark', benchmark: JSON.parse(text) as unknown, files: benchmarkFiles(row) };
    },
  );

  app.get(
    '/jobs/:id/relevance',
    {
      schema: {
        summary: 'relevance of an explanation: xai-relevance JSON, or float32 little-endian',
        description: 'format=binary: raw float32 values (little-endian, row-major), with the shape in the header X-Relevance-Shape.',
        tags: ['jobs'],
        params: IdParams,
        querystring: Type.Object({
          input: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'model input index' })),
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('binary')], { default: 'json' })),
        }),
        produces: ['application/json', 'application/octet-stream'],
        response: { 200: Type.Unknown({ description: 'JSON or bytes' }), ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const row = succeeded(request.params.id);
      if (row.kind !== 'explanation') throw new HttpError(404, `job '${row.id}' is a ${row.kind}: it has no relevance (see its result)`);
      const k = request.query.input ?? 0;
      const entry = (row.result as ExplainOutput).relevance[k];
      if (!entry) throw new HttpError(404, `job '${row.id}' has no relevance for model input ${k}`);
      const dir = ctx.dirs.job(row.id);
      if (request.query.format === 'binary') {
        return reply
          .type('application/octet-stream')
          .header('x-relevance-shape', entry.shape.join(','))
          .header('x-relevance-dtype', 'float32-le')
          .header('content-disposition', `attachment; filename="relevance-${k}.f32"`)
          .send(createReadStream(join(dir, entry.file)));
      }
      return reply.type('application/json').send(createReadStream(join(dir, `relevance-${k}.json`)));
    },
  );

  app.get(
    '/jobs/:id/artefacts/:name',
    {
      schema: {
        summary: 'one artefact of a finished job (heatmap PNG, HTML, NIfTI, EDF+, CSV …; benchmark JSON/CSV/Markdown)',
        tags: ['jobs'],
        params: Type.Object({ id: IdParams.properties.id, name: Type.String({ minLength: 1, maxLength: 300 }) }),
        response: { 200: Type.Unknown({ description: 'the file, with its media type' }), ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const row = succeeded(request.params.id);
      const files: JobFile[] = row.kind === 'explanation' ? (row.result as ExplainOutput).artefacts : (row.result as { files: JobFile[] }).files;
      const file = files.find((f) => f.name === request.params.name);
      if (!file) throw new HttpError(404, `job '${row.id}' has no artefact '${request.params.name}'; it has ${files.map((f) => f.name).join(', ')}`);
      return reply
        .type(file.mediaType)
        .header('content-length', file.size)
        .header('content-disposition', disposition(file.name))
        .header('content-security-policy', ARTEFACT_CSP)
        .send(createReadStream(join(ctx.dirs.job(row.id), file.file)));
    },
  );
};

import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { compositeNames, METHOD_FAMILIES, methodCatalog } from '@xai/core';
import { METRIC_CATEGORIES, metricCatalog } from '@xai/eval';
import { modalityCatalog } from '@xai/modalities';
import { errors, Open } from '../schemas.js';

/** Health and the catalogues: methods, metrics, modalities (data sets: routes/datasets.ts). */
export const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const started = Date.now();
  const ctx = app.xai;

  app.get(
    '/health',
    {
      schema: {
        summary: 'liveness, storage health and job counts (never needs the token)',
        description: 'status is "degraded" (with the reason) while the data directory cannot take writes (disk or database full); it returns to "ok" after a write succeeds.',
        tags: ['server'],
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
            reason: Type.Optional(Type.String()),
            since: Type.Optional(Type.String()),
            uptimeSeconds: Type.Number(),
            jobs: Type.Object({ queued: Type.Integer(), running: Type.Integer() }),
            concurrency: Type.Integer(),
          }),
        },
      },
    },
    async () => ({ ...ctx.health.status, uptimeSeconds: (Date.now() - started) / 1000, jobs: ctx.jobs.counts(), concurrency: ctx.config.concurrency }),
  );

  app.get(
    '/methods',
    {
      schema: {
        summary: 'explanation methods: names, families, option schemas; LRP composite presets',
        tags: ['catalogue'],
        response: { 200: Open('methods', { methods: Type.Array(Open('a method')), families: Open('family → description'), composites: Type.Array(Type.String()) }), ...errors() },
      },
    },
    async () => ({ methods: methodCatalog(), families: METHOD_FAMILIES, composites: compositeNames() }),
  );

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'evaluation metrics for benchmarks: category, better direction, paper, option schemas',
        tags: ['catalogue'],
        response: { 200: Open('metrics', { metrics: Type.Array(Open('a metric')), categories: Open('category → description') }), ...errors() },
      },
    },
    async () => ({ metrics: metricCatalog(), categories: METRIC_CATEGORIES }),
  );

  app.get(
    '/modalities',
    {
      schema: {
        summary: 'registered modalities: file extensions, decoding options, demo models and inputs',
        tags: ['catalogue'],
        response: { 200: Open('modalities', { modalities: Type.Array(Open('a modality')) }), ...errors() },
      },
    },
    async () => {
      const models = ctx.store.listModels().filter((m) => m.source === 'demo');
      const inputs = ctx.store.listInputs().filter((i) => i.source === 'demo');
      return {
        modalities: modalityCatalog().map((m) => ({
          ...m,
          demos: { models: models.filter((x) => x.modality === m.name).map((x) => x.id), inputs: inputs.filter((x) => x.modality === m.name).map((x) => x.id) },
        })),
      };
    },
  );
};

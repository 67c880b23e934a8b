import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { loadPlugins } from '@xai/core';
import { listAdapters } from '@xai/modalities';
import { registerAuth } from './auth.js';
import { requestForLog, strictBodies } from './request-checks.js';
import { resolveConfig, type ServerOptions } from './config.js';
import type { ServerContext } from './context.js';
import { registerDemos } from './demos.js';
import { scheduleRetention } from './storage/retention.js';
import { sweepOrphans } from './storage/sweep.js';
import { errorResponse, HttpError } from './errors.js';
import { Health } from './health.js';
import { BullmqBackend } from './jobs/bullmq-backend.js';
import { EmbeddedBackend } from './jobs/job-backend.js';
import { JobManager } from './jobs/job-manager.js';
import { WorkerPools } from './jobs/pools.js';
import { landingPage } from './landing-page.js';
import { analysisRoutes, analysisTaskBuilder, type AnalysisRequestBody } from './routes/analyses.js';
import { catalogRoutes } from './routes/catalog.js';
import { datasetRoutes } from './routes/datasets.js';
import { explanationRoutes } from './routes/explanations.js';
import { inputRoutes } from './routes/inputs.js';
import { jobRoutes } from './routes/jobs.js';
import { modelRoutes } from './routes/models.js';
import { DataDir } from './storage/data-dir.js';
import { Store } from './storage/database.js';
import { API } from './views.js';

export const VERSION = '0.1.0';

/**
 * The server, ready to `listen`: storage opened, interrupted jobs failed, demo models and inputs of
 * every registered modality registered (unless `loadDemos` is false), routes under /api/v1.
 * Closing it ends event streams, fails running jobs, stops the workers and closes the database.
 */
export async function buildApp(options: ServerOptions): Promise<FastifyInstance> {
  const config = resolveConfig(options);
  await loadPlugins(); // XAI_PLUGINS: rules, composites and methods the catalog and validation must know (workers load them too)
  const app = Fastify({
    logger: config.logLevel
      ? { level: config.logLevel, ...(config.logStream ? { stream: config.logStream } : {}), serializers: { req: requestForLog } }
      : false,
    bodyLimit: config.maxJsonBytes,
    forceCloseConnections: true,
    pluginTimeout: 60_000,
    // Unknown fields are an error (a typo in an option name should not be dropped silently).
    // Query strings and paths are coerced (they are text); bodies are checked strictly first (strictBodies).
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const dirs = new DataDir(config.dataDir);
  const store = new Store(dirs.database);
  const pools = new WorkerPools(config.concurrency, config.inspectThreads, config.workerMemoryMb);
  const health = new Health();
  const backend = config.redisUrl
    ? new BullmqBackend({ url: config.redisUrl, local: new EmbeddedBackend(pools.jobs), ...(config.queueChunkSize ? { chunkSize: config.queueChunkSize } : {}) }, dirs, health, app.log)
    : new EmbeddedBackend(pools.jobs);
  // an analysis interrupted by a restart runs again in its folder: its relevance store resumes
  const rebuilders = { analysis: (request: Record<string, unknown>) => analysisTaskBuilder(ctx, request as AnalysisRequestBody) };
  const jobs = new JobManager(store, backend, dirs, { cancelGraceMs: config.cancelGraceMs, jobTimeoutMs: config.jobTimeoutMs }, health, app.log, rebuilders);
  const ctx: ServerContext = { config, store, dirs, pools, jobs, health, log: app.log, streams: new Set() };
  const interrupted = jobs.recover();
  if (interrupted > 0) app.log.warn(`${interrupted} job(s) interrupted by the last shutdown marked failed`);
  app.decorate('xai', ctx);

  app.addHook('preClose', async () => {
    [...ctx.streams].forEach((end) => end());
  });
  app.addHook('onClose', async () => {
    await jobs.close();
    await pools.close();
    store.close();
  });

  try {
    app.removeContentTypeParser('text/plain'); // JSON or multipart only: anything else is a 415
    strictBodies(app);
    app.setErrorHandler((err, request, reply) => {
      const { status, body } = errorResponse(err);
      if (status >= 500) request.log.error({ err }, 'request failed');
      // refused before its body was read (an upload over a limit): the connection cannot be reused
      if (!request.raw.complete) reply.header('connection', 'close');
      reply.code(status).type('application/json').send(body);
    });
    app.setNotFoundHandler((request, reply) => {
      const dashboard = config.dashboardDir && existsSync(join(config.dashboardDir, 'index.html'));
      if (dashboard && request.method === 'GET' && !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html')) {
        return reply.sendFile('index.html'); // a client-side route of the dashboard
      }
      reply.code(404).send({ error: 'NotFound', message: `no route ${request.method} ${request.url.split('?')[0]}` });
    });

    await app.register(helmet, {
      global: true,
      crossOriginResourcePolicy: { policy: 'same-origin' },
      // Plain HTTP (TLS belongs to a reverse proxy): no upgrade of requests to https, no HSTS.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, imgSrc: ["'self'", 'data:', 'blob:'] } },
      strictTransportSecurity: false,
    });
    if (config.rateLimit > 0) await app.register(rateLimit, { global: true, max: config.rateLimit, timeWindow: 60_000 });
    await app.register(multipart, { limits: { fileSize: config.maxUploadBytes, files: config.maxFiles }, throwFileSizeLimit: true });
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        // The modalities are listed from the adapter registry, so the description never lags behind it.
        info: { title: 'xai server', version: VERSION, description: `Explanations (LRP and more) of TensorFlow.js and ONNX models, as jobs, on the inputs of every modality: ${listAdapters().map((m) => m.name).join(', ')}.` },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        ...(config.token ? { security: [{ bearer: [] }] } : {}),
      },
    });
    await app.register(swaggerUi, { routePrefix: `${API}/docs`, staticCSP: true });
    registerAuth(app, config.token);

    await app.register(
      async (api) => {
        await api.register(catalogRoutes);
        await api.register(modelRoutes);
        await api.register(inputRoutes);
        await api.register(datasetRoutes);
        await api.register(explanationRoutes);
        await api.register(jobRoutes);
        await api.register(analysisRoutes);
      },
      { prefix: API },
    );

    const dashboard = config.dashboardDir && existsSync(join(config.dashboardDir, 'index.html')) ? config.dashboardDir : null;
    if (dashboard) await app.register(fastifyStatic, { root: dashboard, prefix: '/' });
    else app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(landingPage()));

    if (config.loadDemos) {
      const demos = await registerDemos(ctx);
      app.log.info(`demos: ${demos.models} model(s), ${demos.inputs} input(s)`);
    }
    const swept = await sweepOrphans(ctx);
    if (swept > 0) app.log.warn(`removed ${swept} folder(s) left by interrupted uploads or deleted entries`);
    const stopRetention = scheduleRetention(ctx);
    app.addHook('onClose', async () => stopRetention());
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}

export { HttpError };

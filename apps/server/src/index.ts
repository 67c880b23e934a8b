/** @xai/server — the HTTP API: models, inputs, explanations and benchmarks as jobs. */
export { buildApp, VERSION } from './app.js';
export { configFromEnv, resolveConfig, type ServerConfig } from './config.js';
export { HttpError, type ErrorBody } from './errors.js';
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions } from './jobs/queue-worker.js';

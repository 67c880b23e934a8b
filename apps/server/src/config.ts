import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Everything the server can be told; `configFromEnv` reads it from XAI_* variables. */
export interface ServerConfig {
  /** Where SQLite metadata and all stored files live (created if missing). */
  readonly dataDir: string;
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  /** Bearer token every route but health needs; undefined = no authentication. */
  readonly token?: string;
  /** Worker threads running explanations and benchmarks at the same time. */
  readonly concurrency: number;
  /** Worker threads checking uploads (decoding inputs, loading models). */
  readonly inspectThreads: number;
  /** Largest single uploaded file, bytes. */
  readonly maxUploadBytes: number;
  /** Most files in one upload request. */
  readonly maxFiles: number;
  /** Largest total a .zip model upload may unpack to, bytes. */
  readonly maxUnzippedBytes: number;
  /** Largest JSON request body (inline text, options), bytes. */
  readonly maxJsonBytes: number;
  /** Requests per client IP per minute; 0 = no rate limit. */
  readonly rateLimit: number;
  /** Static dashboard served at `/` when this folder exists; null = never. */
  readonly dashboardDir: string | null;
  /** Register the demo models and inputs of every registered modality at start. */
  readonly loadDemos: boolean;
  /** How long a running job may take to stop after a cancel before its worker is terminated, ms. */
  readonly cancelGraceMs: number;
  /** Fastify's logger: false, or a pino level. */
  readonly logLevel: false | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

const MB = 1024 * 1024;

/** apps/dashboard/dist, next to this package (src/ or dist/ alike). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

/** One core stays with the HTTP thread and upload checks; at most four job workers by default. */
export const defaultConcurrency = () => Math.max(1, Math.min(4, availableParallelism() - 1));

export function resolveConfig(partial: Partial<ServerConfig> & { dataDir: string }): ServerConfig {
  return {
    host: '127.0.0.1',
    port: 3000,
    concurrency: defaultConcurrency(),
    inspectThreads: 1,
    maxUploadBytes: 256 * MB,
    maxFiles: 64,
    maxUnzippedBytes: 1024 * MB,
    maxJsonBytes: 2 * MB,
    rateLimit: 1200,
    dashboardDir: DEFAULT_DASHBOARD_DIR,
    loadDemos: true,
    cancelGraceMs: 3000,
    logLevel: 'info',
    ...partial,
    dataDir: resolve(partial.dataDir),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return value;
}

function megabytes(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of megabytes, got '${raw}'`);
  return Math.round(value * MB);
}

const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** The configuration from XAI_* environment variables (see README: Configuration). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const defaults = resolveConfig({ dataDir: env.XAI_DATA_DIR || './data' });
  const log = (env.XAI_LOG || 'info') as (typeof LOG_LEVELS)[number];
  if (!LOG_LEVELS.includes(log)) throw new Error(`XAI_LOG must be one of ${LOG_LEVELS.join(', ')}, got '${env.XAI_LOG}'`);
  const token = env.XAI_TOKEN?.trim();
  if (token !== undefined && token !== '' && token.length < 8) throw new Error('XAI_TOKEN must be at least 8 characters long');
  return {
    ...defaults,
    host: env.XAI_HOST || defaults.host,
    port: integer(env, 'XAI_PORT', defaults.port, 0, 65535),
    ...(token ? { token } : {}),
    concurrency: integer(env, 'XAI_CONCURRENCY', defaults.concurrency, 1, 64),
    inspectThreads: integer(env, 'XAI_INSPECT_THREADS', defaults.inspectThreads, 1, 16),
    maxUploadBytes: megabytes(env, 'XAI_MAX_UPLOAD_MB', defaults.maxUploadBytes),
    maxFiles: integer(env, 'XAI_MAX_FILES', defaults.maxFiles, 1, 10_000),
    maxUnzippedBytes: megabytes(env, 'XAI_MAX_UNZIPPED_MB', defaults.maxUnzippedBytes),
    maxJsonBytes: megabytes(env, 'XAI_MAX_JSON_MB', defaults.maxJsonBytes),
    rateLimit: integer(env, 'XAI_RATE_LIMIT', defaults.rateLimit, 0),
    dashboardDir: env.XAI_DASHBOARD_DIR ? resolve(env.XAI_DASHBOARD_DIR) : defaults.dashboardDir,
    loadDemos: env.XAI_DEMOS !== '0',
    logLevel: log === 'silent' ? false : log,
  };
}

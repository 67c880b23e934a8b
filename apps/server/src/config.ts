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
  /** Most files an uploaded data set (.zip) may hold. */
  readonly maxDatasetFiles: number;
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
  /** Where log lines go (default stdout); tests read them. */
  readonly logStream?: NodeJS.WritableStream;
  /** Largest total of the files of one upload request, bytes. */
  readonly maxRequestBytes: number;
  /** A .zip may unpack to at most this many times its own size (zip bombs stop early). */
  readonly maxZipRatio: number;
  /** A job running longer than this is stopped and marked cancelled, ms (0: no limit). */
  readonly jobTimeoutMs: number;
  /** Work limits checked before a job runs (see limits.ts). */
  readonly limits: WorkLimits;
  /** JavaScript heap of each worker thread, MB: a worker above it is stopped and replaced, not the server. */
  readonly workerMemoryMb: number;
  /** Finished jobs and unreferenced uploads older than this are removed, days (0: keep forever). */
  readonly retentionDays: number;
  /** The data directory is kept under this size by removing the oldest first, bytes (0: no quota). */
  readonly maxDataBytes: number;
  /** How often retention and the quota are applied, ms. */
  readonly retentionIntervalMs: number;
  /** XAI_REDIS_URL: jobs run on BullMQ queues in Redis, taken by `xai worker` processes (absent: the server's own workers). */
  readonly redisUrl?: string;
  /** XAI_QUEUE_CHUNK: samples per benchmark chunk on the queue (default 64). */
  readonly queueChunkSize?: number;
  /**
   * XAI_EXECUTOR: what runs explanations a request does not choose an executor for ('tfjs' or
   * 'ort'); absent: 'ort' where onnxruntime-node is installed and the method runs on it, else 'tfjs'.
   */
  readonly executor?: 'tfjs' | 'ort';
}

/** Maxima on the work of one request, checked against each method's declared cost. */
export interface WorkLimits {
  /** Forward(+backward) passes per explained sample (IG steps, SmoothGrad samples, occlusion windows …). */
  readonly maxPasses: number;
  /** Copies of a sample in one batch (batchSize after the method's own clamping). */
  readonly maxBatch: number;
  /** Values (elements) of one batch: copies × elements of a sample. */
  readonly maxBatchElements: number;
  /** Samples of one benchmark (data-set count or stored inputs). */
  readonly maxBenchmarkSamples: number;
  /** Characters of an inline text. */
  readonly maxTextChars: number;
  /** Bytes of artefacts and relevance files one job may write. */
  readonly maxJobOutputBytes: number;
}

const MB = 1024 * 1024;

/** apps/dashboard/dist, next to this package (src/ or dist/ alike). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

/** One core stays with the HTTP thread and upload checks; at most four job workers by default. */
export const defaultConcurrency = () => Math.max(1, Math.min(4, availableParallelism() - 1));

/** Defaults sized for a 2-core machine with a few GB of memory. */
export const DEFAULT_LIMITS: WorkLimits = {
  // occlusion with window 1, stride 1 on a 227×227 spectrogram makes 51,530 passes (its defaults: at most 512); time is bounded by XAI_JOB_TIMEOUT
  maxPasses: 100_000,
  maxBatch: 256,
  maxBatchElements: 4 * MB,
  maxBenchmarkSamples: 512,
  maxTextChars: 100_000,
  maxJobOutputBytes: 256 * MB,
};

/** What `buildApp` takes: any settings (limits one by one), the data directory required. */
export type ServerOptions = Omit<Partial<ServerConfig>, 'limits'> & { readonly dataDir: string; readonly limits?: Partial<WorkLimits> };

export function resolveConfig(partial: ServerOptions): ServerConfig {
  return {
    host: '127.0.0.1',
    port: 3000,
    concurrency: defaultConcurrency(),
    inspectThreads: 1,
    maxUploadBytes: 256 * MB,
    maxFiles: 64,
    maxDatasetFiles: 4096,
    maxUnzippedBytes: 1024 * MB,
    maxJsonBytes: 2 * MB,
    rateLimit: 1200,
    dashboardDir: DEFAULT_DASHBOARD_DIR,
    loadDemos: true,
    cancelGraceMs: 3000,
    logLevel: 'info',
    maxRequestBytes: 512 * MB,
    maxZipRatio: 200,
    jobTimeoutMs: 60 * 60_000,
    workerMemoryMb: 2048,
    retentionDays: 30,
    maxDataBytes: 20 * 1024 * MB,
    retentionIntervalMs: 60 * 60_000,
    ...partial,
    limits: { ...DEFAULT_LIMITS, ...partial.limits },
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

/** Samples per queued benchmark chunk: whole model batches (64), so that chunks compute what one run does. */
function chunkSize(env: NodeJS.ProcessEnv): number {
  const n = integer(env, 'XAI_QUEUE_CHUNK', 64, 64, 1_000_000);
  if (n % 64 !== 0) throw new Error(`XAI_QUEUE_CHUNK must be a multiple of 64 (the benchmark's model batch), got '${env.XAI_QUEUE_CHUNK}'`);
  return n;
}

/** A non-negative number (`unit` multiplies it: MB → bytes, s → ms …); zero only when `zero` allows it. */
function amount(env: NodeJS.ProcessEnv, name: string, fallback: number, unit: number, what: string, zero = false): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!zero && value === 0)) throw new Error(`${name} must be a ${zero ? 'non-negative' : 'positive'} number of ${what}, got '${raw}'`);
  return Math.round(value * unit);
}

const megabytes = (env: NodeJS.ProcessEnv, name: string, fallback: number) => amount(env, name, fallback, MB, 'megabytes');

/** XAI_EXECUTOR: checked at start, so that a typo is not a failure of every job. */
function executorOf(raw: string): 'tfjs' | 'ort' {
  if (raw !== 'tfjs' && raw !== 'ort') throw new Error(`XAI_EXECUTOR must be tfjs or ort, got '${raw}'`);
  return raw;
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
    maxDatasetFiles: integer(env, 'XAI_MAX_DATASET_FILES', defaults.maxDatasetFiles, 1, 1_000_000),
    maxUnzippedBytes: megabytes(env, 'XAI_MAX_UNZIPPED_MB', defaults.maxUnzippedBytes),
    maxJsonBytes: megabytes(env, 'XAI_MAX_JSON_MB', defaults.maxJsonBytes),
    rateLimit: integer(env, 'XAI_RATE_LIMIT', defaults.rateLimit, 0),
    dashboardDir: env.XAI_DASHBOARD_DIR ? resolve(env.XAI_DASHBOARD_DIR) : defaults.dashboardDir,
    loadDemos: env.XAI_DEMOS !== '0',
    logLevel: log === 'silent' ? false : log,
    maxRequestBytes: megabytes(env, 'XAI_MAX_REQUEST_MB', defaults.maxRequestBytes),
    maxZipRatio: integer(env, 'XAI_MAX_ZIP_RATIO', defaults.maxZipRatio, 1),
    jobTimeoutMs: amount(env, 'XAI_JOB_TIMEOUT', defaults.jobTimeoutMs, 1000, 'seconds', true),
    workerMemoryMb: integer(env, 'XAI_WORKER_MEMORY_MB', defaults.workerMemoryMb, 64),
    retentionDays: amount(env, 'XAI_RETENTION_DAYS', defaults.retentionDays, 1, 'days', true),
    maxDataBytes: amount(env, 'XAI_MAX_DATA_GB', defaults.maxDataBytes, 1024 * MB, 'gigabytes', true),
    ...(env.XAI_REDIS_URL?.trim() ? { redisUrl: env.XAI_REDIS_URL.trim() } : {}),
    ...(env.XAI_QUEUE_CHUNK ? { queueChunkSize: chunkSize(env) } : {}),
    ...(env.XAI_EXECUTOR?.trim() ? { executor: executorOf(env.XAI_EXECUTOR.trim()) } : {}),
    limits: {
      maxPasses: integer(env, 'XAI_MAX_PASSES', DEFAULT_LIMITS.maxPasses, 1),
      maxBatch: integer(env, 'XAI_MAX_BATCH', DEFAULT_LIMITS.maxBatch, 1),
      maxBatchElements: integer(env, 'XAI_MAX_BATCH_ELEMENTS', DEFAULT_LIMITS.maxBatchElements, 1),
      maxBenchmarkSamples: integer(env, 'XAI_MAX_BENCHMARK_SAMPLES', DEFAULT_LIMITS.maxBenchmarkSamples, 1),
      maxTextChars: integer(env, 'XAI_MAX_TEXT_CHARS', DEFAULT_LIMITS.maxTextChars, 1),
      maxJobOutputBytes: megabytes(env, 'XAI_MAX_JOB_OUTPUT_MB', DEFAULT_LIMITS.maxJobOutputBytes),
    },
  };
}

import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from './config.js';
import { HttpError } from './errors.js';
import type { Health } from './health.js';
import type { JobManager } from './jobs/job-manager.js';
import type { WorkerPools } from './jobs/pools.js';
import type { DataDir } from './storage/data-dir.js';
import type { Store } from './storage/database.js';
import type { Outcome, WorkerTask } from './worker/task-types.js';

/** What every route works with (decorated on the Fastify instance as `xai`). */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly store: Store;
  readonly dirs: DataDir;
  readonly pools: WorkerPools;
  readonly jobs: JobManager;
  readonly health: Health;
  readonly log: FastifyBaseLogger;
  /** Ends each open Server-Sent Events stream (called when the server closes). */
  readonly streams: Set<() => void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    xai: ServerContext;
  }
}

/** Runs an upload check in the inspect pool; a bad file becomes its 4xx. */
export async function inspect<T>(ctx: ServerContext, task: WorkerTask): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = (await ctx.pools.inspect.run(task)) as Outcome<T>;
  } catch (err) {
    // The worker died (out of memory on a huge or hostile file …): the pool replaces it; the
    // request gets the blame, not the server.
    ctx.log.warn({ err }, 'upload check worker failed');
    throw new HttpError(422, `the files could not be checked: ${(err as Error).message}`, 'InvalidFile');
  }
  if (!outcome.ok && outcome.error.error === 'StorageFull') ctx.health.storageFailed(outcome.error.message);
  if (outcome.ok) return outcome.value;
  throw new HttpError(outcome.error.status, outcome.error.message, outcome.error.status >= 500 ? 'InternalError' : outcome.error.error);
}

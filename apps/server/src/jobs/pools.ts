import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Outcome, WorkerTask } from '../worker/task-types.js';

/** dist/worker/tasks.js when built; from the TypeScript sources, an entry that loads them via tsx. */
export function workerEntry(): string {
  const compiled = fileURLToPath(new URL('../worker/tasks.js', import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('../worker/ts-entry.mjs', import.meta.url));
}

/**
 * The two worker pools. `jobs` runs explanations and benchmarks (the configured concurrency);
 * `inspect` checks uploads and loads demo models, so that an upload never waits behind a long
 * explanation. Workers stay alive between tasks: a tfjs backend and a loaded model are costly to
 * set up.
 */
export class WorkerPools {
  readonly jobs: Piscina<WorkerTask, Outcome<unknown>>;
  readonly inspect: Piscina<WorkerTask, Outcome<unknown>>;

  constructor(concurrency: number, inspectThreads: number) {
    const filename = workerEntry();
    const common = { filename, idleTimeout: 10 * 60_000, concurrentTasksPerWorker: 1, env: { ...process.env, XAI_WORKERS: '0' } };
    this.jobs = new Piscina({ ...common, minThreads: 0, maxThreads: concurrency });
    this.inspect = new Piscina({ ...common, minThreads: 0, maxThreads: inspectThreads });
  }

  async close(): Promise<void> {
    await Promise.all([this.jobs.destroy(), this.inspect.destroy()]);
  }
}

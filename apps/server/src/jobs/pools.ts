import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ProcessPool } from './process-pool.js';

/** dist/worker/process-host.js when built; from the TypeScript sources, an entry that loads it via tsx. */
export function workerEntry(): string {
  const compiled = fileURLToPath(new URL('../worker/process-host.js', import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('../worker/ts-entry.mjs', import.meta.url));
}

/**
 * The two worker pools. `jobs` runs explanations and benchmarks (the configured concurrency);
 * `inspect` checks uploads and loads demo models, so that an upload never waits behind a long
 * explanation. Workers are processes that stay alive between tasks (a tfjs backend and a loaded
 * model are costly to set up) unless a task leaves them unusable; each has a heap limit, so a
 * runaway task ends its worker, not the server.
 */
export class WorkerPools {
  readonly jobs: ProcessPool;
  readonly inspect: ProcessPool;

  constructor(concurrency: number, inspectThreads: number, workerMemoryMb: number) {
    const common = {
      filename: workerEntry(),
      idleTimeoutMs: 10 * 60_000,
      env: { ...process.env, XAI_WORKERS: '0' },
      memoryMb: workerMemoryMb,
    };
    this.jobs = new ProcessPool({ ...common, size: concurrency });
    this.inspect = new ProcessPool({ ...common, size: inspectThreads });
  }

  async close(): Promise<void> {
    await Promise.all([this.jobs.close(), this.inspect.close()]);
  }
}

import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';

const positive = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a positive integer, got '${value}'`);
  return n;
};

const nonNegative = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${what} must be an integer ≥ 0, got '${value}'`);
  return n;
};

/**
 * `xai worker`: runs chunks of the server's jobs from Redis (the server runs with XAI_REDIS_URL);
 * as many as wanted, on any machine that mounts the server's data directory.
 */
export function workerCommand(program: Command): void {
  program
    .command('worker')
    .description("take jobs from a server's Redis queue (XAI_REDIS_URL) and run them; the data directory is shared with the server")
    .requiredOption('--redis <url>', 'Redis of the server, redis://host:port[/db]')
    .requiredOption('--data-dir <dir>', "the server's data directory (XAI_DATA_DIR) as mounted here")
    .option('--concurrency <n>', 'chunks run at once, each in its own process', positive('--concurrency'), 1)
    .option('--memory-mb <n>', 'heap limit of each process running a chunk', positive('--memory-mb'), 2048)
    .option('--cache-mb <n>', 'decoded data sets each process keeps for the next chunks (XAI_WORKER_CACHE_MB; 0: none)', nonNegative('--cache-mb'))
    .action(async (opts: { redis: string; dataDir: string; concurrency: number; memoryMb: number; cacheMb?: number }) => {
      const { startQueueWorker } = await import('@xai/server');
      // the processes running chunks read it (their environment is this one's)
      if (opts.cacheMb !== undefined) process.env.XAI_WORKER_CACHE_MB = String(opts.cacheMb);
      const env = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
      const lockMs = env('XAI_QUEUE_LOCK_MS');
      const stalledMs = env('XAI_QUEUE_STALLED_MS');
      const worker = await startQueueWorker({
        redisUrl: opts.redis,
        dataDir: opts.dataDir,
        concurrency: opts.concurrency,
        memoryMb: opts.memoryMb,
        ...(lockMs ? { lockMs } : {}),
        ...(stalledMs ? { stalledMs } : {}),
        log: (line) => console.log(`${new Date().toISOString()} ${line}`),
      });
      console.log(`${new Date().toISOString()} worker ${process.pid} ready: ${opts.redis}, data ${opts.dataDir}, concurrency ${opts.concurrency}, data cache ${process.env.XAI_WORKER_CACHE_MB ?? 512} MB per process`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          console.log(`${new Date().toISOString()} worker ${process.pid} stopping (running chunks finish first)`);
          worker.close().then(resolve, resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

/**
 * Figures for README "Running at scale": one benchmark (512 generated shapes, gradient, sparseness
 * and pointing game: 8 chunks of 64) run by the embedded server and on Redis with 1 and 2 `xai
 * worker` processes, with the workers' data cache and without it (XAI_WORKER_CACHE_MB=0: every chunk
 * generates the data set again, as before the cache); 40 one-chunk explanations on both, whose
 * difference per job is the queue's overhead per chunk; the machine's load average with each.
 * Needs redis-server and the built CLI.
 *   npx tsx apps/server/scripts/measure-queue.ts
 */
import { loadavg } from 'node:os';
import { json, postJson, removeDir, startServer, tempDir, waitForJob, type TestServer } from '../test/helpers.js';
import { TestRedis, TestWorker } from '../test/queue-helpers.js';

const BENCHMARK = { model: 'demo-image-shapes-cnn', dataset: { name: 'shapes', count: 512 }, methods: ['gradient'], metrics: ['sparseness', 'pointing_game'] };
const EXPLAIN = { model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-square', method: 'gradient' };

const load = () => `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;

async function timed(server: TestServer, path: string, body: unknown, n = 1): Promise<{ seconds: number; elapsedMs: number[] }> {
  const t0 = performance.now();
  const jobs = await Promise.all(Array.from({ length: n }, () => json(postJson(server, path, body))));
  const done = await Promise.all(jobs.map((j) => waitForJob(server, j.id, undefined, 600_000)));
  const seconds = (performance.now() - t0) / 1000;
  if (done.some((d) => d.state !== 'succeeded')) throw new Error(`a job failed: ${JSON.stringify(done.find((d) => d.state !== 'succeeded').error)}`);
  const elapsedMs = path === '/explanations' ? await Promise.all(jobs.map(async (j) => (await json(server.api(`/jobs/${j.id}/result`))).elapsedMs as number)) : [];
  return { seconds, elapsedMs };
}

const embedded = await startServer({ concurrency: 1 });
await timed(embedded, '/benchmarks', { ...BENCHMARK, dataset: { name: 'shapes', count: 64 } }); // warm the worker
const e = await timed(embedded, '/benchmarks', BENCHMARK);
console.log(`embedded, 1 worker process: ${e.seconds.toFixed(1)} s, ${(512 / e.seconds).toFixed(0)} samples/s (${load()})`);
const ex = await timed(embedded, '/explanations', EXPLAIN, 40);
console.log(`embedded, 1 worker process, 40 explanations: ${ex.seconds.toFixed(1)} s (${load()})`);
await embedded.close();

const redis = await TestRedis.start();
const dataDir = tempDir();
const server = await startServer({ dataDir, redisUrl: redis.url });
try {
  const perChunk: Record<string, number> = {};
  for (const cache of ['off', 'on']) {
    const workers: TestWorker[] = [];
    for (const count of [1, 2]) {
      while (workers.length < count) workers.push(new TestWorker(redis.url, dataDir, cache === 'off' ? { XAI_WORKER_CACHE_MB: '0' } : {}));
      await Promise.all(workers.map((w) => w.ready()));
      await timed(server, '/benchmarks', { ...BENCHMARK, dataset: { name: 'shapes', count: 128 } }); // warm every worker
      const q = await timed(server, '/benchmarks', BENCHMARK);
      if (count === 1) perChunk[cache] = q.seconds / 8;
      console.log(`queue, data cache ${cache}, ${count} worker process(es): ${q.seconds.toFixed(1)} s, ${(512 / q.seconds).toFixed(0)} samples/s (${(q.seconds / 8).toFixed(2)} s per 64-sample chunk of work; ${load()})`);
    }
    await Promise.all(workers.map((w) => w.kill()));
  }
  const embeddedChunk = e.seconds / 8;
  for (const cache of ['off', 'on']) console.log(`data cache ${cache}: ${perChunk[cache]!.toFixed(2)} s per chunk on 1 worker against ${embeddedChunk.toFixed(2)} s per 64 samples embedded: ${(perChunk[cache]! - embeddedChunk).toFixed(2)} s more per chunk`);
  const overhead = perChunk.on! - embeddedChunk;
  console.log(`10 machines × 2 worker processes (20): time ≈ ⌈chunks ÷ 20⌉ × (C + ${overhead.toFixed(2)} s); this benchmark's 8 chunks ≈ ${(embeddedChunk + overhead).toFixed(2)} s, a 5 000-sample one (79 chunks) ≈ ${(Math.ceil(79 / 20) * (embeddedChunk + overhead)).toFixed(1)} s against ${((5000 / 512) * e.seconds).toFixed(1)} s embedded`);
  const workers = [new TestWorker(redis.url, dataDir)];
  await Promise.all(workers.map((w) => w.ready()));
  const x = await timed(server, '/explanations', EXPLAIN, 40);
  console.log(`queue, 1 worker, 40 one-chunk explanations: ${x.seconds.toFixed(1)} s; queue overhead ${(((x.seconds - ex.seconds) / 40) * 1000).toFixed(0)} ms per chunk (against the embedded run; ${load()})`);
  await Promise.all(workers.map((w) => w.kill()));
} finally {
  await server.close();
  await redis.close();
  await removeDir(dataDir);
}

/**
 * Figures for README "Running at scale": one benchmark (512 generated shapes, gradient, sparseness
 * and pointing game: 8 chunks of 64) run by the embedded server and on Redis with 1 and 2 `xai
 * worker` processes; and 40 one-chunk explanations on both, whose difference per job is the queue's
 * overhead per chunk. Needs redis-server and the built CLI.
 *   npx tsx apps/server/scripts/measure-queue.ts
 */
import { json, postJson, removeDir, startServer, tempDir, waitForJob, type TestServer } from '../test/helpers.js';
import { TestRedis, TestWorker } from '../test/queue-helpers.js';

const BENCHMARK = { model: 'demo-image-shapes-cnn', dataset: { name: 'shapes', count: 512 }, methods: ['gradient'], metrics: ['sparseness', 'pointing_game'] };
const EXPLAIN = { model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-square', method: 'gradient' };

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
console.log(`embedded, 1 worker process: ${e.seconds.toFixed(1)} s, ${(512 / e.seconds).toFixed(0)} samples/s`);
const ex = await timed(embedded, '/explanations', EXPLAIN, 40);
console.log(`embedded, 1 worker process, 40 explanations: ${ex.seconds.toFixed(1)} s`);
await embedded.close();

const redis = await TestRedis.start();
const dataDir = tempDir();
const server = await startServer({ dataDir, redisUrl: redis.url });
try {
  const workers: TestWorker[] = [];
  for (const count of [1, 2]) {
    while (workers.length < count) workers.push(new TestWorker(redis.url, dataDir));
    await Promise.all(workers.map((w) => w.ready()));
    await timed(server, '/benchmarks', { ...BENCHMARK, dataset: { name: 'shapes', count: 128 } }); // warm every worker
    const q = await timed(server, '/benchmarks', BENCHMARK);
    console.log(`queue, ${count} worker process(es): ${q.seconds.toFixed(1)} s, ${(512 / q.seconds).toFixed(0)} samples/s (${(q.seconds / 8).toFixed(2)} s per 64-sample chunk of work)`);
  }
  workers.splice(1).forEach((w) => void w.kill());
  const x = await timed(server, '/explanations', EXPLAIN, 40);
  console.log(`queue, 1 worker, 40 one-chunk explanations: ${x.seconds.toFixed(1)} s; queue overhead ${(((x.seconds - ex.seconds) / 40) * 1000).toFixed(0)} ms per chunk (against the embedded run)`);
  await Promise.all(workers.map((w) => w.kill()));
} finally {
  await server.close();
  await redis.close();
  await removeDir(dataDir);
}

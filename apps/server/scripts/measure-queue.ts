/**
 * Figures for README "Running at scale": two benchmarks of 512 samples (gradient; sparseness and
 * pointing game: 8 chunks of 64), one on generated shapes, one on an uploaded data set of 512 PNGs,
 * run by the embedded server and on Redis with `xai worker` processes: 1 process without the
 * workers' data cache (XAI_WORKER_CACHE_MB=0: every chunk generates or decodes the whole data set
 * again, as before the cache), 1 and 2 processes with it; 40 one-chunk explanations on both, whose
 * difference per job is the queue's overhead per chunk; the machine's load average with each.
 * Needs redis-server and the built CLI.
 *   npx tsx apps/server/scripts/measure-queue.ts
 */
import { loadavg } from 'node:os';
import { json, postJson, removeDir, startServer, tempDir, waitForJob, type TestServer } from '../test/helpers.js';
import { shapesZip, uploadDataset } from '../test/dataset-zip.js';
import { TestRedis, TestWorker } from '../test/queue-helpers.js';

const N = 512;
const CHUNKS = N / 64;
const GENERATED = { model: 'demo-image-shapes-cnn', dataset: { name: 'shapes', count: N }, methods: ['gradient'], metrics: ['sparseness', 'pointing_game'] };
const uploaded = (id: string) => ({ ...GENERATED, dataset: { id } });
const EXPLAIN = { model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-square', method: 'gradient' };
const zip = shapesZip(N, 3);

const load = () => `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;

async function timed(server: TestServer, path: string, body: unknown, n = 1): Promise<number> {
  const t0 = performance.now();
  const jobs = await Promise.all(Array.from({ length: n }, () => json(postJson(server, path, body))));
  const done = await Promise.all(jobs.map((j) => waitForJob(server, j.id, undefined, 600_000)));
  if (done.some((d) => d.state !== 'succeeded')) throw new Error(`a job failed: ${JSON.stringify(done.find((d) => d.state !== 'succeeded').error)}`);
  return (performance.now() - t0) / 1000;
}

/** Seconds of both benchmarks on a server, after a small one that warms every worker process. */
async function benchmarks(server: TestServer, label: string): Promise<{ generated: number; uploaded: number }> {
  const set = await json(uploadDataset(server, zip));
  await timed(server, '/benchmarks', { ...GENERATED, dataset: { name: 'shapes', count: 128 } });
  const generated = await timed(server, '/benchmarks', GENERATED);
  const up = await timed(server, '/benchmarks', uploaded(set.id));
  console.log(`${label}: generated ${generated.toFixed(1)} s (${(N / generated).toFixed(0)} samples/s, ${(generated / CHUNKS).toFixed(2)} s per 64), uploaded ${up.toFixed(1)} s (${(N / up).toFixed(0)} samples/s, ${(up / CHUNKS).toFixed(2)} s per 64); ${load()}`);
  return { generated, uploaded: up };
}

const embeddedServer = await startServer({ concurrency: 1 });
const embedded = await benchmarks(embeddedServer, 'embedded, 1 worker process');
const ex = await timed(embeddedServer, '/explanations', EXPLAIN, 40);
console.log(`embedded, 1 worker process, 40 explanations: ${ex.toFixed(1)} s; ${load()}`);
await embeddedServer.close();

const redis = await TestRedis.start();
const dataDir = tempDir();
const server = await startServer({ dataDir, redisUrl: redis.url });
try {
  const runs: Record<string, { generated: number; uploaded: number }> = {};
  for (const [label, count, env] of [
    ['queue, 1 worker process, no data cache', 1, { XAI_WORKER_CACHE_MB: '0' }],
    ['queue, 1 worker process, data cache', 1, {}],
    ['queue, 2 worker processes, data cache', 2, {}],
  ] as const) {
    const workers = Array.from({ length: count }, () => new TestWorker(redis.url, dataDir, env));
    await Promise.all(workers.map((w) => w.ready()));
    runs[label] = await benchmarks(server, label);
    if (label.includes('2 worker')) {
      await Promise.all(workers.slice(1).map((w) => w.kill()));
      const x = await timed(server, '/explanations', EXPLAIN, 40);
      console.log(`queue, 1 worker, 40 one-chunk explanations: ${x.toFixed(1)} s; queue overhead ${(((x - ex) / 40) * 1000).toFixed(0)} ms per chunk (against the embedded run); ${load()}`);
    }
    await Promise.all(workers.map((w) => w.kill()));
  }
  const off = runs['queue, 1 worker process, no data cache']!;
  const on = runs['queue, 1 worker process, data cache']!;
  for (const kind of ['generated', 'uploaded'] as const) {
    const base = embedded[kind] / CHUNKS;
    console.log(`${kind}: per chunk on 1 worker ${(off[kind] / CHUNKS).toFixed(2)} s without the cache, ${(on[kind] / CHUNKS).toFixed(2)} s with it, against ${base.toFixed(2)} s per 64 samples embedded: overhead ${(off[kind] / CHUNKS - base).toFixed(2)} s → ${(on[kind] / CHUNKS - base).toFixed(2)} s per chunk`);
    const c = on[kind] / CHUNKS;
    console.log(`  10 machines × 2 worker processes (20 workers): ⌈chunks ÷ 20⌉ × ${c.toFixed(2)} s — 8 chunks ≈ ${c.toFixed(2)} s, a 5 000-sample set (79 chunks) ≈ ${(Math.ceil(79 / 20) * c).toFixed(1)} s against ${((5000 / N) * embedded[kind]).toFixed(1)} s embedded (1 process)`);
  }
} finally {
  await server.close();
  await redis.close();
  await removeDir(dataDir);
}

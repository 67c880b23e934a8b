/**
 * Jobs on Redis (XAI_REDIS_URL) with real `xai worker` processes from the built CLI and a real
 * redis-server on a free port. Benchmarks are split into chunks of 64 samples; the merged result
 * must equal, value for value, the embedded server's result for the same request (same seeds).
 * No timing assertions: timeouts are generous for a loaded machine.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../src/jobs/redis-connection.js';
import { json, postJson, removeDir, startServer, tempDir, waitForJob, type TestServer } from './helpers.js';
import { TestRedis, TestWorker, until } from './queue-helpers.js';

const SAMPLES = 256; // 4 chunks of 64
/** Cheap and deterministic: gradient explanations, metrics without random draws (mask-based and sparseness). */
const BENCHMARK = { model: 'demo-image-shapes-cnn', dataset: { name: 'shapes', count: SAMPLES }, methods: ['gradient'], metrics: ['sparseness', 'pointing_game'] };
const CHUNKS = SAMPLES / 64;

/** The deterministic part of a benchmark job's result: everything but the timings (and the files' sizes, which include them). */
async function resultOf(server: TestServer, job: any): Promise<{ benchmark: unknown; files: string[] }> {
  const result = await json(server.api(`/jobs/${job.id}/result`));
  const { timing: _timing, ...benchmark } = result.benchmark;
  return { benchmark, files: result.files.map((f: { name: string }) => f.name) };
}

const chunkIds = (job: string, n: number) => Array.from({ length: n }, (_, k) => `${job}.${k}`);

describe('jobs on Redis with xai worker processes', () => {
  let redis: TestRedis;
  let dataDir: string;
  let server: TestServer;
  let workers: TestWorker[] = [];
  let reference: { benchmark: unknown; files: string[] };

  const finished = (id: string) => waitForJob(server, id, undefined, 120_000);
  const doneLines = () => workers.flatMap((w) => w.done());

  beforeAll(async () => {
    // the embedded run (today's default backend) gives the reference result
    const embedded = await startServer();
    try {
      const job = await json(postJson(embedded, '/benchmarks', BENCHMARK));
      const done = await waitForJob(embedded, job.id, undefined, 120_000);
      expect(done.state).toBe('succeeded');
      reference = await resultOf(embedded, done);
    } finally {
      await embedded.close();
    }
    redis = await TestRedis.start();
    dataDir = tempDir();
    server = await startServer({ dataDir, redisUrl: redis.url });
    workers = [0, 1, 2].map(() => new TestWorker(redis.url, dataDir));
    await Promise.all(workers.map((w) => w.ready()));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await server?.close();
    await redis?.close();
    if (dataDir) await removeDir(dataDir);
  });

  it('3 workers: a 256-sample benchmark in 4 chunks, each done once, equals the embedded run', async () => {
    const job = await json(postJson(server, '/benchmarks', BENCHMARK));
    const done = await finished(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(await resultOf(server, done)).toEqual(reference);
    expect(done.progress).toMatchObject({ done: CHUNKS, total: CHUNKS, unit: 'chunks', fraction: 1 });
    const ids = doneLines().filter((id) => id.startsWith(`${job.id}.`));
    expect(ids.sort()).toEqual(chunkIds(job.id, CHUNKS).sort());
    // more than one worker took part (4 chunks, 3 idle workers)
    expect(workers.filter((w) => w.started().some((id) => id.startsWith(`${job.id}.`))).length).toBeGreaterThan(1);
  });

  it('a worker killed (-9) in the middle of a chunk: the chunk is taken up again, the result is the same', async () => {
    const job = await json(postJson(server, '/benchmarks', BENCHMARK));
    const victim = await until('a worker to start a chunk of the job', () => workers.find((w) => w.started().some((id) => id.startsWith(`${job.id}.`))), 120_000, 20);
    const taken = victim.started().find((id) => id.startsWith(`${job.id}.`))!;
    await victim.kill('SIGKILL');
    const done = await finished(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(await resultOf(server, done)).toEqual(reference);
    // every chunk finished, the killed one by a survivor unless it had already finished it
    const survivors = workers.filter((w) => w !== victim);
    const finishedIds = new Set(doneLines().filter((id) => id.startsWith(`${job.id}.`)));
    expect([...finishedIds].sort()).toEqual(chunkIds(job.id, CHUNKS).sort());
    if (!victim.done().includes(taken)) expect(survivors.some((w) => w.done().includes(taken))).toBe(true);
    workers = [...survivors, new TestWorker(redis.url, dataDir)];
    await Promise.all(workers.map((w) => w.ready()));
  });

  it('many small jobs at once: none lost, none run twice', async () => {
    const n = 40;
    const before = new Set(doneLines());
    const jobs = await Promise.all(Array.from({ length: n }, () => json(postJson(server, '/explanations', { model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-square', method: 'gradient' }))));
    expect(new Set(jobs.map((j) => j.id)).size).toBe(n);
    const results = await Promise.all(jobs.map((j) => finished(j.id)));
    expect(results.filter((r) => r.state !== 'succeeded').map((r) => r.error)).toEqual([]);
    const runs = doneLines().filter((id) => !before.has(id));
    for (const j of jobs) expect(runs.filter((id) => id === `${j.id}.0`), j.id).toHaveLength(1);
    // the same explanation everywhere, its files in the job's folder
    const views = await Promise.all(jobs.map((j) => json(server.api(`/jobs/${j.id}/result`))));
    expect(new Set(views.map((v) => v.relevance[0].sum)).size).toBe(1);
    const bytes = await (await server.api(`/jobs/${jobs[0].id}/relevance?format=binary`)).arrayBuffer();
    expect(bytes.byteLength).toBe(32 * 32 * 3 * 4);
  });

  it('Redis stopped and started again during a job: health says so, the job waits and completes', async () => {
    const job = await json(postJson(server, '/benchmarks', BENCHMARK));
    await waitForJob(server, job.id, (j) => j.state !== 'queued', 120_000);
    await redis.stop();
    const health = await until('health to report the backend', async () => {
      const h = await json(server.api('/health'));
      return h.status === 'degraded' ? h : false;
    }, 60_000);
    expect(health.reason).toMatch(/job backend unavailable/);
    await redis.restart();
    const done = await finished(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(await resultOf(server, done)).toEqual(reference);
    await until('health to be ok again', async () => (await json(server.api('/health'))).status === 'ok', 60_000);
  });

  it('a server restart keeps queued jobs; cancel reaches queued and running chunks', async () => {
    // no workers while the server restarts: the job is certainly still queued
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    const job = await json(postJson(server, '/benchmarks', BENCHMARK));
    const queue = new Queue(QUEUE_NAMES.benchmark, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      await until('the chunks on the queue', async () => (await queue.getJobCounts('waiting')).waiting === CHUNKS, 60_000);
      await server.close();
      server = await startServer({ dataDir, redisUrl: redis.url });
      expect((await json(server.api(`/jobs/${job.id}`))).state).toBe('queued');
      workers = [new TestWorker(redis.url, dataDir), new TestWorker(redis.url, dataDir)];
      const done = await finished(job.id);
      expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
      expect(await resultOf(server, done)).toEqual(reference);

      // cancel: one chunk running per worker, the rest waiting
      const posted = await postJson(server, '/benchmarks', { ...BENCHMARK, methods: ['lrp', 'gradient'], dataset: { name: 'shapes', count: 512 } });
      const big = await json(posted);
      expect(posted.status, JSON.stringify(big)).toBe(202);
      await waitForJob(server, big.id, (j) => j.state === 'running', 120_000);
      expect((await server.api(`/jobs/${big.id}`, { method: "DELETE" })).status).toBeLessThan(300);
      const cancelled = await finished(big.id);
      expect(cancelled.state).toBe('cancelled');
      await until('no chunk of the cancelled job left on the queue', async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
        return counts.waiting + counts.active + counts.delayed === 0;
      }, 60_000);
      // 8 chunks, 2 workers: the waiting chunks were removed before they ran
      const ran = workers.flatMap((w) => w.done()).filter((id) => id.startsWith(`${big.id}.`));
      expect(ran.length).toBeLessThan(8);
    } finally {
      await queue.close();
    }
  });
});

/**
 * Jobs on Redis (XAI_REDIS_URL) with real `xai worker` processes from the built CLI and a real
 * redis-server on a free port. Benchmarks and data-set analyses are split into chunks of 64
 * samples; the result must equal, value for value, the embedded server's result for the same
 * request (same seeds). The sizes are the (500 inputs, 200 jobs) with cheap methods and
 * metrics (gradient; sparseness, pointing game) so that the file fits CI's time.
 * No timing assertions: timeouts are generous for a loaded machine.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../src/jobs/redis-connection.js';
import { json, postJson, removeDir, startServer, tempDir, waitForJob, type TestServer } from './helpers.js';
import { shapesZip, uploadDataset } from './dataset-zip.js';
import { TestRedis, TestWorker, until } from './queue-helpers.js';

const SAMPLES = 500; // 8 chunks: 7 of 64 and one of 52
/** Cheap and deterministic: gradient explanations, metrics without random draws (mask-based and sparseness). */
const BENCHMARK = { model: 'demo-image-shapes-cnn', dataset: { name: 'shapes', count: SAMPLES }, methods: ['gradient'], metrics: ['sparseness', 'pointing_game'] };
const CHUNKS = Math.ceil(SAMPLES / 64);
/** SpRAy over 160 generated samples in store batches of 32: 3 chunks of explanations (64, 64, 32), then SpRAy on the whole store. */
const ANALYSIS = { model: 'demo-image-shapes-cnn', kind: 'spray', dataset: { name: 'shapes', count: 160, seed: 4 }, options: { classes: [1], batchSize: 32 } };
/** An uploaded data set of 150 shapes with masks: 3 chunks (64, 64, 22), its size from the stored record. */
const UPLOADED = 150;
const uploadedBenchmark = (id: string) => ({ model: 'demo-image-shapes-cnn', dataset: { id }, methods: ['gradient'], metrics: ['sparseness', 'pointing_game'] });

/** An analysis job's deterministic result: analysis.json without its run time, the files' names, and a figure drawn from the relevance store. */
async function analysisOf(server: TestServer, job: any): Promise<{ analysis: unknown; files: string[]; prototypes: Buffer }> {
  const result = await json(server.api(`/jobs/${job.id}/result`));
  const { seconds: _seconds, ...analysis } = result.analysis;
  const figure = Buffer.from(await (await server.api(`/jobs/${job.id}/artefacts/spray-class-1-prototypes.png`)).arrayBuffer());
  return { analysis, files: result.files.map((f: { name: string }) => f.name).sort(), prototypes: figure };
}

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
  let analysisReference: Awaited<ReturnType<typeof analysisOf>>;
  let uploadedReference: { benchmark: unknown; files: string[] };
  const zip = shapesZip(UPLOADED, 8);

  const finished = (id: string) => waitForJob(server, id, undefined, 120_000);
  const doneLines = () => workers.flatMap((w) => w.done());

  beforeAll(async () => {
    // Redis, the queue's server and its workers start while the embedded server (today's default backend) gives the reference results
    const queueSide = (async () => {
      redis = await TestRedis.start();
      dataDir = tempDir();
      server = await startServer({ dataDir, redisUrl: redis.url });
      workers = [0, 1, 2].map(() => new TestWorker(redis.url, dataDir));
      await Promise.all(workers.map((w) => w.ready()));
    })();
    queueSide.catch(() => undefined); // awaited below, after the references
    const embedded = await startServer();
    try {
      const succeeded = async (posted: Promise<Response>) => {
        const done = await waitForJob(embedded, (await json(posted)).id, undefined, 120_000);
        expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
        return done;
      };
      const uploaded = await json(uploadDataset(embedded, zip));
      [reference, analysisReference, uploadedReference] = await Promise.all([
        succeeded(postJson(embedded, '/benchmarks', BENCHMARK)).then((d) => resultOf(embedded, d)),
        succeeded(postJson(embedded, '/analyses', ANALYSIS)).then((d) => analysisOf(embedded, d)),
        succeeded(postJson(embedded, '/benchmarks', uploadedBenchmark(uploaded.id))).then((d) => resultOf(embedded, d)),
      ]);
    } finally {
      await embedded.close();
    }
    await queueSide;
  }, 300_000); // the embedded references and 3 workers' start: 94–116 s on this machine at a load average of 20–25

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await server?.close();
    await redis?.close();
    if (dataDir) await removeDir(dataDir);
  });

  it('3 workers: a 500-sample benchmark in 8 chunks, each done once, equals the embedded run', async () => {
    const job = await json(postJson(server, '/benchmarks', BENCHMARK));
    const done = await finished(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(await resultOf(server, done)).toEqual(reference);
    expect(done.progress).toMatchObject({ done: CHUNKS, total: CHUNKS, unit: 'chunks', fraction: 1 });
    const ids = doneLines().filter((id) => id.startsWith(`${job.id}.`));
    expect(ids.sort()).toEqual(chunkIds(job.id, CHUNKS).sort());
    // more than one worker took part (8 chunks, 3 idle workers)
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
    const n = 200;
    const before = new Set(doneLines());
    const jobs = await Promise.all(Array.from({ length: n }, () => json(postJson(server, '/explanations', { model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-square', method: 'gradient' }))));
    expect(new Set(jobs.map((j) => j.id)).size).toBe(n);
    const results = await Promise.all(jobs.map((j) => waitForJob(server, j.id, undefined, 240_000)));
    expect(results.filter((r) => r.state !== 'succeeded').map((r) => r.error)).toEqual([]);
    const runs = doneLines().filter((id) => !before.has(id));
    for (const j of jobs) expect(runs.filter((id) => id === `${j.id}.0`), j.id).toHaveLength(1);
    // the same explanation everywhere, its files in the job's folder
    const views = await Promise.all(jobs.map((j) => json(server.api(`/jobs/${j.id}/result`))));
    expect(new Set(views.map((v) => v.relevance[0].sum)).size).toBe(1);
    const bytes = await (await server.api(`/jobs/${jobs[0].id}/relevance?format=binary`)).arrayBuffer();
    expect(bytes.byteLength).toBe(32 * 32 * 3 * 4);
  }, 300_000);

  it('a data-set analysis (SpRAy) in chunks: each explains its range into the shared store, then SpRAy runs once; equals the embedded run', async () => {
    const job = await json(postJson(server, '/analyses', ANALYSIS));
    const done = await finished(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(await analysisOf(server, done)).toEqual(analysisReference);
    // 3 explanation chunks and the analysis, each done once; the job's progress is theirs summed
    expect(doneLines().filter((id) => id.startsWith(`${job.id}.`)).sort()).toEqual(chunkIds(job.id, 4).sort());
    expect(done.progress).toMatchObject({ done: 4, total: 4, unit: 'chunks', fraction: 1 });
    // the store the chunks wrote is the job's: complete, 5 batches of 32
    const store = readdirSync(join(dataDir, 'jobs', job.id, 'store')).sort();
    expect(store).toEqual(['batch-000000.bin', 'batch-000001.bin', 'batch-000002.bin', 'batch-000003.bin', 'batch-000004.bin', 'complete.json', 'manifest.json']);
  });

  it('cancel reaches a chunked analysis: its running chunks stop, the waiting ones and the analysis are removed', async () => {
    const queue = new Queue(QUEUE_NAMES.dataset, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      // 640 samples explained with LRP: 10 chunks, more than the 3 workers take at once
      const posted = await postJson(server, '/analyses', { ...ANALYSIS, dataset: { name: 'shapes', count: 640, seed: 5 } });
      const job = await json(posted);
      expect(posted.status, JSON.stringify(job)).toBe(202);
      await until('a chunk of the analysis to run', () => workers.some((w) => w.started().some((id) => id.startsWith(`${job.id}.`))), 120_000, 50);
      expect((await server.api(`/jobs/${job.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
      expect((await finished(job.id)).state).toBe('cancelled');
      await until('no chunk of the cancelled analysis left to run', async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'waiting-children');
        return counts.waiting + counts.active + counts.delayed + counts['waiting-children'] === 0;
      }, 60_000);
      const ran = doneLines().filter((id) => id.startsWith(`${job.id}.`));
      expect(ran).not.toContain(`${job.id}.10`); // the analysis itself never ran
      expect(ran.length).toBeLessThan(10);
    } finally {
      await queue.close();
    }
  });

  it('a benchmark of an uploaded data set in chunks (its size from the stored record) equals the embedded run', async () => {
    const dataset = await json(uploadDataset(server, zip));
    expect(dataset.count).toBe(UPLOADED);
    const job = await json(postJson(server, '/benchmarks', uploadedBenchmark(dataset.id)));
    const done = await finished(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(await resultOf(server, done)).toEqual(uploadedReference);
    expect(doneLines().filter((id) => id.startsWith(`${job.id}.`)).sort()).toEqual(chunkIds(job.id, 3).sort());
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
  }, 300_000);
});

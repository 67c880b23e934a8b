/**
 * Uploaded data sets expire like other uploads: after XAI_RETENTION_DAYS once no job names them,
 * and under the XAI_MAX_DATA_GB quota (oldest unreferenced first); one a queued or running job
 * uses is never removed.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from '../src/storage/retention.js';
import { shapesZip, uploadDataset } from './dataset-zip.js';
import { json, NO_PASS_LIMIT, postJson, slowMethod, startServer, waitForJob, type TestServer } from './helpers.js';

const DAY = 24 * 60 * 60 * 1000;
const MODEL = 'demo-image-shapes-cnn';

describe('retention and the quota for uploaded data sets', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ concurrency: 1, retentionDays: 30, limits: NO_PASS_LIMIT });
  });
  afterAll(() => server?.close());

  it('removes old unreferenced data sets, keeps one a queued job uses until the job is gone; the quota removes them too', async () => {
    const unused = await json(uploadDataset(server, shapesZip(3, 31)));
    const used = await json(uploadDataset(server, shapesZip(3, 32)));
    // one worker: a slow explanation holds it, so the benchmark on `used` stays queued
    const blocker = await json(postJson(server, '/explanations', { model: MODEL, input: 'demo-image-input-shape-cross', ...slowMethod(10_000_000) }));
    await waitForJob(server, blocker.id, (j) => j.state === 'running');
    const bench = await json(postJson(server, '/benchmarks', { model: MODEL, dataset: { id: used.id, count: 2 }, methods: ['gradient'], metrics: ['sparseness'] }));
    expect((await json(server.api(`/jobs/${bench.id}`))).state).toBe('queued');

    const ctx = server.app.xai;
    const first = await applyRetention(ctx, Date.now() + 31 * DAY);
    expect(first).toMatchObject({ jobs: 0, datasets: 1 });
    expect((await server.api(`/datasets/${unused.id}`)).status).toBe(404);
    expect(existsSync(ctx.dirs.dataset(unused.id))).toBe(false);
    expect((await server.api(`/datasets/${used.id}`)).status).toBe(200);
    // the quota does not take it either while the job is queued
    const squeezed = { ...ctx, config: { ...ctx.config, retentionDays: 0, maxDataBytes: 1 } };
    expect(await applyRetention(squeezed)).toMatchObject({ datasets: 0 });
    expect((await server.api(`/datasets/${used.id}`)).status).toBe(200);

    expect((await server.api(`/jobs/${blocker.id}`, { method: 'DELETE' })).status).toBe(202);
    const done = await waitForJob(server, bench.id);
    expect(done.error).toBeNull();
    // a finished benchmark still names it: kept until the job itself goes (here by the quota, oldest jobs first)
    expect(await applyRetention(ctx, Date.now() + DAY)).toMatchObject({ jobs: 0, datasets: 0 });
    const last = await applyRetention(squeezed);
    expect(last).toMatchObject({ jobs: 2, datasets: 1 });
    expect((await server.api(`/datasets/${used.id}`)).status).toBe(404);
    expect(existsSync(ctx.dirs.dataset(used.id))).toBe(false);
  });
});

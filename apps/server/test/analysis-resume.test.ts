/** An analysis interrupted by a server stop is taken up again at the next start (same job, same folder): its relevance store resumes. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { json, postJson, removeDir, startServer, tempDir, type TestServer, waitForJob } from './helpers.js';

const REQUEST = { model: 'demo-image-clever-hans-cnn', kind: 'spray', dataset: { name: 'clever-hans', count: 240, seed: 5 }, options: { classes: [2], batchSize: 3 } };
const batchFiles = (store: string) => (existsSync(store) ? readdirSync(store).filter((f) => /^batch-\d{6}\.bin$/.test(f)).length : 0);

describe('analysis jobs across a restart', () => {
  const dataDir = tempDir();
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
    await removeDir(dataDir);
  });

  it('resumes the relevance store without redoing stored batches, and ends with the result of an uninterrupted run', async () => {
    server = await startServer({ dataDir, concurrency: 1 });
    const job = await json(postJson(server, '/analyses', REQUEST));
    const store = join(dataDir, 'jobs', job.id, 'store');
    const total = Math.ceil(REQUEST.dataset.count / REQUEST.options.batchSize);
    const deadline = Date.now() + 60_000;
    while (batchFiles(store) < 1) {
      if (Date.now() > deadline) throw new Error('no batch stored within 60 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    await server.close(); // graceful stop: the worker is ended mid-store
    server = undefined;
    const storedBefore = batchFiles(store); // what the worker had written when it was stopped
    expect(existsSync(join(store, 'complete.json'))).toBe(false); // it was stopped before the store was done
    expect(storedBefore).toBeGreaterThanOrEqual(1);
    expect(storedBefore).toBeLessThan(total);

    server = await startServer({ dataDir, concurrency: 1 });
    const done = await waitForJob(server, job.id);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ id: job.id, state: 'succeeded' });
    // written by the run that completed the store: only the batches missing at the restart were explained
    const completion = JSON.parse(readFileSync(join(store, 'complete.json'), 'utf8'));
    expect(completion.batches).toBe(total);
    expect(completion.explainedBatches).toBe(total - storedBefore);
    const resumed = (await json(server.api(`/jobs/${job.id}/result`))).analysis.classes[0];

    const fresh = await json(postJson(server, '/analyses', REQUEST));
    expect((await waitForJob(server, fresh.id)).state).toBe('succeeded');
    expect(JSON.parse(readFileSync(join(dataDir, 'jobs', fresh.id, 'store', 'complete.json'), 'utf8')).explainedBatches).toBe(total);
    const reference = (await json(server.api(`/jobs/${fresh.id}/result`))).analysis.classes[0];
    expect(resumed.samples).toEqual(reference.samples);
    expect(resumed.assignments).toHaveLength(reference.samples.length);
    expect(resumed.assignments).toEqual(reference.assignments); // every sample in the same cluster
    expect(resumed.clusters).toEqual(reference.clusters); // sizes and prototypes
    // the same int8 relevance either way; eigenvalues are rounded to 6 digits, 1e-5 leaves room for float summation order
    expect(resumed.eigenvalues.length).toBeGreaterThan(1);
    expect(resumed.eigenvalues).toHaveLength(reference.eigenvalues.length);
    resumed.eigenvalues.forEach((v: number, i: number) => expect(Math.abs(v - reference.eigenvalues[i])).toBeLessThanOrEqual(1e-5));
  }, 240_000);
});

/**
 * Issue 15, the server: work is bounded before it runs (each method's declared cost against the
 * configured limits), jobs past XAI_JOB_TIMEOUT are stopped, and a worker that runs out of memory
 * or corrupts its WebAssembly memory fails only its own job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv, DEFAULT_LIMITS } from '../src/config.js';
import { json, NO_PASS_LIMIT, postJson, slowMethod, startServer, waitForJob, type TestServer } from './helpers.js';

const image = { model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-cross' };

describe('work limits from each method\'s declared cost (problem 1, 5)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ concurrency: 1 });
  });
  afterAll(() => server?.close());

  const refused = async (body: unknown, path = '/explanations') => {
    const res = await postJson(server, path, body);
    const payload = await res.json();
    return { status: res.status, ...payload };
  };

  it('refuses integrated gradients with a billion steps, naming the option and the limit', async () => {
    const res = await refused({ ...image, method: 'integrated_gradients', options: { steps: 1_000_000_000 } });
    expect(res.status).toBe(400);
    expect(res.error).toBe('LimitExceeded');
    expect(res.message).toContain('steps');
    expect(res.message).toContain(String(DEFAULT_LIMITS.maxPasses));
    expect(res.message).toContain('XAI_MAX_PASSES');
  });

  it('refuses batches that would overflow a worker (IG and SmoothGrad with batchSize 20000)', async () => {
    const ig = await refused({ ...image, method: 'integrated_gradients', options: { steps: 20000, batchSize: 20000 } });
    expect(ig).toMatchObject({ status: 400, error: 'LimitExceeded' });
    expect(ig.message).toMatch(/batchSize.*XAI_MAX_BATCH/);
    const sg = await refused({ ...image, method: 'smoothgrad', options: { samples: 20000, batchSize: 20000 } });
    expect(sg).toMatchObject({ status: 400, error: 'LimitExceeded' });
    const wrapped = await refused({ ...image, method: 'smoothgrad', options: { samples: 200, base: 'integrated_gradients', baseOptions: { steps: 200 } } });
    expect(wrapped.message).toMatch(/samples × baseOptions\.steps make 40000 model passes/);
    const windows = await refused({ ...image, method: 'occlusion', options: { window: 1, stride: 1, batchSize: 1024 } });
    expect(windows.message).toMatch(/batchSize makes batches of 1024 copies/);
    // within the limits: accepted
    const fine = await postJson(server, '/explanations', { ...image, method: 'integrated_gradients', options: { steps: 64, batchSize: 32 } });
    expect(fine.status).toBe(202);
    expect((await waitForJob(server, (await fine.json()).id)).state).toBe('succeeded');
  });

  it('bounds benchmarks: samples and batch size', async () => {
    const many = await refused({ model: 'demo-image-shapes-cnn', dataset: { name: 'shapes', count: DEFAULT_LIMITS.maxBenchmarkSamples + 1 }, methods: ['gradient'], metrics: ['sparseness'] }, '/benchmarks');
    expect(many).toMatchObject({ status: 400, error: 'LimitExceeded' });
    expect(many.message).toContain('XAI_MAX_BENCHMARK_SAMPLES');
    const batch = await refused({ model: 'demo-image-shapes-cnn', dataset: { name: 'shapes', count: 4 }, methods: ['gradient'], metrics: ['sparseness'], batchSize: 4000 }, '/benchmarks');
    expect(batch.message).toMatch(/batchSize \(4000\).*XAI_MAX_BATCH/);
    const method = await refused({ model: 'demo-image-shapes-cnn', dataset: { name: 'shapes', count: 4 }, methods: [{ method: 'lime', options: { samples: 100000 } }], metrics: ['sparseness'] }, '/benchmarks');
    expect(method.message).toMatch(/lime.*samples.*XAI_MAX_PASSES/);
  });

  it('limits inline text (a 1 MB text is refused, not turned into 56 MB of artefacts)', async () => {
    const { modalities } = await json(server.api('/modalities'));
    const text = modalities.find((m: any) => m.name === 'text');
    const res = await refused({ model: text.demos.models[0], text: 'word '.repeat(200_000), method: 'gradient' });
    expect(res).toMatchObject({ status: 400, error: 'LimitExceeded' });
    expect(res.message).toContain('XAI_MAX_TEXT_CHARS');
  });

  it('reads every limit from the environment', () => {
    const config = configFromEnv({
      XAI_MAX_PASSES: '100', XAI_MAX_BATCH: '8', XAI_MAX_BATCH_ELEMENTS: '5000', XAI_MAX_BENCHMARK_SAMPLES: '3', XAI_MAX_TEXT_CHARS: '10',
      XAI_MAX_JOB_OUTPUT_MB: '1', XAI_JOB_TIMEOUT: '2.5', XAI_WORKER_MEMORY_MB: '256', XAI_RETENTION_DAYS: '7', XAI_MAX_DATA_GB: '0.5',
      XAI_MAX_REQUEST_MB: '3', XAI_MAX_ZIP_RATIO: '50',
    });
    expect(config.limits).toEqual({ maxPasses: 100, maxBatch: 8, maxBatchElements: 5000, maxBenchmarkSamples: 3, maxTextChars: 10, maxJobOutputBytes: 1024 * 1024 });
    expect(config).toMatchObject({ jobTimeoutMs: 2500, workerMemoryMb: 256, retentionDays: 7, maxDataBytes: 512 * 1024 * 1024, maxRequestBytes: 3 * 1024 * 1024, maxZipRatio: 50 });
    expect(() => configFromEnv({ XAI_MAX_PASSES: '0' })).toThrow(/XAI_MAX_PASSES/);
    expect(() => configFromEnv({ XAI_JOB_TIMEOUT: '-1' })).toThrow(/XAI_JOB_TIMEOUT/);
  });
});

describe('XAI_JOB_TIMEOUT (problem 5)', () => {
  let server: TestServer;
  afterAll(() => server?.close());

  it('stops a job that runs past the limit and marks it cancelled with the reason', async () => {
    server = await startServer({ concurrency: 1, jobTimeoutMs: 1500, limits: NO_PASS_LIMIT });
    const job = await json(postJson(server, '/explanations', { ...image, ...slowMethod(10_000_000) }));
    const done = await waitForJob(server, job.id, undefined, 30_000);
    expect(done.state).toBe('cancelled');
    expect(done.error.error).toBe('Timeout');
    expect(done.error.message).toMatch(/1\.5 s \(XAI_JOB_TIMEOUT\)/);
    const next = await json(postJson(server, '/explanations', { ...image, method: 'gradient' }));
    expect((await waitForJob(server, next.id)).state).toBe('succeeded');
  });
});

describe('workers that die or corrupt their memory (problems 1 and 2)', () => {
  let server: TestServer;
  beforeAll(async () => {
    // limits lifted and a small worker heap, so that the hostile requests reach a worker
    server = await startServer({ concurrency: 1, workerMemoryMb: 256, limits: { maxPasses: Number.MAX_SAFE_INTEGER, maxBatch: Number.MAX_SAFE_INTEGER, maxBatchElements: Number.MAX_SAFE_INTEGER } });
  });
  afterAll(() => server?.close());

  const explain = async (body: Record<string, unknown>) => waitForJob(server, (await json(postJson(server, '/explanations', { ...image, ...body }))).id);

  it('a billion IG steps fails its job with a clear reason; the server and the next job are fine', async () => {
    const done = await explain({ method: 'integrated_gradients', options: { steps: 1_000_000_000 } });
    expect(done.state).toBe('failed');
    console.log('IG steps=1e9:', JSON.stringify(done.error));
    expect(done.error.message).toMatch(/memory/i);
    expect((await explain({ method: 'gradient' })).state).toBe('succeeded');
    expect((await json(server.api('/health'))).status).toBe('ok');
  });

  it('a batch that overflows WebAssembly memory fails its job; the worker is replaced, not poisoned', async () => {
    const done = await explain({ method: 'integrated_gradients', options: { steps: 20000, batchSize: 20000 } });
    expect(done.state).toBe('failed');
    console.log('IG steps=batchSize=20000:', JSON.stringify(done.error));
    expect(done.error.message).toMatch(/memory/i);
    for (const method of ['gradient', 'lrp']) expect((await explain({ method })).state, method).toBe('succeeded');
  });
});

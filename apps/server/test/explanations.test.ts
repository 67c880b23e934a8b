import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoImage, FINISHED, isPng, NO_PASS_LIMIT, json, postJson, readEvents, slowMethod, startServer, upload, waitForJob, type TestServer } from './helpers.js';

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Fetches every artefact and relevance of a finished explanation and checks they fit together. */
async function checkResult(server: TestServer, jobId: string) {
  const result = await json(server.api(`/jobs/${jobId}/result`));
  expect(result.artefacts.length).toBeGreaterThan(0);
  for (const a of result.artefacts) {
    const res = await fetch(server.url + a.url);
    expect(res.status, a.name).toBe(200);
    expect(res.headers.get('content-type')).toContain(a.mediaType.split(';')[0]);
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length, a.name).toBe(a.size);
    expect(bytes.length).toBeGreaterThan(0);
    if (a.mediaType === 'image/png') expect(isPng(bytes), a.name).toBe(true);
    if (a.mediaType === 'application/json') expect(() => JSON.parse(new TextDecoder().decode(bytes))).not.toThrow();
  }
  for (const r of result.relevance) {
    const asJson = await json(fetch(server.url + r.json));
    expect(asJson).toMatchObject({ format: 'xai-relevance', shape: r.shape, method: result.method, target: result.target });
    const binary = await fetch(server.url + r.binary);
    expect(binary.headers.get('x-relevance-shape')).toBe(r.shape.join(','));
    const values = new Float32Array(await binary.arrayBuffer());
    expect(values.length).toBe(product(r.shape));
    expect(Array.from(values.slice(0, 50), (v) => v + 0)).toEqual(asJson.values.slice(0, 50).map((v: number) => Math.fround(v))); // JSON has no -0
  }
  return result;
}

describe('explanations and benchmarks', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ concurrency: 2, cancelGraceMs: 5000, limits: NO_PASS_LIMIT });
  });
  afterAll(() => server?.close());

  it('explains a demo input of every registered modality and serves its artefacts', async () => {
    const { modalities } = await json(server.api('/modalities'));
    const withDemos = modalities.filter((m: any) => m.demos.inputs.length > 0);
    expect(withDemos.map((m: any) => m.name)).toContain('image');
    const jobs = [];
    for (const modality of withDemos) {
      const input = await json(server.api(`/inputs/${modality.demos.inputs[0]}`));
      const res = await postJson(server, '/explanations', { model: input.model, input: input.id, method: 'lrp' });
      expect(res.status, modality.name).toBe(202);
      jobs.push({ modality: modality.name, job: await res.json() });
    }
    for (const { modality, job } of jobs) {
      const done = await waitForJob(server, job.id);
      expect({ modality, state: done.state, error: done.error }).toEqual({ modality, state: 'succeeded', error: null });
      const result = await checkResult(server, job.id);
      expect(result.modality).toBe(modality);
    }
  });

  it('runs upload → explain → artefacts for an uploaded image', async () => {
    const uploaded = await json(upload(server, '/inputs', [demoImage('triangle')]));
    const res = await postJson(server, '/explanations', {
      model: 'demo-image-shapes-cnn',
      input: uploaded.id,
      method: 'integrated_gradients',
      options: { steps: 16 },
      renderOptions: { colormap: 'hot', mode: 'absolute' },
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toMatch(/^\/api\/v1\/jobs\/job_/);
    const job = await res.json();
    expect(job).toMatchObject({ kind: 'explanation', state: 'queued', request: { input: uploaded.id, method: 'integrated_gradients' } });
    const done = await waitForJob(server, job.id);
    expect(done.state).toBe('succeeded');
    const result = await checkResult(server, job.id);
    expect(result).toMatchObject({ method: 'integrated_gradients', family: 'function', targetName: 'triangle', target: 3 });
    expect(result.artefacts.map((a: any) => a.name)).toEqual(expect.arrayContaining(['heatmap.png', 'overlay.png']));
    expect(result.options.steps).toBe(16);
    // a given target is explained even when it is not the predicted class
    const other = await json(postJson(server, '/explanations', { model: 'demo-image-shapes-cnn', input: uploaded.id, method: 'gradient', target: 0 }));
    expect((await waitForJob(server, other.id)).state).toBe('succeeded');
    expect((await json(server.api(`/jobs/${other.id}/result`))).target).toBe(0);
  });

  it('explains inline text when a modality reads .txt and has a demo model', async (ctx) => {
    const { modalities } = await json(server.api('/modalities'));
    const text = modalities.find((m: any) => m.extensions.includes('.txt') && m.demos.models.length > 0);
    if (!text) return ctx.skip();
    const job = await json(postJson(server, '/explanations', { model: text.demos.models[0], text: 'a truly wonderful and moving film', method: 'lrp' }));
    const done = await waitForJob(server, job.id);
    expect(done.error).toBeNull();
    await checkResult(server, job.id);
  });

  it('streams progress as Server-Sent Events until the job ends', async () => {
    const job = await json(postJson(server, '/explanations', { model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-ring', ...slowMethod(160) }));
    const res = await server.api(`/jobs/${job.id}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const events = await readEvents(res);
    expect(events[0]!.event).toBe('state');
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)!.data.progress).toMatchObject({ done: 160, total: 160, unit: expect.any(String) });
    const fractions = progress.map((e) => e.data.progress.fraction);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    expect(events.some((e) => e.event === 'state' && e.data.state === 'running')).toBe(true);
    const end = events.at(-1)!;
    expect(end.event).toBe('end');
    expect(end.data.state).toBe('succeeded');
    // a finished job's stream gives its state and end at once
    const again = await readEvents(await server.api(`/jobs/${job.id}/events`));
    expect(again.map((e) => e.event)).toEqual(['state', 'end']);
  });

  it('cancels running and queued jobs', async () => {
    const start = () => postJson(server, '/explanations', { model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-cross', ...slowMethod(400_000) }).then((r) => r.json());
    const a = await start();
    const b = await start();
    const c = await start(); // two workers: this one waits in the queue
    await waitForJob(server, a.id, (j) => j.state === 'running' && j.progress !== null);
    await waitForJob(server, b.id, (j) => j.state === 'running' && j.progress !== null);
    expect((await json(server.api(`/jobs/${c.id}`))).state).toBe('queued');

    const cancelQueued = await server.api(`/jobs/${c.id}`, { method: 'DELETE' });
    expect(cancelQueued.status).toBe(202);
    const queued = await waitForJob(server, c.id, (j) => FINISHED.includes(j.state), 5000);
    expect(queued.state).toBe('cancelled');
    expect(queued.startedAt).toBeNull();

    const started = Date.now();
    for (const id of [a.id, b.id]) expect((await server.api(`/jobs/${id}`, { method: 'DELETE' })).status).toBe(202);
    for (const id of [a.id, b.id]) {
      const done = await waitForJob(server, id, (j) => FINISHED.includes(j.state), 10_000);
      expect(done).toMatchObject({ state: 'cancelled', error: { error: 'Cancelled' } });
      expect(done.progress.done).toBeLessThan(400_000);
    }
    expect(Date.now() - started).toBeLessThan(4000); // stopped between batches, not by the grace-period kill
    expect((await server.api(`/jobs/${a.id}`, { method: 'DELETE' })).status).toBe(409);
    expect((await server.api(`/jobs/${a.id}/result`)).status).toBe(409);
    // the workers are free again
    const after = await json(postJson(server, '/explanations', { model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-cross', method: 'gradient' }));
    expect((await waitForJob(server, after.id)).state).toBe('succeeded');
  });

  it('reports a job that cannot run as failed with its reason, never a 500', async () => {
    const job = await json(postJson(server, '/explanations', { model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-square', method: 'gradient', target: 99 }));
    const done = await waitForJob(server, job.id);
    expect(done.state).toBe('failed');
    expect(done.error.message).toMatch(/99/);
    const result = await server.api(`/jobs/${job.id}/result`);
    expect(result.status).toBe(409);
    expect((await result.json()).message).toMatch(/failed/);
  });

  it('explains chosen inputs of a two-input model (VQA: image + question) with explainedInputs', async () => {
    const { modalities } = await json(server.api('/modalities'));
    const vqa = modalities.find((m: any) => m.name === 'vqa');
    const input = await json(server.api(`/inputs/${vqa.demos.inputs[0]}`));
    const job = await json(postJson(server, '/explanations', { model: input.model, input: input.id, method: 'occlusion', options: { window: 4, stride: 4 }, explainedInputs: ['image'] }));
    const done = await waitForJob(server, job.id);
    expect({ state: done.state, error: done.error }).toEqual({ state: 'succeeded', error: null });
    const result = await checkResult(server, job.id);
    expect(result.relevance).toHaveLength(2);
    const [image, question]: Float32Array[] = await Promise.all(result.relevance.map(async (r: any) => new Float32Array(await (await fetch(server.url + r.binary)).arrayBuffer())));
    expect(image!.some((v: number) => v !== 0)).toBe(true);
    expect(question!.every((v: number) => v === 0)).toBe(true);

    const bad = await json(postJson(server, '/explanations', { model: input.model, input: input.id, method: 'occlusion', explainedInputs: ['sound'] }));
    const failed = await waitForJob(server, bad.id);
    expect(failed.state).toBe('failed');
    expect(failed.error.message).toMatch(/no input "sound"; its inputs are 0 'image', 1 'question'/);
  });

  it('benchmarks methods × metrics on the generated shapes and on stored inputs', async () => {
    const res = await postJson(server, '/benchmarks', {
      model: 'demo-image-shapes-cnn',
      dataset: { name: 'shapes', count: 6, seed: 3 },
      methods: ['gradient', { method: 'lrp', label: 'lrp ε+', options: { composite: 'epsilon_plus' } }],
      metrics: ['sparseness', 'pointing_game'],
      seed: 5,
    });
    expect(res.status).toBe(202);
    const job = await res.json();
    expect(job.kind).toBe('benchmark');
    const onInputs = await json(
      postJson(server, '/benchmarks', {
        model: 'demo-image-shapes-cnn',
        inputs: ['demo-image-input-shape-square', 'demo-image-input-shape-cross', 'demo-image-input-shape-ring', 'demo-image-input-shape-triangle'],
        labels: [0, 1, 2, 3],
        methods: ['gradient_x_input'],
        metrics: [{ name: 'pixel_flipping', options: { regionSize: 8, steps: 4 } }],
      }),
    );
    const done = await waitForJob(server, job.id);
    expect(done.error).toBeNull();
    const result = await json(server.api(`/jobs/${job.id}/result`));
    expect(result.benchmark.samples).toMatchObject({ count: 6, shape: [32, 32, 3], hasMasks: true });
    expect(result.benchmark.table).toHaveLength(4);
    expect(result.benchmark.table.map((r: any) => `${r.method}/${r.metric}`)).toEqual(['gradient/sparseness', 'gradient/pointing_game', 'lrp ε+/sparseness', 'lrp ε+/pointing_game']);
    expect(result.benchmark.scores[0].values).toHaveLength(6);
    const csv = result.files.find((f: any) => f.name === 'benchmark-table.csv');
    const text = await (await fetch(server.url + csv.url)).text();
    expect(text.split('\n')[0]).toBe('method,metric,direction,mean,stderr,n,error');

    const second = await waitForJob(server, onInputs.id);
    expect(second.error).toBeNull();
    const table = (await json(server.api(`/jobs/${onInputs.id}/result`))).benchmark;
    expect(table.samples.count).toBe(4);
    expect(table.targets).toEqual([0, 1, 2, 3]);
    expect(table.curves[0].values).toHaveLength(4);
  });

  it('lists jobs, newest first, by state and kind', async () => {
    const { jobs } = await json(server.api('/jobs?kind=benchmark'));
    expect(jobs.length).toBe(2);
    expect(jobs.every((j: any) => j.kind === 'benchmark')).toBe(true);
    const cancelled = await json(server.api('/jobs?state=cancelled'));
    expect(cancelled.jobs).toHaveLength(3);
    expect((await server.api('/jobs?state=nonsense')).status).toBe(400);
  });
});

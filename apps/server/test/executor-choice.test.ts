/**
 * Which executor runs an explanation job: the request's `executor`, else the server's
 * (XAI_EXECUTOR), else 'ort' where onnxruntime-node is installed (it is in this repository) and the
 * method runs on it. The result records what ran; a fallback to tfjs is recorded with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_PLUGIN, json, postJson, startServer, startServerWithPlugin, waitForJob, type TestServer } from './helpers.js';

const MODEL = 'demo-image-shapes-cnn';
const INPUT = 'demo-image-input-shape-ring';
/** Registers 'test_gradient_tfjs_only', a method that does not run on ORT (every built-in one does). */

/** Runs one explanation job to its end and returns its result. */
async function explained(server: TestServer, body: Record<string, unknown>) {
  const res = await postJson(server, '/explanations', { model: MODEL, input: INPUT, ...body });
  expect(res.status).toBe(202);
  const job = await res.json();
  const done = await waitForJob(server, job.id);
  expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
  return json(server.api(`/jobs/${job.id}/result`));
}

/** The relevance of a result as float32 values. */
async function values(server: TestServer, result: any): Promise<Float32Array> {
  return new Float32Array(await (await fetch(server.url + result.relevance[0].binary)).arrayBuffer());
}

describe('executor of explanation jobs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServerWithPlugin(EXAMPLE_PLUGIN, { concurrency: 1 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("runs on 'ort' by default where it is installed, and a request's 'tfjs' is honoured: the same relevance", async () => {
    const byDefault = await explained(server, { method: 'lrp', options: { composite: 'epsilon_gamma_box' } });
    expect(byDefault.execution).toMatchObject({ executor: 'ort', provider: expect.stringMatching(/^(cpu|cuda)$/), built: expect.any(Boolean) });
    expect(byDefault.execution.fallback).toBeUndefined();
    expect(byDefault.notices).toBeUndefined();
    const onTfjs = await explained(server, { method: 'lrp', options: { composite: 'epsilon_gamma_box' }, executor: 'tfjs' });
    expect(onTfjs.execution).toEqual({ executor: 'tfjs' });
    expect(onTfjs.target).toBe(byDefault.target);
    // float32 sums in another order: max |a − b| ≤ 1e-5 · max |a| + 1e-7 (measured ≈ 1e-6 relative)
    const [a, b] = [await values(server, onTfjs), await values(server, byDefault)];
    const scale = Math.max(...a.map(Math.abs));
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThanOrEqual(1e-5 * scale + 1e-7);
  });

  it("records why 'ort' fell back to tfjs (a method it cannot run yet), in the result and its notices", async () => {
    const result = await explained(server, { method: 'test_gradient_tfjs_only', executor: 'ort' });
    expect(result.execution).toEqual({ executor: 'tfjs', fallback: "method 'test_gradient_tfjs_only'" });
    expect(result.notices).toEqual(["xai: executor 'ort' cannot run method 'test_gradient_tfjs_only' yet; running on tfjs instead"]);
    // by default a method that does not run on ORT simply runs on tfjs: nothing fell back
    const byDefault = await explained(server, { method: 'test_gradient_tfjs_only' });
    expect(byDefault.execution).toEqual({ executor: 'tfjs' });
  });

  it('refuses an unknown executor with a 400 naming the field, and documents the field', async () => {
    const res = await postJson(server, '/explanations', { model: MODEL, input: INPUT, method: 'lrp', executor: 'cuda' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toBe('BadRequest');
    expect(body.message).toMatch(/executor/);
    const spec = await json(server.api('/docs/json'));
    const field = spec.paths['/api/v1/explanations'].post.requestBody.content['application/json'].schema.properties.executor;
    expect(JSON.stringify(field)).toMatch(/auto.*tfjs.*ort/);
    expect(field.description).toMatch(/ONNX Runtime/);
  });
});

describe("the server's executor (XAI_EXECUTOR)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ concurrency: 1, executor: 'tfjs' });
  });
  afterAll(() => server?.close());

  it("applies when a request does not choose (or says 'auto'); a request's choice wins", async () => {
    expect((await explained(server, { method: 'lrp' })).execution).toEqual({ executor: 'tfjs' });
    expect((await explained(server, { method: 'lrp', executor: 'auto' })).execution).toEqual({ executor: 'tfjs' });
    expect((await explained(server, { method: 'lrp', executor: 'ort' })).execution.executor).toBe('ort');
  });
});

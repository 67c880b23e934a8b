/**
 * A rule and a composite registered by a plugin module (XAI_PLUGINS) reach `POST /explanations`:
 * the main thread's catalog and validation know them, and so do the worker threads that explain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoImage, EXAMPLE_PLUGIN, json, postJson, startServerWithPlugin, upload, waitForJob, type TestServer } from './helpers.js';


describe('plugins', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServerWithPlugin(EXAMPLE_PLUGIN, { concurrency: 1 });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function relevanceOf(input: string, options: Record<string, unknown>): Promise<Float32Array> {
    const res = await postJson(server, '/explanations', { model: 'demo-image-shapes-cnn', input, method: 'lrp', target: 3, options });
    expect(res.status, JSON.stringify(await res.clone().json())).toBe(202);
    const done = await waitForJob(server, (await res.json()).id);
    expect({ state: done.state, error: done.error }).toEqual({ state: 'succeeded', error: null });
    const result = await json(server.api(`/jobs/${done.id}/result`));
    return new Float32Array(await (await fetch(server.url + result.relevance[0].binary)).arrayBuffer());
  }

  it('explains with the plugin rule and composite by name, and lists them', async () => {
    const { methods, composites } = await json(server.api('/methods'));
    expect(composites).toContain('test_flat_epsilon');
    expect(methods.find((m: any) => m.name === 'lrp').options.properties.rule.enum).toContain('test_half_epsilon');
    const uploaded = await json(upload(server, '/inputs', [demoImage('triangle')]));
    const half = await relevanceOf(uploaded.id, { rule: 'test_half_epsilon', epsilon: 0.01 });
    const full = await relevanceOf(uploaded.id, { rule: 'epsilon', epsilon: 0.01 });
    // Half the relevance at each linear layer: one constant power of 1/2 everywhere.
    const big = Math.max(...full.map(Math.abs));
    const ratios = Array.from(half, (v, i) => v / full[i]!).filter((_, i) => Math.abs(full[i]!) > 1e-3 * big);
    const k = Math.round(-Math.log2(ratios[0]!));
    expect(k).toBeGreaterThanOrEqual(2);
    ratios.forEach((r) => expect(Math.abs(r - 2 ** -k)).toBeLessThan(1e-3 * 2 ** -k));
    const flat = await relevanceOf(uploaded.id, { composite: 'test_flat_epsilon' });
    expect(flat.some((v) => v !== 0)).toBe(true);
  });
});

/** POST /analyses: data-set analyses as jobs (SSE progress, cancel, analysis.json and figure artefacts), on the Clever Hans demo and an uploaded data set. */
import { encodePng, generateShapes, SHAPE_CLASSES } from '@xai/core';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPng, json, postJson, readEvents, startServer, type TestServer, waitForJob } from './helpers.js';

/** A zip of n generated shapes as PNGs with labels.csv (class names). */
function shapesZip(n: number, seed: number): Uint8Array {
  const data = generateShapes(n, seed);
  const files: Record<string, Uint8Array> = {};
  const rows = ['file,label'];
  for (let i = 0; i < n; i++) {
    const rgba = new Uint8Array(32 * 32 * 4);
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(255 * data.images[(i * 1024 + p) * 3 + c]!);
      rgba[p * 4 + 3] = 255;
    }
    files[`s${i}.png`] = encodePng({ rgba, width: 32, height: 32 });
    rows.push(`s${i}.png,${SHAPE_CLASSES[data.labels[i]!]}`);
  }
  files['labels.csv'] = new TextEncoder().encode(rows.join('\n') + '\n');
  return zipSync(files);
}

describe('analyses', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ concurrency: 1 });
  });
  afterAll(() => server?.close());

  it('SpRAy on the Clever Hans demo: progress over SSE, analysis.json with clusters and embeddings, figures and prototypes as artefacts', async () => {
    const models = (await json(server.api('/models'))).models;
    expect(models.map((m: { id: string }) => m.id)).toContain('demo-image-clever-hans-cnn');
    const res = await postJson(server, '/analyses', { model: 'demo-image-clever-hans-cnn', kind: 'spray', dataset: { name: 'clever-hans', count: 80, seed: 3 }, options: { classes: [2] } });
    expect(res.status).toBe(202);
    const job = await res.json();
    expect(job.kind).toBe('analysis');
    const events = await readEvents(await server.api(`/jobs/${job.id}/events`));
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.progress);
    expect(progress.length).toBeGreaterThan(0);
    for (let i = 1; i < progress.length; i++) expect(progress[i].fraction).toBeGreaterThanOrEqual(progress[i - 1].fraction);
    expect(progress.some((p) => p.phase === 'explain')).toBe(true);
    expect(events.at(-1)!.event).toBe('end');
    const done = await waitForJob(server, job.id);
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
    const result = await json(server.api(`/jobs/${job.id}/result`));
    expect(result.kind).toBe('analysis');
    const rings = result.analysis.classes[0];
    const labels = generateShapes(80, 3).labels; // clever-hans data are the shapes of the same seed, some rings watermarked
    expect(rings.class).toBe(2);
    expect(rings.samples).toEqual([...labels.keys()].filter((i) => labels[i] === 2));
    expect(rings.tsne).toHaveLength(rings.samples.length);
    expect(rings.artefactCluster.recall).toBeGreaterThan(0);
    const names = result.files.map((f: { name: string }) => f.name);
    expect(names).toEqual(expect.arrayContaining(['analysis.json', 'spray-class-2-embedding.png', 'spray-class-2-spectrum.png', 'spray-class-2-prototypes.png']));
    // every prototype's image is there to be explained
    for (const c of rings.clusters) for (const i of c.prototypes) expect(names).toContain(`sample-${i}.png`);
    const figure = await server.api(`/jobs/${job.id}/artefacts/spray-class-2-embedding.png`);
    expect(figure.headers.get('content-type')).toBe('image/png');
    expect(isPng(new Uint8Array(await figure.arrayBuffer()))).toBe(true);
  });

  it('NEON on an uploaded data set (read by the modalities reader for the model)', async () => {
    const body = new FormData();
    body.append('file', new Blob([shapesZip(12, 21) as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), 'shapes.zip');
    const dataset = await json(server.api('/datasets', { method: 'POST', body }));
    const res = await postJson(server, '/analyses', { model: 'demo-image-shapes-cnn', kind: 'neon', dataset: { id: dataset.id }, options: { clusters: 2, layer: 'fc1' } });
    expect(res.status).toBe(202);
    const done = await waitForJob(server, (await res.json()).id);
    expect(done.error).toBeNull();
    const result = await json(server.api(`/jobs/${done.id}/result`));
    expect(result.analysis).toMatchObject({ kind: 'neon', layer: 'fc1', k: 2, dataset: { count: 12, shape: [32, 32, 3] } });
    expect(result.analysis.assignments).toHaveLength(12);
    expect(result.files.map((f: { name: string }) => f.name)).toContain('neon-clusters.png');
  });

  it('cancels a running analysis', async () => {
    const res = await postJson(server, '/analyses', { model: 'demo-image-clever-hans-cnn', kind: 'spray', dataset: { name: 'clever-hans', count: 3000 }, options: { batchSize: 8 } });
    const job = await res.json();
    await waitForJob(server, job.id, (j) => j.state === 'running' && j.progress !== null);
    expect((await server.api(`/jobs/${job.id}`, { method: 'DELETE' })).status).toBe(202);
    const done = await waitForJob(server, job.id);
    expect(done.state).toBe('cancelled');
    expect((await server.api(`/jobs/${job.id}/result`)).status).toBe(409);
  });

  it('refuses bad requests before queueing: unknown kind, model, option, method option, data set', async () => {
    const base = { model: 'demo-image-shapes-cnn', kind: 'spray', dataset: { name: 'shapes', count: 20 } };
    expect((await postJson(server, '/analyses', { ...base, kind: 'cluster' })).status).toBe(400);
    expect((await postJson(server, '/analyses', { ...base, dataset: { name: 'mnist' } })).status).toBe(400);
    expect((await postJson(server, '/analyses', { ...base, options: { colour: 'red' } })).status).toBe(400);
    const badMethod = await postJson(server, '/analyses', { ...base, options: { method: 'lrp', methodOptions: { composite: 'nope' } } });
    expect(badMethod.status).toBe(400);
    expect((await badMethod.json()).message).toMatch(/nope/);
    const missing = await postJson(server, '/analyses', { ...base, model: 'no-such-model' });
    expect(missing.status).toBe(404);
    expect((await postJson(server, '/analyses', { ...base, dataset: { id: 'no-such-dataset' } })).status).toBe(404);
  });
});

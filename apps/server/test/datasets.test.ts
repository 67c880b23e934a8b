import { generateShapes, SHAPE_CLASSES } from '@xai/core';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapesZip, uploadDataset } from './dataset-zip.js';
import { demoModelFiles, json, postJson, readEvents, startServer, type TestServer, upload, waitForJob } from './helpers.js';

const enc = new TextEncoder();

describe('uploaded data sets and benchmarks on them', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ concurrency: 1 });
  });
  afterAll(() => server?.close());

  it('uploads a zip (count, labels, masks), lists, gets and deletes it', async () => {
    const res = await uploadDataset(server, shapesZip(8, 11), { name: 'my shapes' });
    expect(res.status).toBe(201);
    const d = await res.json();
    expect(d).toMatchObject({ name: 'my shapes', source: 'upload', modality: 'image', count: 8, labelSource: 'labels.csv', hasMasks: true, shape: [32, 32, 3], uniformShape: true, model: 'demo-image-shapes-cnn' });
    const labels = generateShapes(8, 11).labels;
    // checked against the demo model's class names: each name resolves to its index
    for (const l of d.labels) expect(l.index).toBe(SHAPE_CLASSES.indexOf(l.label));
    expect(d.labels.reduce((n: number, l: any) => n + l.count, 0)).toBe(8);
    expect(d.labels.find((l: any) => l.label === SHAPE_CLASSES[labels[0]!]).count).toBe(Array.from(labels).filter((x) => x === labels[0]).length);
    const list = await json(server.api('/datasets'));
    expect(list.datasets.map((x: any) => x.source)).toEqual(['generated', 'upload']);
    expect((await json(server.api(`/datasets/${d.id}`))).count).toBe(8);
    expect((await server.api(`/datasets/${d.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await server.api(`/datasets/${d.id}`)).status).toBe(404);
  });

  it('refuses a broken data set, naming the file or row', async () => {
    const bad = zipSync({ 'a.png': enc.encode('not a png'), 'labels.csv': enc.encode('file,label\na.png,ring\n') });
    const res = await uploadDataset(server, bad);
    expect(res.status).toBe(422);
    expect((await res.json()).message).toMatch(/^a\.png: .*not a valid PNG/);
    const missing = await uploadDataset(server, zipSync({ 'labels.csv': enc.encode('file,label\nb.png,ring\n') }));
    expect(missing.status).toBe(422);
    expect((await missing.json()).message).toBe('labels.csv: line 2: b.png is not in the data set');
    const notZip = await uploadDataset(server, enc.encode('hello'));
    expect(notZip.status).toBe(422);
    expect((await notZip.json()).message).toMatch(/not a readable zip archive/);
  });

  it('benchmarks an uploaded model on an uploaded data set, with progress events; mask metrics are refused without masks', async () => {
    const model = await json(upload(server, '/models', demoModelFiles(), { classNames: JSON.stringify(SHAPE_CLASSES) }));
    const dataset = await json(uploadDataset(server, shapesZip(6, 21), { model: model.id }));
    expect(dataset.model).toBe(model.id);
    const res = await postJson(server, '/benchmarks', { model: model.id, dataset: { id: dataset.id }, methods: ['gradient', 'lrp'], metrics: ['pointing_game', 'sparseness'] });
    expect(res.status).toBe(202);
    const job = await res.json();
    const events = await readEvents(await server.api(`/jobs/${job.id}/events`));
    const fractions = events.filter((e) => e.event === 'progress').map((e) => e.data.progress.fraction as number);
    expect(fractions.length).toBeGreaterThan(0);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]!).toBeGreaterThanOrEqual(fractions[i - 1]!);
    const done = await waitForJob(server, job.id);
    expect(done.error).toBeNull();
    const result = (await json(server.api(`/jobs/${job.id}/result`))).benchmark;
    expect(result.samples).toMatchObject({ count: 6, shape: [32, 32, 3], hasMasks: true });
    expect(result.targets).toEqual(Array.from(generateShapes(6, 21).labels));
    expect(result.table.map((r: any) => `${r.method}/${r.metric}/${r.n}`)).toEqual(['gradient/pointing_game/6', 'gradient/sparseness/6', 'lrp/pointing_game/6', 'lrp/sparseness/6']);
    // the demo CNN finds the objects: LRP points into the mask for most samples
    expect(result.table.find((r: any) => r.method === 'lrp' && r.metric === 'pointing_game').mean).toBeGreaterThanOrEqual(0.5);

    const bare = await json(uploadDataset(server, shapesZip(4, 22, { masks: false, labels: (_i, l) => String(l) })));
    expect(bare.hasMasks).toBe(false);
    const refused = await postJson(server, '/benchmarks', { model: model.id, dataset: { id: bare.id }, methods: ['gradient'], metrics: ['sparseness', 'pointing_game', 'relevance_mass_accuracy'] });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toMatch(/^metrics 'pointing_game', 'relevance_mass_accuracy' need ground-truth masks; data set 'shapes\.zip' has none/);
    // in use: no delete while its benchmark is queued or running
    const running = await json(postJson(server, '/benchmarks', { model: model.id, dataset: { id: bare.id, count: 2 }, methods: ['gradient'], metrics: ['sparseness'] }));
    const del = await server.api(`/datasets/${bare.id}`, { method: 'DELETE' });
    expect(del.status).toBe(409); // the job reads the zip for seconds after it was queued
    expect((await del.json()).message).toMatch(/is used by a queued or running benchmark/);
    const finished = await waitForJob(server, running.id);
    expect(finished.error).toBeNull();
    expect((await json(server.api(`/jobs/${running.id}/result`))).benchmark.samples.count).toBe(2);
  });
});

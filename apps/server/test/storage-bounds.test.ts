/**
 * Issue 15, problems 5 and 6: storage is bounded (retention after XAI_RETENTION_DAYS, the
 * XAI_MAX_DATA_GB quota, oldest first, with a log line), GET /jobs returns summaries a page at a
 * time; and the smaller findings: ?access_token= is redacted in the log, "target": "1" is
 * refused, a bad colormap is a 400 before the job runs.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention, sizeOf } from '../src/storage/retention.js';
import { demoImage, json, postJson, removeDir, startServer, tempDir, upload, waitForJob, type TestServer } from './helpers.js';

const image = { model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-cross' };
const DAY = 24 * 60 * 60 * 1000;

/** A log stream whose lines the test can read. */
function logSink() {
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  return { stream, lines };
}

async function explain(server: TestServer, body: Record<string, unknown>) {
  const job = await json(postJson(server, '/explanations', body));
  return waitForJob(server, job.id);
}

describe('retention and the data-directory quota', () => {
  const dataDir = tempDir();
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
    await removeDir(dataDir);
  });

  it('removes finished jobs and unreferenced uploads older than XAI_RETENTION_DAYS, with a log line', async () => {
    const log = logSink();
    server = await startServer({ dataDir, retentionDays: 30, logLevel: 'info', logStream: log.stream });
    const input = await json(upload(server, '/inputs', [demoImage('ring')]));
    const unused = await json(upload(server, '/inputs', [demoImage('square')]));
    const jobs = [await explain(server, { ...image, method: 'gradient' }), await explain(server, { model: image.model, input: input.id, method: 'lrp' })];
    expect(jobs.map((j) => j.state)).toEqual(['succeeded', 'succeeded']);

    // a day later nothing is old enough
    expect(await applyRetention(server.app.xai, Date.now() + DAY)).toMatchObject({ jobs: 0, inputs: 0, models: 0 });
    // 31 days later: both jobs, then both uploads (no job names them any more); demos stay
    const report = await applyRetention(server.app.xai, Date.now() + 31 * DAY);
    expect(report).toMatchObject({ jobs: 2, inputs: 2, models: 0 });
    expect(report.freedBytes).toBeGreaterThan(0);
    for (const job of jobs) expect((await server.api(`/jobs/${job.id}`)).status).toBe(404);
    for (const id of [input.id, unused.id]) expect((await server.api(`/inputs/${id}`)).status).toBe(404);
    expect((await server.api(`/inputs/${image.input}`)).status).toBe(200);
    expect(log.lines.some((l) => /retention: removed 2 job\(s\), 2 input\(s\)/.test(l))).toBe(true);
    await server.close();
    server = undefined;
  });

  it('keeps the data directory under XAI_MAX_DATA_GB by removing the oldest finished jobs first', async () => {
    server = await startServer({ dataDir });
    const jobs = [];
    for (const method of ['lrp', 'gradient', 'guided_backprop']) jobs.push(await explain(server, { ...image, method }));
    await server.close(); // (closing checkpoints SQLite's write-ahead log into the database)
    const total = await sizeOf(dataDir);
    const oldest = await sizeOf(`${dataDir}/jobs/${jobs[0].id}`);
    expect(oldest).toBeGreaterThan(0);

    // restarted with a quota just under today's size: retention runs at start
    const log = logSink();
    server = await startServer({ dataDir, maxDataBytes: total - oldest / 2, logLevel: 'info', logStream: log.stream });
    const gone = async (id: string) => (await server!.api(`/jobs/${id}`)).status === 404;
    for (let i = 0; i < 100 && !(await gone(jobs[0].id)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await gone(jobs[0].id)).toBe(true);
    expect(await gone(jobs[2].id)).toBe(false);
    expect(log.lines.some((l) => /retention: removed [12] job\(s\).*quota/.test(l))).toBe(true);
  });
});

describe('GET /jobs: summaries, a page at a time', () => {
  let server: TestServer;
  const token = 'secret-token-1234';
  const log = logSink();
  beforeAll(async () => {
    server = await startServer({ token, logLevel: 'info', logStream: log.stream });
  });
  afterAll(() => server?.close());

  it('pages with a cursor and leaves request bodies out', async () => {
    const text = 'a long text '.repeat(1000);
    const { modalities } = await json(server.api('/modalities'));
    const textModel = modalities.find((m: any) => m.name === 'text').demos.models[0];
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await json(postJson(server, '/explanations', { ...image, method: 'gradient' }))).id);
    ids.push((await json(postJson(server, '/explanations', { model: textModel, text, method: 'gradient' }))).id);
    for (const id of ids) await waitForJob(server, id);

    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await json(server.api(`/jobs?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.jobs);
      cursor = page.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((j) => j.id)).toEqual([...ids].reverse());
    for (const job of seen) expect(job).not.toHaveProperty('request');
    expect(seen[0].summary).toEqual({ model: textModel, method: 'gradient', textLength: text.length });
    expect(seen[1].summary).toEqual({ ...image, method: 'gradient' });
    expect(JSON.stringify(seen).length).toBeLessThan(text.length); // the text is not in the list
    expect((await server.api('/jobs?limit=1000')).status).toBe(400);
    expect((await server.api('/jobs?cursor=bogus')).status).toBe(400);
  });

  it('never writes ?access_token= to the log in clear', async () => {
    const res = await server.api(`/models?access_token=${token}`, { auth: false });
    expect(res.status).toBe(200);
    const lines = log.lines.filter((l) => l.includes('/api/v1/models?access_token='));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of log.lines) expect(line).not.toContain(token);
    expect(lines[0]).toContain('access_token=[REDACTED]');
  });

  it('refuses "target": "1" instead of coercing it, and a bad colormap before the job runs', async () => {
    const coerced = await postJson(server, '/explanations', { ...image, method: 'gradient', target: '1' });
    expect(coerced.status).toBe(400);
    expect((await coerced.json()).message).toMatch(/target/);
    expect((await postJson(server, '/explanations', { ...image, method: 'gradient', target: 1 })).status).toBe(202);

    const colormap = await postJson(server, '/explanations', { ...image, method: 'gradient', renderOptions: { colormap: 'no-such-map' } });
    expect(colormap.status).toBe(400);
    expect((await colormap.json()).message).toMatch(/colormap.*no-such-map/);
    const unknown = await postJson(server, '/explanations', { ...image, method: 'gradient', renderOptions: { colour: 'red' } });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).message).toMatch(/colour/);
    const { jobs } = await json(server.api('/jobs?limit=100'));
    expect(jobs.length).toBe(6); // the refused requests made no jobs
  });
});

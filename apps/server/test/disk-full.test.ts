/**
 * Issue 15, problem 3: a full disk. The data directory is a small tmpfs, filled for real while a
 * job runs: SQLite's writes fail with "database or disk is full", which must fail the job, keep
 * the server up, show in GET /health, answer uploads with 507 — and pass once space is back.
 * Mounting a tmpfs needs root (the CI and these machines run tests as root).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoImage, json, NO_PASS_LIMIT, postJson, slowMethod, startServer, tempDir, upload, waitForJob, type TestServer } from './helpers.js';

const image = { model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-cross' };

/** Writes zeros into `path` until the file system refuses (ENOSPC); returns the bytes written. */
function fill(path: string): number {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = new Uint8Array(size);
      for (;;) {
        try {
          written += writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

describe('a full disk under the data directory', () => {
  const mountPoint = tempDir('xai-server-tmpfs-');
  let server: TestServer | undefined;
  beforeAll(() => {
    if (process.getuid?.() !== 0) throw new Error('this test mounts a tmpfs and needs root (run the tests as root, as the CI does)');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mountPoint]);
  });
  afterAll(async () => {
    await server?.close().catch(() => undefined);
    execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('fails the job, reports degraded health, answers 507, and recovers when space is back', async () => {
    const dataDir = join(mountPoint, 'data');
    server = await startServer({ dataDir, concurrency: 1, limits: NO_PASS_LIMIT });
    const running = await json(postJson(server, '/explanations', { ...image, ...slowMethod(10_000_000) }));
    await waitForJob(server, running.id, (j) => j.state === 'running' && j.progress !== null);

    // an empty write-ahead log, so that SQLite's next commit must take new space
    const db = new Database(join(dataDir, 'xai.sqlite'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const filler = join(mountPoint, 'filler');
    expect(fill(filler)).toBeGreaterThan(0);

    // the job ends (here: cancelled), and its final state cannot be written
    expect((await server.api(`/jobs/${running.id}`, { method: 'DELETE' })).status).toBe(202);
    const ended = await waitForJob(server, running.id, (j) => ['succeeded', 'failed', 'cancelled'].includes(j.state), 30_000);
    expect(ended.state).toBe('failed');
    expect(ended.error.error).toBe('StorageFull');
    expect(ended.error.message).toMatch(/full/);
    const health = await json(server.api('/health'));
    expect(health.status).toBe('degraded');
    expect(health.reason).toMatch(/storage: SQLITE_FULL|disk is full|ENOSPC/i);

    // new work is refused with 507, not a 500 and not a crash
    const refusedJob = await postJson(server, '/explanations', { ...image, method: 'gradient' });
    expect(refusedJob.status).toBe(507);
    const refusedUpload = await upload(server, '/inputs', [demoImage('ring')]);
    expect(refusedUpload.status).toBe(507);
    expect((await refusedUpload.json()).error).toBe('InsufficientStorage');

    // space again: work goes through and health recovers
    rmSync(filler);
    const job = await json(postJson(server, '/explanations', { ...image, method: 'gradient' }));
    expect((await waitForJob(server, job.id)).state).toBe('succeeded');
    expect((await json(server.api('/health'))).status).toBe('ok');
    expect((await upload(server, '/inputs', [demoImage('ring')])).status).toBe(201);
  });
});

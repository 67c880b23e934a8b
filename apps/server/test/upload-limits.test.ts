/**
 * Issue 15, problem 4: upload limits count the whole request and the bytes a zip really unpacks
 * to (streaming, whatever its directory claims), so hostile zips stop early and do not hold up
 * other uploads; a malformed multipart body is a 400.
 */
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoImage, demoModelFiles, json, startServer, upload, type TestServer } from './helpers.js';

const MB = 1024 * 1024;

/** Rewrites every declared uncompressed size (local headers and central directory) to `size`. */
function lieAboutSizes(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50) view.setUint32(i + 22, size, true); // local file header
    else if (signature === 0x02014b50) view.setUint32(i + 24, size, true); // central directory
  }
  return out;
}

/** "stopped after N bytes" from a refusal: how much work the server did before it stopped. */
const stoppedAfter = (message: string) => Number(/stopped after (\d+) bytes/.exec(message)?.[1] ?? NaN);

describe('upload limits over the whole request and the real unpacked bytes', () => {
  let server: TestServer;
  const [modelJson, weights] = demoModelFiles();
  beforeAll(async () => {
    server = await startServer({ loadDemos: true, maxUploadBytes: 2 * MB, maxRequestBytes: 3 * MB, maxUnzippedBytes: 8 * MB, maxZipRatio: 100, inspectThreads: 1 });
  });
  afterAll(() => server?.close());

  it('counts all files of a request against XAI_MAX_REQUEST_MB', async () => {
    const big = (name: string) => ({ name, bytes: new Uint8Array(1.5 * MB).fill(7) });
    const res = await upload(server, '/inputs', [big('a.png'), big('b.png'), big('c.png')]);
    expect(res.status).toBe(413);
    expect((await res.json()).message).toMatch(/all files of one request.*XAI_MAX_REQUEST_MB/);
  });

  it('counts the unpacked bytes of all zips of a request together', async () => {
    // each zip unpacks to 3 MB (under the 8 MB limit alone); together they pass it
    const filler = (i: number) => ({ name: `part${i}.zip`, bytes: zipSync({ [`filler${i}.bin`]: new Uint8Array(3 * MB).map((_, k) => (k * 2654435761) >>> 24) }) });
    const files = [{ name: 'model.json', bytes: modelJson!.bytes }, weights!, filler(1), filler(2), filler(3)];
    expect(files.reduce((n, f) => n + f.bytes.byteLength, 0)).toBeLessThan(3 * MB * 3);
    const res = await upload(server, '/models', files);
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(413);
    expect(body.message).toMatch(/limit of 8388608 bytes for one upload \(XAI_MAX_UNZIPPED_MB\)/);
  });

  it('catches a zip whose directory lies about its sizes by the bytes it really inflates', async () => {
    const honest = zipSync({ 'model.json': modelJson!.bytes, 'weights.bin': new Uint8Array(64 * MB) });
    expect(100 * honest.byteLength).toBeLessThan(8 * MB); // the ratio bound comes before the total
    const liar = lieAboutSizes(honest, 1000);
    const res = await upload(server, '/models', [{ name: 'model.zip', bytes: liar }]);
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(413);
    expect(body.message).toMatch(/XAI_MAX_ZIP_RATIO/);
    // the work stopped at the ratio bound (100 × the zip's size, plus one inflated chunk), not after 64 MB
    expect(stoppedAfter(body.message)).toBeLessThanOrEqual(100 * liar.byteLength + 5 * MB);
    // an honest zip of the model itself still goes in
    const fine = await upload(server, '/models', [{ name: 'shapes.zip', bytes: zipSync({ 'model.json': modelJson!.bytes, 'weights.bin': weights!.bytes }) }]);
    expect(fine.status).toBe(201);
  });

  it('ten hostile zips at once are all refused after bounded work, and an image upload among them succeeds', async () => {
    const liar = lieAboutSizes(zipSync({ 'model.json': modelJson!.bytes, 'weights.bin': new Uint8Array(256 * MB) }), 1000);
    const hostile = Array.from({ length: 10 }, () => upload(server, '/models', [{ name: 'model.zip', bytes: liar }]));
    const image = upload(server, '/inputs', [demoImage('ring')]);
    const answers = await Promise.all(hostile.map(async (r) => ({ status: (await r).status, body: await (await r).json() })));
    for (const a of answers) {
      expect(a.status).toBe(413);
      expect(stoppedAfter(a.body.message)).toBeLessThanOrEqual(8 * MB + 5 * MB);
    }
    expect((await image).status).toBe(201);
  });

  it('counts the files inside a model zip against XAI_MAX_FILES and refuses an entry outside the zip', async () => {
    const many = zipSync(Object.fromEntries([['model.json', modelJson!.bytes], ...Array.from({ length: 64 }, (_, i) => [`extra/${i}.txt`, new Uint8Array([i])])]));
    const res = await upload(server, '/models', [{ name: 'many.zip', bytes: many }]);
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(413);
    expect(body.message).toMatch(/^many\.zip: holds more than 64 files, the limit for one upload \(XAI_MAX_FILES\) \(at 'extra\/63\.txt'\)/);
    const outside = await upload(server, '/models', [{ name: 'evil.zip', bytes: zipSync({ 'model.json': modelJson!.bytes, '../weights.bin': weights!.bytes }) }]);
    expect(outside.status).toBe(422);
    expect((await outside.json()).message).toBe("evil.zip: entry '../weights.bin' points outside the archive");
  });

  it('answers a malformed multipart body with 400', async () => {
    const boundary = 'xai-boundary';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG half a file`;
    const res = await server.api('/inputs', { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/malformed multipart/);
    expect((await json(server.api('/health'))).status).toBe('ok');
  });
});

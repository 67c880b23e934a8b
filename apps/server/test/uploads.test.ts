import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { decodeInput, encodePng } from '@xai/core';
import { demoImage, demoModelFiles, form, isPng, json, startServer, upload, type TestServer, type UploadFile } from './helpers.js';

const MAX_UPLOAD = 512 * 1024;

/** Every file under `dir`, relative. */
function tree(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tree(path).map((p) => join(name, p)) : [name];
  });
}

/** A 32×32 RGB PNG whose first pixel encodes `i` (so uploads can be told apart after decoding). */
function numberedPng(i: number): Uint8Array {
  const rgba = new Uint8Array(32 * 32 * 4);
  for (let p = 0; p < 32 * 32; p++) {
    rgba[p * 4] = (i * 37 + p) % 256;
    rgba[p * 4 + 1] = (i * 11) % 256;
    rgba[p * 4 + 2] = i;
    rgba[p * 4 + 3] = 255;
  }
  return encodePng({ rgba, width: 32, height: 32 });
}

describe('uploads', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ maxUploadBytes: MAX_UPLOAD, maxFiles: 8, maxUnzippedBytes: 1024 * 1024, inspectThreads: 1 });
  });
  afterAll(() => server?.close());

  describe('models', () => {
    it('stores model.json + shards under a generated id with its layer table', async () => {
      const res = await upload(server, '/models', demoModelFiles(), { name: 'my shapes', composite: 'epsilon_plus', classNames: '["a","b","c","d"]' });
      expect(res.status).toBe(201);
      const model = await res.json();
      expect(model.id).toMatch(/^mdl_[0-9a-f]{20}$/);
      expect(res.headers.get('location')).toBe(`/api/v1/models/${model.id}`);
      expect(model).toMatchObject({ name: 'my shapes', source: 'upload', readonly: false, inputShapes: [[null, 32, 32, 3]], outputShapes: [[null, 4]], classNames: ['a', 'b', 'c', 'd'], composite: 'epsilon_plus' });
      expect(model.layers.find((l: any) => l.node === 'conv1').rule).toBe('zplus');
      // stored under generated names only
      expect(tree(join(server.dataDir, 'models', model.id)).sort()).toEqual(['group0.bin', 'model.json']);
      const again = await json(server.api(`/models/${model.id}?composite=epsilon_alpha2_beta1`));
      expect(again.layers.find((l: any) => l.node === 'conv1').rule).toMatch(/^alpha_beta/);
      const { models } = await json(server.api('/models'));
      expect(models.map((m: any) => m.id)).toContain(model.id);
      expect((await server.api(`/models/${model.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await server.api(`/models/${model.id}`)).status).toBe(404);
      expect(readdirSync(join(server.dataDir, 'models'))).not.toContain(model.id);
    });

    it('takes one .zip holding the model in a folder', async () => {
      const [json_, weights] = demoModelFiles();
      const zip = zipSync({ 'shapes/model.json': json_!.bytes, 'shapes/weights.bin': weights!.bytes, 'shapes/README.txt': new TextEncoder().encode('hi') });
      const res = await upload(server, '/models', [{ name: 'shapes.zip', bytes: zip, type: 'application/zip' }]);
      expect(res.status).toBe(201);
      const model = await res.json();
      expect(model.name).toBe('shapes');
      expect(model.ignoredFiles).toEqual(['shapes/README.txt']);
      expect(model.parameters).toBe(22612);
    });

    it('refuses broken models with a 422 naming the problem', async () => {
      const [modelJson, weights] = demoModelFiles();
      const cases: [UploadFile[], RegExp][] = [
        [[modelJson!], /weights\.bin.*missing/],
        [[modelJson!, { name: 'weights.bin', bytes: weights!.bytes.slice(0, 1000) }], /truncated/],
        [[{ name: 'model.json', bytes: new TextEncoder().encode('{"modelTopology": ') }, weights!], /malformed JSON/],
        [[{ name: 'model.json', bytes: new TextEncoder().encode('{"hello": 1}') }], /modelTopology/],
        // the refusal says how to get a model the platform takes
        [[{ name: 'notes.txt', bytes: new TextEncoder().encode('not a model') }], /no model\.json.*torch\.onnx\.export.*tf2onnx.*tensorflowjs_converter/],
        [[{ name: 'model.zip', bytes: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]) }], /zip/],
      ];
      for (const [files, message] of cases) {
        const res = await upload(server, '/models', files);
        const body = await res.json();
        expect(res.status, JSON.stringify(body)).toBe(422);
        expect(body.message).toMatch(message);
      }
      const bomb = await upload(server, '/models', [{ name: 'bomb.zip', bytes: zipSync({ 'model.json': modelJson!.bytes, 'weights.bin': new Uint8Array(4 * 1024 * 1024) }) }]);
      expect(bomb.status).toBe(413);
      expect((await bomb.json()).message).toMatch(/unpacks to more than/);
      // nothing half-stored: the models folder holds exactly the stored uploads
      const { models } = await json(server.api('/models'));
      const stored = models.filter((m: any) => m.source === 'upload').map((m: any) => m.id).sort();
      expect(readdirSync(join(server.dataDir, 'models')).sort()).toEqual(stored);
      expect(readdirSync(join(server.dataDir, 'uploads'))).toEqual([]);
    });
  });

  describe('inputs', () => {
    it('decodes an image with its adapter and keeps the bytes, a preview and metadata', async () => {
      const image = demoImage('cross');
      const res = await upload(server, '/inputs', [image], { description: 'a cross' });
      expect(res.status).toBe(201);
      const input = await res.json();
      expect(input).toMatchObject({ name: 'cross.png', modality: 'image', source: 'upload', model: 'demo-image-shapes-cnn', description: 'a cross' });
      expect(input.metadata).toMatchObject({ height: 32, width: 32, channels: 3 });
      expect(input.samples).toEqual([{ shape: [32, 32, 3], dtype: 'float32' }]);
      const preview = await server.api(`/inputs/${input.id}/preview`);
      expect(preview.headers.get('content-type')).toBe('image/png');
      expect(isPng(new Uint8Array(await preview.arrayBuffer()))).toBe(true);
      const stored = new Uint8Array(await (await server.api(`/inputs/${input.id}/files/0`)).arrayBuffer());
      expect(stored).toEqual(image.bytes);
      // byte ranges (media elements seek with them): a slice, a suffix, one beyond the end
      const n = image.bytes.length;
      const slice = await server.api(`/inputs/${input.id}/files/0`, { headers: { range: 'bytes=8-23' } });
      expect([slice.status, slice.headers.get('content-range'), slice.headers.get('accept-ranges')]).toEqual([206, `bytes 8-23/${n}`, 'bytes']);
      expect(new Uint8Array(await slice.arrayBuffer())).toEqual(image.bytes.slice(8, 24));
      const suffix = await server.api(`/inputs/${input.id}/files/0`, { headers: { range: 'bytes=-10' } });
      expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(image.bytes.slice(n - 10));
      const open = await server.api(`/inputs/${input.id}/files/0`, { headers: { range: `bytes=${n - 4}-` } });
      expect([open.status, open.headers.get('content-range')]).toEqual([206, `bytes ${n - 4}-${n - 1}/${n}`]);
      await open.arrayBuffer();
      const beyond = await server.api(`/inputs/${input.id}/files/0`, { headers: { range: `bytes=${n}-` } });
      expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, `bytes */${n}`]);
      expect((await beyond.json()).error).toBe('RangeNotSatisfiable');
      expect((await server.api(`/inputs/${input.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await server.api(`/inputs/${input.id}`)).status).toBe(404);
    });

    it('refuses corrupt, oversized and wrong-type uploads with a 4xx and { error, message }', async () => {
      const png = demoImage().bytes;
      const cases: [string, () => Promise<Response>, number, RegExp][] = [
        ['truncated PNG', () => upload(server, '/inputs', [{ name: 'bad.png', bytes: png.slice(0, 60) }]), 422, /bad\.png/],
        ['random bytes as PNG', () => upload(server, '/inputs', [{ name: 'noise.png', bytes: new Uint8Array(4096).map((_, i) => (i * 7919) % 251) }]), 422, /noise\.png/],
        ['PNG named .wav', () => upload(server, '/inputs', [{ name: 'sound.wav', bytes: png }]), 422, /sound\.wav/],
        ['image of the wrong size for the model', () => upload(server, '/inputs', [{ name: 'big.png', bytes: encodePng({ rgba: new Uint8Array(40 * 20 * 4).fill(255), width: 40, height: 20 }) }]), 422, /expects/],
        ['executable', () => upload(server, '/inputs', [{ name: 'tool.exe', bytes: new Uint8Array([0x4d, 0x5a, 0x90, 0]) }]), 415, /\.exe/],
        ['no extension', () => upload(server, '/inputs', [{ name: 'README', bytes: png }]), 415, /no extension/],
        ['unknown modality field', () => upload(server, '/inputs', [demoImage()], { modality: 'smell' }), 400, /smell/],
        ['bad options JSON', () => upload(server, '/inputs', [demoImage()], { options: '{nope' }), 400, /options/],
        ['oversized file', () => upload(server, '/inputs', [{ name: 'huge.png', bytes: new Uint8Array(16 * MAX_UPLOAD) }]), 413, /limit/],
        ['too many files', () => upload(server, '/inputs', Array.from({ length: 9 }, (_, i) => ({ name: `f${i}.png`, bytes: png }))), 413, /files/],
        ['no files', () => server.api('/inputs', { method: 'POST', body: form([], { name: 'x' }) }), 400, /no files/],
        ['JSON instead of multipart', () => server.api('/inputs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 415, /multipart/],
        ['oversized model shard', () => upload(server, '/models', [demoModelFiles()[0]!, { name: 'weights.bin', bytes: new Uint8Array(MAX_UPLOAD + 1) }]), 413, /limit/],
      ];
      for (const [what, request, status, message] of cases) {
        const res = await request();
        const body = await res.json();
        expect({ what, status: res.status }).toEqual({ what, status });
        expect(Object.keys(body).sort()).toEqual(['error', 'message']);
        expect(body.message, what).toMatch(message);
      }
      const { inputs } = await json(server.api('/inputs'));
      expect(inputs.filter((i: any) => i.source === 'upload')).toEqual([]);
      expect(readdirSync(join(server.dataDir, 'inputs')).filter((d) => !d.startsWith('demo-'))).toEqual([]);
    });

    it('never lets a file name choose a path', async () => {
      const res = await upload(server, '/inputs', [{ ...demoImage('ring'), name: '../../../../tmp/evil.png' }]);
      expect(res.status).toBe(201);
      const input = await res.json();
      expect(input.files[0].name).toBe('evil.png');
      const files = tree(server.dataDir).filter((p) => p.startsWith(join('inputs', input.id)));
      expect(files.map((p) => relative(join('inputs', input.id), p)).sort()).toEqual(['file-0', 'preview.png']);
      await server.api(`/inputs/${input.id}`, { method: 'DELETE' });
    });

    it('keeps 50 concurrent uploads apart: nothing lost, nothing mixed up', async () => {
      const images = Array.from({ length: 50 }, (_, i) => ({ name: `image-${i}.png`, bytes: numberedPng(i), type: 'image/png' }));
      const responses = await Promise.all(images.map((image, i) => upload(server, '/inputs', [image], { name: `upload ${i}` })));
      expect(responses.map((r) => r.status)).toEqual(new Array(50).fill(201));
      const created = await Promise.all(responses.map((r) => r.json()));
      expect(new Set(created.map((c) => c.id)).size).toBe(50);
      created.forEach((c, i) => expect([c.name, c.files[0].name, c.files[0].size]).toEqual([`upload ${i}`, `image-${i}.png`, images[i]!.bytes.length]));
      const { inputs } = await json(server.api('/inputs?modality=image'));
      const uploaded = inputs.filter((x: any) => x.source === 'upload');
      expect(uploaded).toHaveLength(50);
      for (const [i, c] of created.entries()) {
        const bytes = new Uint8Array(await (await server.api(`/inputs/${c.id}/files/0`)).arrayBuffer());
        expect(bytes).toEqual(images[i]!.bytes);
        // the preview was drawn from this upload's pixels, not another's
        const preview = decodeInput(new Uint8Array(await (await server.api(`/inputs/${c.id}/preview`)).arrayBuffer()), 'preview.png', { scale: '0-255' });
        expect([preview.values[0], preview.values[1], preview.values[2]]).toEqual([(i * 37) % 256, (i * 11) % 256, i]);
      }
    });
  });
});

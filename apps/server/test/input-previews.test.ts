/**
 * Input previews are served with the type of what is stored: the text adapter draws a PNG of the
 * tokens (it used to write an HTML page that was served as image/png, a broken image in the
 * dashboard); an HTML preview left in an older data directory is served as text/html.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeInput } from '@xai/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewType } from '../src/routes/inputs.js';
import { json, startServer, upload, type TestServer } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const textUpload = (text: string, name = 'review.txt') => ({ name, bytes: new TextEncoder().encode(text), type: 'text/plain' });

describe('input previews', () => {
  it('serves a text input’s preview as a PNG picture of its tokens', async () => {
    const res = await upload(server, '/inputs', [textUpload('The film was not good, a total waste of time; the zorblax acting was frobnicated.')]);
    expect(res.status).toBe(201);
    const input = await res.json();
    expect(input).toMatchObject({ modality: 'text', preview: `/api/v1/inputs/${input.id}/preview` });
    const preview = await server.api(`/inputs/${input.id}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/png');
    const png = decodeInput(new Uint8Array(await preview.arrayBuffer()), 'preview.png', { scale: '0-255' });
    expect(png.shape[1]).toBe(480);
    // the unknown words' boxes are dashed red
    const c = png.shape[2]!;
    let red = 0;
    for (let i = 0; i < png.values.length; i += c) if (png.values[i] === 204 && png.values[i + 1] === 0 && png.values[i + 2] === 0) red++;
    expect(red).toBeGreaterThan(50);
  });

  it('serves the demo texts’ previews as PNGs too', async () => {
    const { inputs } = await json(server.api('/inputs?modality=text'));
    expect(inputs.length).toBeGreaterThanOrEqual(3);
    for (const input of inputs) {
      const preview = await server.api(`/inputs/${input.id}/preview`);
      expect(preview.headers.get('content-type'), input.id).toBe('image/png');
      expect(decodeInput(new Uint8Array(await preview.arrayBuffer()), 'preview.png').shape[1]).toBe(480);
    }
  });

  it('serves an HTML preview left by an older version as text/html, locked down', async () => {
    const input = await (await upload(server, '/inputs', [textUpload('good film', 'old.txt')])).json();
    const dir = join(server.dataDir, 'inputs', input.id);
    expect(readdirSync(dir)).toContain('preview.png');
    writeFileSync(join(dir, 'preview.png'), '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Tokens</title></head><body>good film</body></html>\n');
    const preview = await server.api(`/inputs/${input.id}/preview`);
    expect(preview.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(preview.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(await preview.text()).toContain('good film');
  });

  it('tells the stored type from the first bytes', () => {
    expect(previewType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(previewType(new TextEncoder().encode('  <html><body>x</body></html>'))).toBe('text/html; charset=utf-8');
    expect(previewType(new TextEncoder().encode('GIF89a'))).toBe('application/octet-stream');
    expect(previewType(new Uint8Array())).toBe('application/octet-stream');
  });
});

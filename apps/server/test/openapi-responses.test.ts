/**
 * The OpenAPI description (GET /api/v1/docs/json) declares what the routes answer: real responses
 * of the model, input, input-facts and data-set routes are checked against the response schema the
 * served document gives for their path, method and status, and the fields clients read —
 * decodingFacts, methods, misfit, the facts of an EEG recording, a data set's labels and counts —
 * are declared properties there (not only let through as additional ones).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EEG_DEMO_DIR, EEG_SYNTHETIC_CHANNELS, syntheticEeg, writeEdfPlus } from '@xai/modalities';
import { Errors } from 'typebox/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapesZip, uploadDataset } from './dataset-zip.js';
import { json, startServer, upload, type TestServer } from './helpers.js';

type JsonSchema = Record<string, any>;

let server: TestServer;
let spec: JsonSchema;
beforeAll(async () => {
  server = await startServer();
  spec = await json(server.api('/docs/json'));
});
afterAll(() => server?.close());

/** The documented response schema of a route (path as the spec writes it, e.g. /api/v1/models/{id}). */
function responseSchema(path: string, method: string, status: number): JsonSchema {
  const operation = spec.paths[path]?.[method];
  expect(operation, `${method.toUpperCase()} ${path} is in the spec`).toBeDefined();
  const schema = operation.responses[String(status)]?.content?.['application/json']?.schema;
  expect(schema, `${method.toUpperCase()} ${path} documents a ${status} JSON response`).toBeDefined();
  return schema;
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema (the validator reads JSON Schema): the schema or null. */
function jsonSchema(node: any): any {
  if (Array.isArray(node)) return node.map(jsonSchema);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = node;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, jsonSchema(v)]));
  return nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

/** Checks a response body against the documented schema; the failures listed name the field. */
async function expectDocumented(res: Response, path: string, method: string): Promise<any> {
  const body = await res.json();
  const schema = responseSchema(path, method, res.status);
  const [ok, failures] = Errors(jsonSchema(schema), body);
  expect(ok ? [] : failures.map((f) => `${f.instancePath || '/'}: ${f.message}`), `${method.toUpperCase()} ${path} ${res.status}`).toEqual([]);
  return body;
}

const declared = (schema: JsonSchema) => Object.keys(schema.properties ?? {});

describe('the OpenAPI description matches the responses', () => {
  it('models: decodingFacts and methods are declared and the responses fit the schemas', async () => {
    const files = ['model.json', 'weights.bin'].map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(EEG_DEMO_DIR, name))) }));
    const created = await upload(server, '/models', files, { modality: 'eeg', channels: EEG_SYNTHETIC_CHANNELS.join(','), sampleRate: '64', unit: 'uV' });
    expect(created.status).toBe(201);
    const model = await expectDocumented(created, '/api/v1/models', 'post');
    expect(model.decodingFacts).toMatchObject({ channels: [...EEG_SYNTHETIC_CHANNELS], sampleRate: 64, unit: 'uV', stated: { sampleRate: 64 } });
    expect(model.methods).toContain('lrp');
    const list = await expectDocumented(await server.api('/models'), '/api/v1/models', 'get');
    expect(list.models.find((m: any) => m.id === model.id).decodingFacts.sources).toEqual({ channels: 'upload', sampleRate: 'upload', unit: 'upload' });
    await expectDocumented(await server.api(`/models/${model.id}`), '/api/v1/models/{id}', 'get');

    const detail = responseSchema('/api/v1/models/{id}', 'get', 200);
    expect(declared(detail)).toEqual(expect.arrayContaining(['decodingFacts', 'methods', 'classNames']));
    expect(declared(detail.properties.decodingFacts)).toEqual(expect.arrayContaining(['channels', 'sampleRate', 'unit', 'layout', 'sources', 'stated']));
    expect(declared(responseSchema('/api/v1/models', 'get', 200).properties.models.items)).toContain('decodingFacts');
    // a document that does not fit is reported (the check can fail)
    const [ok] = Errors(jsonSchema(detail), { ...model, decodingFacts: { sources: 'upload' } });
    expect(ok).toBe(false);
  });

  it('inputs: misfit (fit=report) and GET inputs/:id/facts are declared and fit', async () => {
    const models = (await json(server.api('/models'))).models;
    const eegModel = models.find((m: any) => m.source === 'upload' && m.modality === 'eeg');
    const three = writeEdfPlus(['A1', 'A2', 'ECG'].map((label, k) => ({ label, unit: 'uV', sampleRate: 128, samples: new Float32Array(1280).map((_, i) => Math.sin((i + k) / 9) * 20) })));
    const res = await upload(server, '/inputs', [{ name: 'three.edf', bytes: three }], { model: eegModel.id, fit: 'report' });
    expect(res.status).toBe(201);
    const input = await expectDocumented(res, '/api/v1/inputs', 'post');
    expect(input.misfit).toMatchObject({ model: eegModel.id });
    expect(input.misfit.message).toMatch(/^three\.edf: the model needs 16 channels/);
    expect(declared(responseSchema('/api/v1/inputs', 'post', 201))).toContain('misfit');
    await expectDocumented(await server.api(`/inputs/${input.id}`), '/api/v1/inputs/{id}', 'get');

    const eeg = syntheticEeg({ seconds: 4, seed: 5, sampleRate: 128 });
    const recording = writeEdfPlus(eeg.channels.map((c) => ({ label: c.label, unit: 'uV', sampleRate: 128, samples: c.samples })), { annotations: eeg.annotations });
    const stored = await json(upload(server, '/inputs', [{ name: 'rec.edf', bytes: recording }], { model: eegModel.id }));
    const facts = await expectDocumented(await server.api(`/inputs/${stored.id}/facts`), '/api/v1/inputs/{id}/facts', 'get');
    expect(facts).toMatchObject({ modality: 'eeg', file: 'rec.edf', duration: 4, sampleRates: [128] });
    expect(facts.channels).toHaveLength(16);
    // the other readers' facts fit too: a NIfTI volume, a WAV recording, an image (modality and files only)
    const inputs = (await json(server.api('/inputs'))).inputs;
    for (const modality of ['fmri', 'audio', 'image']) {
      const demo = inputs.find((i: any) => i.modality === modality && i.source === 'demo');
      await expectDocumented(await server.api(`/inputs/${demo.id}/facts`), '/api/v1/inputs/{id}/facts', 'get');
    }
    const factsSchema = responseSchema('/api/v1/inputs/{id}/facts', 'get', 200);
    expect(declared(factsSchema)).toEqual(expect.arrayContaining(['channels', 'sampleRates', 'annotations', 'duration', 'dims', 'voxelSize', 'affine', 'sampleRate']));
    expect(responseSchema('/api/v1/inputs/{id}/facts', 'get', 404)).toBeDefined();
  });

  it('data sets: upload, list and get are declared and fit', async () => {
    const created = await uploadDataset(server, shapesZip(4, 3), { name: 'four shapes' });
    expect(created.status).toBe(201);
    const dataset = await expectDocumented(created, '/api/v1/datasets', 'post');
    const list = await expectDocumented(await server.api('/datasets'), '/api/v1/datasets', 'get');
    expect(list.datasets.map((d: any) => d.source)).toEqual(expect.arrayContaining(['generated', 'upload']));
    const got = await expectDocumented(await server.api(`/datasets/${dataset.id}`), '/api/v1/datasets/{id}', 'get');
    expect(got).toMatchObject({ id: dataset.id, count: 4, labelSource: 'labels.csv', uniformShape: true, hasMasks: true });
    expect(declared(responseSchema('/api/v1/datasets/{id}', 'get', 200))).toEqual(expect.arrayContaining(['id', 'count', 'labels', 'labelSource', 'uniformShape', 'model', 'ignored', 'shape']));
    await expectDocumented(await server.api('/datasets/dst-nosuch'), '/api/v1/datasets/{id}', 'get');
    expect(spec.paths['/api/v1/datasets/{id}'].delete.responses['204']).toBeDefined();
  });
});

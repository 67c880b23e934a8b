/**
 * ONNX models through the API: upload (.onnx alone, a zip with external data), every kind of bad
 * file as a 4xx naming it, the model page (format, producer, opset, inputs with layouts,
 * metadata_props, layer table with rules), and an NCHW image model explained end to end against
 * the core run in this process on the same file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng, explain, loadModel, mulberry32 } from '@xai/core';
import { buildModel, node, rawBytes, tensor, valueInfo } from '../../../packages/core/test/onnx/build-onnx.js';
import { json, postJson, startServer, upload, waitForJob, type TestServer, type UploadFile } from './helpers.js';

/** The shared ONNX fixtures beside the repository (PyTorch 1.13 exports), as `npm run conformance` reads them. */
const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/onnx', import.meta.url));
const SIZE = 8;

/** Seeded values in [-0.5, 0.5). */
function seeded(n: number, seed: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => random() - 0.5);
}

const convW = seeded(4 * 3 * 3 * 3, 1);
const convB = seeded(4, 2);
const gemmW = seeded(2 * 4, 3);
const gemmB = seeded(2, 4);
/** Weights + biases: 108 + 4 + 8 + 2 (the int64 shape of the Reshape is no parameter). */
const PARAMETERS = 122;

/**
 * A PyTorch-shaped NCHW classifier: Conv 3→4 (3×3, pad 1) → Relu → GlobalAveragePool → Reshape
 * [-1, 4] → Gemm 4→2, with a symbolic batch axis. `external`: the Conv and Gemm weights live in
 * that file (conv at offset 0, gemm after it) and `externalBytes` holds them.
 */
function imageClassifier(options: { external?: string; opType?: string; metadata?: Record<string, string>; size?: number } = {}): Uint8Array {
  const size = options.size ?? SIZE;
  const ext = (offset: number, n: number) => (options.external ? { external: { location: options.external, offset, length: n * 4 } } : {});
  return buildModel({
    opset: 13,
    inputs: [valueInfo('pixels', 'float32', ['batch', 3, size, size])],
    outputs: [valueInfo('logits', 'float32', ['batch', 2])],
    initializers: [
      tensor('conv.weight', 'float32', [4, 3, 3, 3], convW, ext(0, convW.length)),
      tensor('conv.bias', 'float32', [4], convB),
      tensor('shape', 'int64', [2], [-1, 4]),
      tensor('fc.weight', 'float32', [2, 4], gemmW, ext(convW.length * 4, gemmW.length)),
      tensor('fc.bias', 'float32', [2], gemmB),
    ],
    nodes: [
      node('Conv', ['pixels', 'conv.weight', 'conv.bias'], ['c'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, '/features/conv/Conv'),
      node(options.opType ?? 'Relu', ['c'], ['r'], {}, '/features/act/Relu'),
      node('GlobalAveragePool', ['r'], ['g'], {}, '/pool/GlobalAveragePool'),
      node('Reshape', ['g', 'shape'], ['f'], {}, '/Reshape'),
      node('Gemm', ['f', 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }, '/fc/Gemm'),
    ],
    metadata: options.metadata,
  });
}

const externalBytes = () => new Uint8Array([...rawBytes('float32', convW), ...rawBytes('float32', gemmW)]);

/** An 8×8 RGB PNG of seeded pixels, and the same pixels as the NCHW float input the model sees. */
function seededImage(): { png: Uint8Array; nchw: Float32Array } {
  const random = mulberry32(7);
  const rgba = new Uint8Array(SIZE * SIZE * 4);
  const nchw = new Float32Array(3 * SIZE * SIZE);
  for (let p = 0; p < SIZE * SIZE; p++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.floor(random() * 256);
      rgba[p * 4 + c] = v;
      nchw[c * SIZE * SIZE + p] = v / 255;
    }
    rgba[p * 4 + 3] = 255;
  }
  return { png: encodePng({ rgba, width: SIZE, height: SIZE }), nchw };
}

function tree(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? tree(join(dir, name)).map((p) => `${name}/${p}`) : [name]));
}

const onnxFile = (name: string, bytes: Uint8Array): UploadFile => ({ name, bytes, type: 'application/octet-stream' });

describe('ONNX models through the API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ loadDemos: false, inspectThreads: 1, concurrency: 1 });
  });
  afterAll(() => server?.close());

  it('takes a PyTorch export as one .onnx file: format, producer, opset, NCHW input, parameters, layer table with rules', async () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'onnx_cnn_bn/model.onnx')));
    const res = await upload(server, '/models', [onnxFile('cnn_bn.onnx', bytes)], { modality: 'image', classNames: '["a","b","c","d"]', description: 'conv + batch norm' });
    const model = await res.json();
    expect(res.status, JSON.stringify(model)).toBe(201);
    expect(model).toMatchObject({
      name: 'cnn_bn',
      format: 'onnx',
      producer: 'pytorch 1.13.0',
      opset: 13,
      metadata: {},
      modality: 'image',
      classNames: ['a', 'b', 'c', 'd'],
      description: 'conv + batch norm',
      inputShapes: [[null, 3, 12, 12]],
      outputShapes: [[null, 4]],
      signature: [{ name: 'input', shape: [null, 3, 12, 12], dtype: 'float32', layout: 'NCHW' }],
      composite: 'epsilon_plus', // LRP's default composite, as Explain uses
    });
    expect(model.inputs[0]).toMatchObject({ shape: [3, 12, 12], dtype: 'float32' });
    expect(model.parameters).toBeGreaterThan(0);
    // the graph's ONNX nodes by name and op type, each with the rule the composite gives it
    const conv = model.layers.find((l: any) => l.node === '/0/0.0/Conv');
    expect(conv).toMatchObject({ class: 'Conv', kind: 'linear' });
    expect(conv.rule).toMatch(/^zplus/); // a convolution under epsilon_plus
    const relu = model.layers.find((l: any) => l.class === 'Relu');
    expect(relu.rule).toBe('pass');
    const later = await json(server.api(`/models/${model.id}?composite=epsilon_gamma_box`));
    expect(later.layers.find((l: any) => l.node === '/0/0.0/Conv').rule).toMatch(/^z_box/); // the first linear node under epsilon_gamma_box
    expect(tree(join(server.dataDir, 'models', model.id))).toEqual(['model.onnx']);
    expect((await json(server.api('/models'))).models.find((m: any) => m.id === model.id)).toMatchObject({ format: 'onnx', signature: model.signature });
  });

  it('spells out the layout per input rank: NCT, NCHW (EEGNet), NF', async () => {
    const cases: [string, string, (number | null)[]][] = [
      ['onnx_conv1d', 'NCT', [null, 4, 32]],
      ['onnx_eegnet', 'NCHW', [null, 1, 8, 64]],
      ['onnx_mlp', 'NF', [null, 12]],
    ];
    for (const [fixture, layout, shape] of cases) {
      const res = await upload(server, '/models', [onnxFile(`${fixture}.onnx`, new Uint8Array(readFileSync(join(FIXTURES, fixture, 'model.onnx'))))]);
      const model = await res.json();
      expect(res.status, JSON.stringify(model)).toBe(201);
      expect(model.signature, fixture).toEqual([{ name: 'input', shape, dtype: 'float32', layout }]);
    }
  });

  it('takes a zip of model.onnx and its external data; counts parameters from the initializers; keeps metadata_props', async () => {
    const zip = zipSync({
      'net/model.onnx': imageClassifier({ external: 'weights.data', metadata: { author: 'test', 'xai.classes': 'cat,dog' } }),
      'net/weights.data': externalBytes(),
      'net/README.md': new TextEncoder().encode('not part of the model'),
    });
    const res = await upload(server, '/models', [{ name: 'classifier.zip', bytes: zip, type: 'application/zip' }]);
    const model = await res.json();
    expect(res.status, JSON.stringify(model)).toBe(201);
    expect(model).toMatchObject({
      name: 'classifier',
      format: 'onnx',
      producer: 'xai-test 1',
      parameters: PARAMETERS,
      metadata: { author: 'test', 'xai.classes': 'cat,dog' },
      classNames: ['cat', 'dog'], // none given with the upload: the file's own
      signature: [{ name: 'pixels', shape: [null, 3, SIZE, SIZE], dtype: 'float32', layout: 'NCHW' }],
      ignoredFiles: ['net/README.md'],
    });
    expect(model.layers.map((l: any) => [l.node, l.class])).toEqual(expect.arrayContaining([['/features/conv/Conv', 'Conv'], ['/fc/Gemm', 'Gemm']]));
    expect(tree(join(server.dataDir, 'models', model.id)).sort()).toEqual(['model.onnx', 'weights.data']);
    // the same model as separate files of one upload
    const loose = await upload(server, '/models', [onnxFile('model.onnx', imageClassifier({ external: 'weights.data' })), onnxFile('weights.data', externalBytes())], { name: 'loose' });
    expect(loose.status).toBe(201);
    expect((await loose.json()).parameters).toBe(PARAMETERS);
    // a location in a sub-folder is stored under it; one that climbs out of the folder is refused by the core
    const nested = await upload(server, '/models', [{ name: 'nested.zip', bytes: zipSync({ 'model.onnx': imageClassifier({ external: 'data/w.bin' }), 'data/w.bin': externalBytes() }) }]);
    const nestedModel = await nested.json();
    expect(nested.status, JSON.stringify(nestedModel)).toBe(201);
    expect(tree(join(server.dataDir, 'models', nestedModel.id)).sort()).toEqual(['data/w.bin', 'model.onnx']);
    const climbing = await upload(server, '/models', [onnxFile('model.onnx', imageClassifier({ external: '../w.bin' })), onnxFile('w.bin', externalBytes())]);
    expect(climbing.status).toBe(422);
    expect((await climbing.json()).message).toMatch(/model\.onnx.*'\.\.\/w\.bin' leaves the model's folder/);
  });

  it('refuses broken ONNX uploads with a 4xx naming the file and the problem; nothing is stored', async () => {
    const good = imageClassifier();
    const cases: [string, UploadFile[], RegExp][] = [
      ['truncated', [onnxFile('cut.onnx', good.slice(0, Math.floor(good.length / 2)))], /cut\.onnx.*malformed or truncated/],
      ['not protobuf', [onnxFile('junk.onnx', new TextEncoder().encode('definitely not an ONNX model, just text'))], /junk\.onnx/],
      [
        'external data missing',
        [{ name: 'model.zip', bytes: zipSync({ 'model.onnx': imageClassifier({ external: 'weights.data' }) }), type: 'application/zip' }],
        /model\.onnx.*weights\.data.*cannot be read.*no such file/,
      ],
      ['external data too short', [onnxFile('model.onnx', imageClassifier({ external: 'weights.data' })), onnxFile('weights.data', externalBytes().slice(0, 100))], /weights\.data.*outside the file/],
      ['unsupported operator', [onnxFile('hard.onnx', imageClassifier({ opType: 'Hardmax' }))], /hard\.onnx.*'\/features\/act\/Relu' of type Hardmax is not supported; supported operator types: .*Conv/],
      ['two models', [onnxFile('a.onnx', good), onnxFile('b.onnx', good)], /several \.onnx files/],
      ['onnx and tfjs', [onnxFile('a.onnx', good), { name: 'model.json', bytes: new TextEncoder().encode('{}') }], /several model files/],
    ];
    for (const [what, files, message] of cases) {
      const res = await upload(server, '/models', files);
      const body = await res.json();
      expect({ what, status: res.status }, JSON.stringify(body)).toEqual({ what, status: 422 });
      expect(body.message, what).toMatch(message);
    }
    const stored = (await json(server.api('/models'))).models.map((m: any) => m.id).sort();
    expect(readdirSync(join(server.dataDir, 'models')).sort()).toEqual(stored);
    expect(readdirSync(join(server.dataDir, 'uploads'))).toEqual([]);
  });

  it('explains an uploaded NCHW image model end to end: relevance in the model layout, equal to the core on the same file', async () => {
    const bytes = imageClassifier();
    const created = await json(upload(server, '/models', [onnxFile('classifier.onnx', bytes)], { modality: 'image', classNames: '["left","right"]' }));
    const { png, nchw } = seededImage();
    const inputRes = await upload(server, '/inputs', [{ name: 'pixels.png', bytes: png, type: 'image/png' }], { model: created.id });
    const input = await inputRes.json();
    expect(inputRes.status, JSON.stringify(input)).toBe(201);
    expect(input.samples).toEqual([{ shape: [3, SIZE, SIZE], dtype: 'float32' }]);
    const res = await postJson(server, '/explanations', { model: created.id, input: input.id, method: 'lrp', options: { composite: 'epsilon_plus' }, target: 1 });
    expect(res.status).toBe(202);
    const job = await waitForJob(server, (await res.json()).id);
    expect({ state: job.state, error: job.error }).toEqual({ state: 'succeeded', error: null });
    const result = await json(server.api(`/jobs/${job.id}/result`));
    expect(result).toMatchObject({ modality: 'image', target: 1, targetName: 'right', relevance: [{ shape: [3, SIZE, SIZE], layout: 'channels-first' }] });
    expect(await json(fetch(server.url + result.relevance[0].json))).toMatchObject({ shape: [3, SIZE, SIZE], layout: 'channels-first', targetName: 'right' });
    expect(result.artefacts.map((a: any) => a.name)).toEqual(expect.arrayContaining(['heatmap.png', 'overlay.png']));
    const served = new Float32Array(await (await fetch(server.url + result.relevance[0].binary)).arrayBuffer());

    // the same explanation in this process, from the same bytes and pixels
    const model = await loadModel(bytes, { workers: false });
    const x = tf.tensor(nchw, [1, 3, SIZE, SIZE]);
    try {
      const local = await explain(model, x, { method: 'lrp', composite: 'epsilon_plus', target: 1 });
      try {
        const expected = local.relevances[0]!.dataSync();
        expect(served.length).toBe(expected.length);
        const scale = Math.max(...Array.from(expected, Math.abs));
        expect(scale).toBeGreaterThan(0);
        for (let i = 0; i < expected.length; i++) expect(Math.abs(served[i]! - expected[i]!)).toBeLessThan(1e-4 * scale);
        expect(result.logits.map((v: number) => v.toFixed(4))).toEqual(Array.from(local.logits.dataSync(), (v) => v.toFixed(4)));
      } finally {
        local.dispose();
      }
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('benchmarks an NCHW model on the channels-last shapes data set (the runner moves samples to the model layout)', async () => {
    const created = await json(upload(server, '/models', [onnxFile('wide.onnx', imageClassifier({ size: 32 }))], { modality: 'image' }));
    const res = await postJson(server, '/benchmarks', { model: created.id, dataset: { name: 'shapes', count: 4, seed: 3 }, target: 'predicted', methods: ['gradient'], metrics: ['relevance_mass_accuracy', 'sparseness'] });
    expect(res.status).toBe(202);
    const job = await waitForJob(server, (await res.json()).id);
    expect({ state: job.state, error: job.error }).toEqual({ state: 'succeeded', error: null });
    const { benchmark } = await json(server.api(`/jobs/${job.id}/result`));
    expect(benchmark.samples).toMatchObject({ count: 4, shape: [32, 32, 3], hasMasks: true });
    expect(benchmark.table.map((row: any) => [row.method, row.metric, row.n, row.error ?? null])).toEqual([
      ['gradient', 'relevance_mass_accuracy', 4, null],
      ['gradient', 'sparseness', 4, null],
    ]);
    const mass = benchmark.table.find((row: any) => row.metric === 'relevance_mass_accuracy').mean;
    expect(mass).toBeGreaterThanOrEqual(0); // a share of the relevance on the object's 32 × 32 mask
    expect(mass).toBeLessThanOrEqual(1);

    // stored inputs are decoded in the model's layout ([3, 8, 8]) and moved by the runner
    const small = await json(upload(server, '/models', [onnxFile('small.onnx', imageClassifier())], { modality: 'image' }));
    const input = await json(upload(server, '/inputs', [{ name: 'pixels.png', bytes: seededImage().png, type: 'image/png' }], { model: small.id }));
    const stored = await postJson(server, '/benchmarks', { model: small.id, inputs: [input.id, input.id], target: 'predicted', methods: ['gradient', 'occlusion'], metrics: ['sparseness'] });
    expect(stored.status).toBe(202);
    const storedJob = await waitForJob(server, (await stored.json()).id);
    expect({ state: storedJob.state, error: storedJob.error }).toEqual({ state: 'succeeded', error: null });
    const storedResult = (await json(server.api(`/jobs/${storedJob.id}/result`))).benchmark;
    expect(storedResult.samples).toMatchObject({ count: 2, shape: [SIZE, SIZE, 3] });
    expect(storedResult.table.map((row: any) => [row.method, row.n, row.error ?? null])).toEqual([
      ['gradient', 2, null],
      ['occlusion', 2, null],
    ]);
  });
});

describe('ONNX uploads under XAI_MAX_MODEL_BYTES', () => {
  let server: TestServer;
  const previous = process.env.XAI_MAX_MODEL_BYTES;
  beforeAll(async () => {
    process.env.XAI_MAX_MODEL_BYTES = '2000'; // the workers are forked with this environment
    server = await startServer({ loadDemos: false, inspectThreads: 1, concurrency: 1 });
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.XAI_MAX_MODEL_BYTES;
    else process.env.XAI_MAX_MODEL_BYTES = previous;
    await server?.close();
  });

  it('refuses a declared shape larger than the cap allows and files larger than the cap', async () => {
    const huge = buildModel({
      inputs: [valueInfo('x', 'float32', [1, 1000])],
      outputs: [valueInfo('y', 'float32', [1, 1000])],
      nodes: [node('Relu', ['x'], ['y'], {}, 'act')],
    });
    const res = await upload(server, '/models', [onnxFile('wide.onnx', huge)]);
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(422);
    expect(body.message).toMatch(/wide\.onnx.*declared shape \[1, 1000\] exceeds the limit of 500 elements/);
    const heavy = await upload(server, '/models', [onnxFile('model.onnx', imageClassifier({ external: 'weights.data' })), onnxFile('weights.data', new Uint8Array(4000))]);
    const heavyBody = await heavy.json();
    expect(heavy.status).toBe(422);
    expect(heavyBody.message).toMatch(/model\.onnx: the model and its external data hold \d+ bytes, more than the limit of 2000 \(XAI_MAX_MODEL_BYTES\)/);
    const small = await upload(server, '/models', [onnxFile('small.onnx', imageClassifier())]);
    expect(small.status).toBe(201);
  });
});

/**
 * Loading models from disk and from bytes, and the typed errors for broken or unsupported files.
 * Models are written with a custom tf.io IOHandler (model.json + weight shards via node:fs).
 */
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gradient,
  initBackend,
  InvalidModelError,
  loadModel,
  lrp,
  UnsupportedLayerError,
  XaiModel,
  type ModelBytes,
} from '../src/index.js';
import { expectClose, rng } from './helpers.js';

let root: string;
let counter = 0;

/** Writes `model` as <dir>/model.json plus shards (the weight bytes split into `shards` files). */
async function saveModel(model: tf.LayersModel, shards = 1): Promise<{ dir: string; json: Record<string, any>; files: Record<string, Uint8Array> }> {
  const dir = join(root, `m${counter++}`);
  await mkdir(dir);
  let json: Record<string, any> = {};
  const files: Record<string, Uint8Array> = {};
  await model.save({
    save: async (a: tf.io.ModelArtifacts) => {
      const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!));
      const cut = Array.from({ length: shards + 1 }, (_, i) => Math.round((i * bytes.length) / shards / 4) * 4);
      const paths = Array.from({ length: shards }, (_, i) => (shards === 1 ? 'weights.bin' : `group1-shard${i + 1}of${shards}.bin`));
      paths.forEach((p, i) => (files[p] = bytes.slice(cut[i], cut[i + 1])));
      json = {
        format: a.format,
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths, weights: a.weightSpecs }],
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      for (const p of paths) await writeFile(join(dir, p), files[p]!);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  return { dir, json, files };
}

const seeded = (s: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: s }), biasInitializer: tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: s + 50 }) });

function smallCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, activation: 'relu', name: 'conv', ...seeded(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, name: 'logits', ...seeded(2) }),
    ],
  });
}

/** Expects a rejection of the given class and returns the error. */
async function rejection<T extends Error>(p: Promise<unknown>, cls: new (...args: any[]) => T): Promise<T> {
  let err: unknown = null;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a rejection').toBeInstanceOf(cls);
  return err as T;
}

let original: tf.LayersModel;
let reference: XaiModel;
let saved: Awaited<ReturnType<typeof saveModel>>;
let x: tf.Tensor;

beforeAll(async () => {
  await initBackend();
  root = await mkdtemp(join(tmpdir(), 'xai-core-loading-'));
  original = smallCnn();
  saved = await saveModel(original);
  reference = XaiModel.fromLayersModel(original);
  x = tf.tensor(rng(3).array(2 * 72, 0, 1), [2, 6, 6, 2]);
});

afterAll(async () => {
  reference.dispose();
  x.dispose();
  await rm(root, { recursive: true, force: true });
});

/** The loaded model reproduces the original's predictions and explanations. */
function expectSameAsOriginal(m: XaiModel): void {
  const a = lrp(m, x, { composite: 'epsilon_plus', target: [1, 3] });
  const b = lrp(reference, x, { composite: 'epsilon_plus', target: [1, 3] });
  expectClose(a.logits.dataSync(), (original.predict(x) as tf.Tensor).dataSync(), 1e-6, 1e-7, 'logits');
  expectClose(a.relevance.dataSync(), b.relevance.dataSync(), 1e-6, 1e-7, 'relevance');
  a.dispose();
  b.dispose();
}

describe('loadModel', () => {
  it('loads a folder holding model.json', async () => {
    const m = await loadModel(saved.dir);
    expect(m.label).toBe(join(saved.dir, 'model.json'));
    expect(m.linearNodes().map((n) => n.layerName)).toEqual(['conv', 'logits']);
    expectSameAsOriginal(m);
    m.dispose();
  });

  it('loads a path to model.json', async () => {
    const m = await loadModel(join(saved.dir, 'model.json'));
    expectSameAsOriginal(m);
    m.dispose();
  });

  it('loads in-memory bytes (model.json as text, bytes or object)', async () => {
    const text = await readFile(join(saved.dir, 'model.json'), 'utf8');
    const shards = { 'weights.bin': new Uint8Array(await readFile(join(saved.dir, 'weights.bin'))) };
    for (const modelJson of [text, new TextEncoder().encode(text), JSON.parse(text) as Record<string, unknown>]) {
      const m = await loadModel({ modelJson, shards, label: 'upload.json' });
      expect(m.label).toBe('upload.json');
      expectSameAsOriginal(m);
      m.dispose();
    }
  });

  it('loads a model whose weights are split over several shards (disk and bytes)', async () => {
    const multi = await saveModel(original, 3);
    expect(Object.keys(multi.files)).toHaveLength(3);
    const fromDisk = await loadModel(multi.dir);
    expectSameAsOriginal(fromDisk);
    fromDisk.dispose();
    const fromBytes = await loadModel({ modelJson: multi.json, shards: multi.files });
    expectSameAsOriginal(fromBytes);
    fromBytes.dispose();
  });
});

describe('loading errors', () => {
  it('a missing shard is an InvalidModelError naming the shard file (disk and bytes)', async () => {
    const s = await saveModel(original);
    await rm(join(s.dir, 'weights.bin'));
    const err = await rejection(loadModel(s.dir), InvalidModelError);
    expect(err.file).toContain('weights.bin');
    expect(err.message).toContain('weights.bin');
    expect(err.message).toMatch(/missing/);
    const err2 = await rejection(loadModel({ modelJson: s.json, shards: {} }), InvalidModelError);
    expect(err2.message).toContain('weights.bin');
  });

  it('a truncated shard names the file and the expected and found byte counts', async () => {
    const s = await saveModel(original);
    const full = s.files['weights.bin']!;
    const cut = full.slice(0, full.length - 12);
    await writeFile(join(s.dir, 'weights.bin'), cut);
    const expected = full.length;
    for (const load of [() => loadModel(s.dir), () => loadModel({ modelJson: s.json, shards: { 'weights.bin': cut } })]) {
      const err = await rejection(load(), InvalidModelError);
      expect(err.message).toContain('weights.bin');
      expect(err.message).toContain(String(expected));
      expect(err.message).toContain(String(cut.length));
    }
  });

  it('malformed JSON names model.json', async () => {
    const s = await saveModel(original);
    const broken = '{ "modelTopology": { "class_name": "Sequential", ';
    await writeFile(join(s.dir, 'model.json'), broken);
    const err = await rejection(loadModel(s.dir), InvalidModelError);
    expect(err.file).toBe(join(s.dir, 'model.json'));
    expect(err.message).toMatch(/model\.json.*malformed JSON/);
    const err2 = await rejection(loadModel({ modelJson: broken, shards: s.files }), InvalidModelError);
    expect(err2.message).toMatch(/^model\.json: malformed JSON/);
  });

  it('a folder without model.json and a JSON without modelTopology are InvalidModelErrors naming model.json', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    const err = await rejection(loadModel(empty), InvalidModelError);
    expect(err.message).toContain('model.json');
    const err2 = await rejection(loadModel({ modelJson: { format: 'graph-model' }, shards: {} }), InvalidModelError);
    expect(err2.message).toMatch(/model\.json.*modelTopology/);
  });

  it('weights that do not fit the topology are an InvalidModelError', async () => {
    // (a) The manifest declares the Dense kernel [12, 4] as [4, 12] (same byte count).
    const s = await saveModel(original);
    const json = structuredClone(s.json);
    const spec = json.weightsManifest[0].weights.find((w: any) => w.name.startsWith('logits') && w.shape.length === 2);
    expect(spec.shape).toEqual([12, 4]);
    spec.shape = [4, 12];
    const err = await rejection(loadModel({ modelJson: json, shards: s.files }), InvalidModelError);
    expect(err.message).toMatch(/shape|match/i);
    // (b) The topology says 5 units where the weights have 4 (manifest unchanged).
    const json2 = structuredClone(s.json);
    const layers = json2.modelTopology.model_config?.config?.layers ?? json2.modelTopology.config.layers;
    layers.find((l: any) => l.config.name === 'logits').config.units = 5;
    await rejection(loadModel({ modelJson: json2, shards: s.files }), InvalidModelError);
  });

  const unsupportedModels: [string, string, () => tf.LayersModel][] = [
    ['Embedding', 'emb', () => tf.sequential({ layers: [tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5, name: 'emb' }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] })],
    ['LSTM', 'rnn', () => tf.sequential({ layers: [tf.layers.lstm({ inputShape: [5, 3], units: 4, name: 'rnn' }), tf.layers.dense({ units: 2 })] })],
    [
      'LSTM',
      'inner_rnn',
      // Inside a Sequential nested in a functional model.
      () => {
        const inner = tf.sequential({ name: 'inner', layers: [tf.layers.lstm({ inputShape: [5, 3], units: 4, name: 'inner_rnn' })] });
        const inp = tf.input({ shape: [5, 3] });
        return tf.model({ inputs: inp, outputs: tf.layers.dense({ units: 2 }).apply(inner.apply(inp)) as tf.SymbolicTensor });
      },
    ],
  ];
  for (const [cls, name, build] of unsupportedModels) {
    it(`an unsupported ${cls} layer ('${name}') is an UnsupportedLayerError with name, class and the supported list`, async () => {
      const m = build();
      const check = (err: UnsupportedLayerError) => {
        expect(err.layerName).toContain(name);
        expect(err.layerClass).toBe(cls);
        expect(err.supported).toEqual(expect.arrayContaining(['Dense', 'Conv2D', 'BatchNormalization']));
        expect(err.message).toContain(name);
        expect(err.message).toContain(cls);
        expect(err.message).toMatch(/supported classes: .*Conv2D.*Dense/);
      };
      const s = await saveModel(m);
      check(await rejection(loadModel(s.dir), UnsupportedLayerError));
      check(await rejection(loadModel({ modelJson: s.json, shards: s.files }), UnsupportedLayerError));
      let err: unknown;
      try {
        XaiModel.fromLayersModel(m);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UnsupportedLayerError);
      check(err as UnsupportedLayerError);
      m.dispose();
    });
  }

  it('a model loaded and disposed leaves no tensors behind', async () => {
    const s = await saveModel(original);
    await loadModel(s.dir).then((m) => m.dispose()); // warm-up
    const before = tf.memory().numTensors;
    const m = await loadModel(s.dir);
    gradient(m, x, { target: 0 }).dispose();
    lrp(m, x, { composite: 'epsilon_gamma_box', target: 1 }).dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejected files (missing shard, truncated shard, unsupported layer) leave no tensors behind', async () => {
    const s = await saveModel(original);
    const before = tf.memory().numTensors;
    await rejection(loadModel({ modelJson: s.json, shards: {} }), InvalidModelError);
    await rejection(loadModel({ modelJson: s.json, shards: { 'weights.bin': s.files['weights.bin']!.slice(0, 8) } }), InvalidModelError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a rejected weights/topology mismatch leaves no tensors behind', async () => {
    const s = await saveModel(original);
    const json = structuredClone(s.json);
    json.weightsManifest[0].weights.find((w: any) => w.shape.length === 2 && w.name.startsWith('logits')).shape = [4, 12];
    const before = tf.memory().numTensors;
    await rejection(loadModel({ modelJson: json, shards: s.files } as ModelBytes), InvalidModelError);
    const leaked = tf.memory().numTensors - before;
    expect(leaked, `${leaked} tensors leaked by one rejected load`).toBe(0);
  });
});

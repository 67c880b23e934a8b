/**
 * The model loader on broken model.json/weights (issue 15's fuzz findings): each is refused with an
 * InvalidModelError naming the file and the field, before tfjs can hang or allocate, and a failed
 * build leaves no tensor behind. Every case edits the committed demo model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidModelError, loadModel, type ModelBytes } from '../src/index.js';

const DEMO = join(import.meta.dirname, '../demo/model');
const demoJson = (): Record<string, any> => JSON.parse(readFileSync(join(DEMO, 'model.json'), 'utf8'));
const weights = new Uint8Array(readFileSync(join(DEMO, 'weights.bin')));

const layersOf = (json: Record<string, any>): any[] => (json.modelTopology.model_config ?? json.modelTopology).config.layers;

function bytesOf(json: Record<string, any>, shards: Record<string, Uint8Array> = { 'weights.bin': weights }): ModelBytes {
  return { modelJson: JSON.stringify(json), shards, label: 'edited/model.json' };
}

/** Loads, expecting an InvalidModelError whose message matches; checks no tensor was left behind. */
async function refused(bytes: ModelBytes, message: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  const err = await loadModel(bytes, { workers: false }).then(
    (m) => (m.dispose(), null),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidModelError);
  expect((err as InvalidModelError).file).toBe('edited/model.json');
  expect((err as Error).message).toMatch(message);
  expect(tf.memory().numTensors).toBe(before);
}

/** A small functional model (Input → Dense → Dense) as tfjs saves it, with its weights. */
async function functionalModel(): Promise<{ json: Record<string, any>; shards: Record<string, Uint8Array> }> {
  const input = tf.input({ shape: [4], name: 'in' });
  const hidden = tf.layers.dense({ units: 3, name: 'hidden' }).apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, name: 'out' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  let saved!: tf.io.ModelArtifacts;
  await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  model.dispose();
  const json = { modelTopology: saved.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: saved.weightSpecs }] };
  return { json, shards: { 'w.bin': new Uint8Array(saved.weightData as ArrayBuffer) } };
}

beforeAll(async () => {
  await initBackend();
});

describe('weights manifest, field by field', () => {
  it('the demo model as committed loads (the baseline of every edit below)', async () => {
    const model = await loadModel(bytesOf(demoJson()), { workers: false });
    expect(model.inputShapes[0]).toEqual([null, 32, 32, 3]);
    model.dispose();
  });

  it('a weight spec without a shape', async () => {
    const json = demoJson();
    delete json.weightsManifest[0].weights[1].shape;
    await refused(bytesOf(json), /weightsManifest\[0\]\.weights\[1\]\.shape: must be a list of non-negative integers/);
  });

  it("'paths' that is not a list, and a path that is not a string", async () => {
    const json = demoJson();
    json.weightsManifest[0].paths = 'weights.bin';
    await refused(bytesOf(json), /weightsManifest\[0\]\.paths: must be a non-empty list/);
    const json2 = demoJson();
    json2.weightsManifest[0].paths = [7];
    await refused(bytesOf(json2), /weightsManifest\[0\]\.paths\[0\]: must be a file name, got 7/);
  });

  it('an unknown dtype and a manifest that is not a list', async () => {
    const json = demoJson();
    json.weightsManifest[0].weights[0].dtype = 'float64';
    await refused(bytesOf(json), /weights\[0\]\.dtype: must be one of float32, int32, bool, got "float64"/);
    await refused(bytesOf({ ...demoJson(), weightsManifest: { paths: [] } }), /'weightsManifest' must be a list/);
  });

  it('more weight bytes than the shards hold, and more than the cap', async () => {
    const json = demoJson();
    json.weightsManifest[0].weights[0].shape = [3, 3, 3, 1000];
    await expect(loadModel(bytesOf(json), { workers: false })).rejects.toThrow(/weight shard truncated: weightsManifest\[0\] needs \d+ bytes, found 90448/);
    await expect(loadModel(bytesOf(demoJson()), { workers: false, maxWeightBytes: 1000 })).rejects.toThrow(/more than the limit of 1000 \(XAI_MAX_MODEL_BYTES\)/);
  });
});

describe('topology, before tfjs builds it', () => {
  it('a functional model whose layer reads a missing layer is refused at once (tfjs would loop forever)', async () => {
    const { json, shards } = await functionalModel();
    const layers = layersOf(json);
    layers.find((l: any) => l.name === 'out').inbound_nodes[0][0][0] = 'nowhere';
    await refused(bytesOf(json, shards), /layer 'out'.*reads layer 'nowhere', which the model does not have/);
  });

  it('a call of a layer that is never made (node index 1 of a layer called once) is refused', async () => {
    const { json, shards } = await functionalModel();
    const layers = layersOf(json);
    layers.find((l: any) => l.name === 'out').inbound_nodes[0][0][1] = 1;
    await refused(bytesOf(json, shards), /reads call 1 of layer 'hidden', which is never made/);
  });

  it('a non-numeric initializer option names the layer and the option', async () => {
    const json = demoJson();
    const conv = layersOf(json).find((l: any) => l.class_name === 'Conv2D');
    conv.config.kernel_initializer = { class_name: 'VarianceScaling', config: { scale: 'x', mode: 'fan_avg', distribution: 'normal', seed: null } };
    await refused(bytesOf(json), new RegExp(`layer '${conv.config.name}' \\(Conv2D\\)\\.kernel_initializer\\.config\\.scale: must be a finite number, got "x"`));
  });

  it('a kernel_size that would allocate ~1 GB is refused before allocation, naming the layer', async () => {
    const json = demoJson();
    const conv = layersOf(json).find((l: any) => l.class_name === 'Conv2D');
    conv.config.kernel_size = [4000, 4000];
    const bytesBefore = tf.memory().numBytes;
    await refused(bytesOf(json), new RegExp(`layer '${conv.config.name}' would allocate weight 'kernel' of shape \\[4000, 4000, `));
    expect(tf.memory().numBytes).toBe(bytesBefore);
  });

  it("tfjs's own errors arrive as InvalidModelError naming the file", async () => {
    const json = demoJson();
    const conv = layersOf(json).find((l: any) => l.class_name === 'Conv2D');
    conv.config.strides = [1];
    await refused(bytesOf(json), /cannot build the model: .*strides/);
  });
});

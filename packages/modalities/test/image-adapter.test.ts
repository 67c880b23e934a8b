/** The adapter registry and the image adapter, on the shipped demo model and its PNG inputs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INPUTS, DEMO_MODEL, initBackend, InvalidArgumentError, loadModel, SHAPE_CLASSES, type XaiModel } from '@xai/core';
import { adapterByName, adapterForFiles, explainInput, imageAdapter, modalityCatalog } from '../src/index.js';

const file = (name: string) => ({ name, bytes: new Uint8Array(readFileSync(join(DEMO_INPUTS, name))) });

describe('image adapter', () => {
  let model: XaiModel;
  beforeAll(async () => {
    await initBackend();
    model = await loadModel(DEMO_MODEL);
  });

  it('is found by name and by extension; unknown formats are named', () => {
    expect(adapterByName('image')).toBe(imageAdapter);
    expect(adapterForFiles([file('ring.png')])).toBe(imageAdapter);
    expect(() => adapterForFiles([{ name: 'notes.xyz', bytes: new Uint8Array() }])).toThrow(/notes\.xyz: no modality reads '\.xyz' files/);
    expect(() => adapterByName('smell')).toThrow(InvalidArgumentError);
    expect(JSON.parse(JSON.stringify(modalityCatalog())).map((m: { name: string }) => m.name)).toContain('image');
  });

  it('decodes a PNG to the model input with axes and metadata; preview is a PNG', async () => {
    const decoded = await imageAdapter.decode([file('cross.png')], {}, [{ shape: [32, 32, 3], dtype: 'float32' }]);
    expect(decoded.samples[0]!.shape).toEqual([32, 32, 3]);
    expect(decoded.axes.map((a) => a.name)).toEqual(['y', 'x', 'channel']);
    expect(decoded.metadata).toMatchObject({ file: 'cross.png', height: 32, width: 32, channels: 3 });
    const preview = decode((await imageAdapter.preview(decoded)).bytes);
    expect([preview.width, preview.height]).toEqual([256, 256]);
    await expect(imageAdapter.decode([file('cross.png')], {}, [{ shape: [28, 28, 1], dtype: 'float32' }])).rejects.toThrow(/cross\.png/);
  });

  it('explains a demo input end to end: heatmap, overlay, relevance JSON; the target is the drawn shape', async () => {
    // The first LRP call caches modified kernels on the model (released by model.dispose()).
    await explainInput(model, imageAdapter, [file('ring.png')], { method: 'lrp', composite: 'epsilon_gamma_box' });
    for (const [name, label] of [['ring.png', 2], ['triangle.png', 3]] as const) {
      const before = tf.memory().numTensors;
      const out = await explainInput(model, imageAdapter, [file(name)], { method: 'lrp', composite: 'epsilon_gamma_box', classNames: SHAPE_CLASSES });
      expect(tf.memory().numTensors).toBe(before);
      expect(out.target).toBe(label);
      expect(out.artefacts.map((a) => a.name)).toEqual(['heatmap.png', 'overlay.png', 'relevance.json']);
      const heat = decode(out.artefacts[0]!.bytes);
      expect([heat.width, heat.height]).toEqual([256, 256]);
      expect(heat.palette).toBeDefined(); // palette PNG: the colormap can be swapped
      const json = JSON.parse(new TextDecoder().decode(out.artefacts[2]!.bytes));
      expect(json).toMatchObject({ format: 'xai-relevance', method: 'lrp', target: label, targetName: SHAPE_CLASSES[label], shape: [32, 32, 3] });
      expect(json.values).toHaveLength(3072);
    }
  });
});

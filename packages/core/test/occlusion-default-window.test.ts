/** Occlusion's default window and stride are sized to the input: at most 512 windows on any input; a given window behaves as before. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultOcclusionGrid, initBackend, MAX_DEFAULT_OCCLUSION_WINDOWS, MethodContext, methodCost, occlusion, XaiModel } from '../src/index.js';

describe('occlusion: the default window is sized to the input', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('makes at most 512 windows on signals, images, spectrograms and volumes (the cost the server checks agrees)', () => {
    const cases: [number[], number][] = [
      [[40, 48, 40, 1], 8 * 8 * 8], // an fMRI volume: 5×6×5 windows
      [[91, 109, 91, 1], 8 * 8 * 8], // MNI 2 mm: 12×14×12, the last window on each axis flush with its end
      [[32, 32, 3], 16 * 16], // the demo shapes: 2×2
      [[227, 227, 1], 21 * 21], // a spectrogram: 11×11
      [[224, 224, 3], 21 * 21], // ImageNet-sized: 11×11
      [[10_000, 16], 500], // a long multichannel signal: 20 samples per window
      [[256, 3], 256], // a short one: one sample per window
      [[6, 6, 2], 36],
    ];
    for (const [shape, expected] of cases) {
      const windows = methodCost('occlusion', {}, shape).passes - 1;
      expect(windows, `[${shape}]`).toBe(expected);
      expect(windows).toBeLessThanOrEqual(MAX_DEFAULT_OCCLUSION_WINDOWS);
    }
    expect(defaultOcclusionGrid([40, 48, 40])).toEqual({ window: [5, 6, 5], stride: [5, 6, 5] });
  });

  it('covers every element: 45×45 in 3×3 windows, and 47×47 with a last window flush with the end', async () => {
    const model = XaiModel.fromLayersModel(tf.sequential({ layers: [tf.layers.flatten({ inputShape: [45, 45, 1] }), tf.layers.dense({ units: 1, kernelInitializer: 'ones' })] }));
    const input = tf.ones([1, 45, 45, 1]);
    const o = await occlusion(model, input, { target: 0 }); // windows 3×3 at stride 3: 15 per axis, none left over
    expect(Array.from(o.relevance.dataSync()).every((v) => Math.abs(v - 9) < 1e-4)).toBe(true);
    o.dispose();
    const odd = XaiModel.fromLayersModel(tf.sequential({ layers: [tf.layers.flatten({ inputShape: [47, 47, 1] }), tf.layers.dense({ units: 1, kernelInitializer: 'ones' })] }));
    const x47 = tf.ones([1, 47, 47, 1]);
    const o47 = await occlusion(odd, x47, { target: 0 }); // 3×3 at stride 3 leaves 2 rows and columns: a last window flush with the end covers them
    expect(Array.from(o47.relevance.dataSync()).every((v) => Math.abs(v - 9) < 1e-4)).toBe(true);
    expect(methodCost('occlusion', {}, [47, 47, 1]).passes - 1).toBe(16 * 16);
    tf.dispose([input, x47]);
    o47.dispose();
    model.dispose();
    odd.dispose();
  });

  it('runs an fMRI-sized volume (1×40×48×40×1) in at most 512 occluded passes, each voxel in exactly one window', async () => {
    const model = XaiModel.fromLayersModel(
      tf.sequential({ layers: [tf.layers.flatten({ inputShape: [40, 48, 40, 1] }), tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) })] }),
    );
    const input = tf.randomUniform([1, 40, 48, 40, 1], 0, 1, 'float32', 9);
    let passes = 0;
    const context = new MethodContext({ onProgress: (p) => (passes = p.total) });
    const o = await occlusion(model, input, { batchSize: 1, target: 0 }, context); // one window per pass: total = windows
    expect(passes).toBe(512);
    // non-overlapping 5×6×5 windows of a linear model: the block's value is the sum of w·x over the block, spread evenly
    const r = o.relevance.dataSync();
    const w = (model.layersModel.layers[1]!.getWeights()[0]!.arraySync() as number[][]).map((row) => row[0]!);
    const x = input.dataSync();
    let block = 0;
    for (let i = 0; i < 5; i++) for (let j = 0; j < 6; j++) for (let k = 0; k < 5; k++) block += w[(i * 48 + j) * 40 + k]! * x[(i * 48 + j) * 40 + k]!;
    expect(r[0]).toBeCloseTo(block, 3); // the first window's drop, given to each of its voxels (fill 0)
    expect(r[(4 * 48 + 5) * 40 + 4]).toBeCloseTo(block, 3);
    expect(r[5]).not.toBeCloseTo(block, 3); // the next window along the last axis
    tf.dispose([input]);
    o.dispose();
    model.dispose();
  });

  it('a given window keeps stride 1 and the same result as before', async () => {
    const model = XaiModel.fromLayersModel(
      tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] }),
    );
    const input = tf.randomUniform([1, 8, 8, 1], 0, 1, 'float32', 3);
    let passes = 0;
    const given = await occlusion(model, input, { window: 2, batchSize: 1, target: 1 }, new MethodContext({ onProgress: (p) => (passes = p.total) }));
    expect(passes).toBe(7 * 7);
    const explicit = await occlusion(model, input, { window: 2, stride: 1, target: 1 });
    expect(Array.from(given.relevance.dataSync())).toEqual(Array.from(explicit.relevance.dataSync()));
    expect(methodCost('occlusion', { window: 4 }, [100, 2]).passes).toBe(97 + 1);
    tf.dispose([input]);
    given.dispose();
    explicit.dispose();
    model.dispose();
  });
});

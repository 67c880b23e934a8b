/**
 * Single-input methods on a multi-input model on the 'ort' executor: each input is explained with
 * the others held at the sample's values (a view whose held inputs are FixedInputNodes). The held
 * samples are graph inputs of the compiled graph, fed on every run: the same relevance as on tfjs,
 * no fallback, and the sessions kept with the model, so another held sample does not rebuild.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ortRunStats } from '../src/executors/ort/run-explanation.js';
import { explain, initBackend, ortSessionStats, XaiModel, type ExplainResult } from '../src/index.js';
import { expectCloseTensors, expectSameOnBothExecutors } from './executor-comparison.js';

/** image [5, 5, 1] → conv → flatten, vector [3] → dense; concatenated → dense(3). */
function twoInputModel(): XaiModel {
  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  const image = tf.input({ shape: [5, 5, 1], name: 'image' });
  const vector = tf.input({ shape: [3], name: 'vector' });
  const a = tf.layers.flatten().apply(tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', kernelInitializer: init(7) }).apply(image)) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 4, activation: 'relu', kernelInitializer: init(2) }).apply(vector) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, kernelInitializer: init(3) }).apply(tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor) as tf.SymbolicTensor;
  return XaiModel.fromLayersModel(tf.model({ inputs: [image, vector], outputs: out }));
}

const inputsOf = (seed: number, batch = 2) => [tf.randomUniform([batch, 5, 5, 1], 0, 1, 'float32', seed), tf.randomUniform([batch, 3], 0, 1, 'float32', seed + 1)];

let model: XaiModel;
let inputs: tf.Tensor[];

beforeAll(async () => {
  await initBackend();
  model = twoInputModel();
  inputs = inputsOf(11);
});

afterAll(() => {
  tf.dispose(inputs);
  model.dispose();
});

/**
 * The method on both executors; the ORT call must run on ORT without a notice, with tfjs's targets,
 * logits and relevance of every explained input (`explained`), zeros for the others. Returns the ORT result.
 */
async function onBoth(x: tf.Tensor[], options: { method: string } & Record<string, unknown>, rel: number, explained = [0, 1]): Promise<ExplainResult> {
  const notices: string[] = [];
  const a = await explain(model, x, { ...options, executor: 'tfjs' });
  const b = await explain(model, x, { ...options, executor: 'ort', onNotice: (line) => notices.push(line) });
  try {
    if (explained.length === 2) expectSameOnBothExecutors(a, b, notices, rel);
    else {
      expect(notices).toEqual([]);
      expect(b.execution).toMatchObject({ executor: 'ort' });
      expect(b.targets).toEqual(a.targets);
      expectCloseTensors(a.logits, b.logits, 'logits', rel);
      for (const [k, r] of a.relevances.entries()) {
        if (explained.includes(k)) expectCloseTensors(r, b.relevances[k]!, `relevance of input ${k}`, rel);
        else expect(Array.from(b.relevances[k]!.dataSync()).every((v) => v === 0), `input ${k} not explained: zeros`).toBe(true);
      }
    }
    expect(b.execution?.fallback).toBeUndefined();
    return b;
  } finally {
    a.dispose();
  }
}

describe("single-input methods on a two-input model on executor 'ort'", () => {
  // 1e-4 as in ort-methods.test.ts: multi-pass methods add the passes' float32 rounding.
  it('integrated gradients: each part (sample × input) one session run of its 8 points', async () => {
    const runs = ortRunStats(model.graph).runs;
    (await onBoth(inputs, { method: 'integrated_gradients', steps: 8, batchSize: 8 }, 1e-4)).dispose();
    expect(ortRunStats(model.graph).runs - runs).toBe(2 * 2);
  });

  it.each<[string, Record<string, unknown>, number[]?]>([
    ['integrated_gradients', { steps: 8, target: 2 }],
    ['integrated_gradients', { steps: 16, riemann: 'gauss_legendre', batchSize: 8 }],
    ['smoothgrad', { samples: 6, noiseLevel: 0.2, seed: 3, batchSize: 4 }],
    ['vargrad', { samples: 4, seed: 5, base: 'gradient_x_input' }],
    ['smoothgrad_squared', { samples: 3, seed: 7, base: 'integrated_gradients', baseOptions: { steps: 4 } }],
    ['integrated_gradients', { steps: 8, explainedInputs: ['vector'] }, [1]],
    ['occlusion', { window: 2, stride: 1, fill: 0, explainedInputs: ['image'] }, [0]],
  ])('%s %j: each explained input on ORT as on tfjs, no fallback', async (method, options, explained) => {
    (await onBoth(inputs, { method, ...options }, 1e-4, explained)).dispose();
    // The sessions belong to the model, not to the views made per explanation.
    expect(ortSessionStats(model.graph).sessions).toBeGreaterThan(0);
  });

  it('another held sample runs the sessions already built: no rebuild, built: false', async () => {
    const options = { method: 'integrated_gradients', steps: 8, batchSize: 8, executor: 'ort' as const, onNotice: (line: string) => expect.fail(`unexpected notice: ${line}`) };
    const first = inputsOf(21, 1);
    const second = inputsOf(31, 1);
    try {
      (await explain(model, first, options)).dispose();
      const stats = ortSessionStats(model.graph);
      const again = await explain(model, second, options);
      try {
        expect(ortSessionStats(model.graph)).toEqual(stats);
        expect(again.execution).toMatchObject({ executor: 'ort', built: false });
        // The held sample is fed, not baked in: the second call's result is its own (as tfjs gives it).
        const tfjs = await explain(model, second, { ...options, executor: 'tfjs' });
        tfjs.relevances.forEach((r, i) => expectCloseTensors(r, again.relevances[i]!, `relevance of input ${i}`, 1e-4));
        tfjs.dispose();
      } finally {
        again.dispose();
      }
    } finally {
      tf.dispose([...first, ...second]);
    }
  });

  it('leaves no tensors behind', async () => {
    const options = { method: 'smoothgrad', samples: 2, seed: 1, executor: 'ort' as const };
    (await explain(model, inputs, options)).dispose();
    const before = tf.memory().numTensors;
    (await explain(model, inputs, options)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

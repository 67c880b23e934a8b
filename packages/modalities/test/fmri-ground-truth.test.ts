/**
 * Ground truth on the shipped demo models: synthetic volumes (not seen in training) go through the
 * whole path — written as .nii.gz, decoded by the adapter, explained with LRP — and the relevance
 * must lie in the planted activation blob: relevance mass accuracy (Arras, Osman & Samek 2022,
 * CLEVR-XAI; @xai/eval, positive relevance 'sum,pos') ≥ 0.6 on the correctly classified
 * activation volumes, for the Conv3D model and for the slice-wise CNN + LSTM. No tensor leaks.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain, initBackend, loadModel, type XaiModel } from '@xai/core';
import { relevanceMassAccuracy } from '@xai/eval';
import { registerLstmPlugin } from '@xai/lstm';
import {
  explainInput, FMRI_DEMO_FILES, FMRI_DEMO_MODELS, FMRI_MODEL_AXES, fmriAdapter, modelInputSpecs, parseAxisOrder, reorderVolume,
  SYNTHETIC_AFFINE, SYNTHETIC_CLASSES, SYNTHETIC_SHAPE, syntheticDataset, writeNifti,
} from '../src/index.js';

/** The LRP setting checked here: core's default composite (README "fMRI" compares others). */
const GROUND_TRUTH_LRP = { method: 'lrp', composite: 'epsilon_plus' } as const;
const VOLUMES = syntheticDataset(16, 5); // seeds disjoint from training (1), testing (2) and the demo files
const [NI, NJ, NK] = SYNTHETIC_SHAPE;
const file = (path: string) => ({ name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(path)) });

type Kind = keyof typeof FMRI_DEMO_MODELS;

describe('fMRI ground truth: relevance in the planted activation', () => {
  const models = {} as Record<Kind, XaiModel>;
  beforeAll(async () => {
    await initBackend();
    registerLstmPlugin();
    models.conv3d = await loadModel(FMRI_DEMO_MODELS.conv3d);
    models.cnnLstm = await loadModel(FMRI_DEMO_MODELS.cnnLstm);
  });

  for (const kind of ['conv3d', 'cnnLstm'] as const) {
    it(`${kind}: accuracy on unseen volumes, mass accuracy ≥ 0.6 on the correctly classified activation volumes`, async () => {
      const model = models[kind];
      const axes = FMRI_MODEL_AXES[kind];
      const specs = modelInputSpecs(model);
      let correct = 0;
      const masses: number[] = [];
      const controls: number[] = [];
      for (const [n, v] of VOLUMES.entries()) {
        // through the file format and the adapter, as an upload would go
        const bytes = writeNifti({ data: v.values, shape: [NI, NJ, NK], affine: SYNTHETIC_AFFINE, datatype: 'int16', gzip: true });
        const decoded = await fmriAdapter.decode([{ name: `v${n}.nii.gz`, bytes }], { axes }, specs);
        const x = tf.tensor(decoded.samples[0]!.values, [...decoded.samples[0]!.shape]);
        const result = await explain(model, x, { ...GROUND_TRUTH_LRP, target: 1 });
        const logits = result.logits.dataSync();
        const predicted = logits[1]! > logits[0]! ? 1 : 0;
        if (predicted === v.label) correct++;
        if (v.label === 1 && predicted === 1) {
          const mask = reorderVolume(v.mask, [NI, NJ, NK], parseAxisOrder(axes));
          masses.push(relevanceMassAccuracy(result.relevance.dataSync(), mask, decoded.samples[0]!.shape));
          // control: the same relevance against the blob mirrored to the other hemisphere
          const mirrored = v.mask.map((_, p) => v.mask[((NI - 1 - Math.floor(p / (NJ * NK))) * NJ + (Math.floor(p / NK) % NJ)) * NK + (p % NK)]!);
          controls.push(relevanceMassAccuracy(result.relevance.dataSync(), reorderVolume(mirrored, [NI, NJ, NK], parseAxisOrder(axes)), decoded.samples[0]!.shape));
        }
        result.dispose();
        x.dispose();
      }
      const mean = masses.reduce((a, b) => a + b, 0) / masses.length;
      const control = controls.reduce((a, b) => a + b, 0) / controls.length;
      console.log(`${kind}: accuracy ${correct}/${VOLUMES.length}; relevance mass accuracy over ${masses.length} volumes: mean ${mean.toFixed(3)}, min ${Math.min(...masses).toFixed(3)}; mirrored-blob control ${control.toFixed(3)}`);
      expect(correct / VOLUMES.length).toBeGreaterThanOrEqual(0.9);
      expect(masses.length).toBeGreaterThanOrEqual(6);
      expect(mean).toBeGreaterThanOrEqual(0.6);
      expect(control).toBeLessThan(0.1);
    });
  }

  it('the shipped demo volumes are classified as labelled, by both models', async () => {
    const manifest = JSON.parse(readFileSync(FMRI_DEMO_FILES.manifest, 'utf8')) as { volumes: { file: string; label: number }[] };
    for (const kind of ['conv3d', 'cnnLstm'] as const) {
      for (const { file: name, label } of manifest.volumes) {
        const path = FMRI_DEMO_FILES.volumes.find((p) => p.endsWith(name))!;
        const decoded = await fmriAdapter.decode([file(path)], { axes: FMRI_MODEL_AXES[kind] }, modelInputSpecs(models[kind]));
        const logits = tf.tidy(() => (models[kind].layersModel.predict(tf.tensor(decoded.samples[0]!.values, [1, ...decoded.samples[0]!.shape])) as tf.Tensor).dataSync());
        expect(logits[label]! > logits[1 - label]!, `${kind} on ${name}`).toBe(true);
      }
    }
  });

  it('explainInput end to end (volume + anatomical, and a 4-D run) leaks no tensors; the time course follows the blocks', async () => {
    const model = models.conv3d;
    const request = { ...GROUND_TRUTH_LRP, target: 1, classNames: SYNTHETIC_CLASSES };
    const volume = [file(FMRI_DEMO_FILES.volumes[0]!), file(FMRI_DEMO_FILES.anatomical)];
    await explainInput(model, fmriAdapter, volume, request); // warm-up: caches derived kernels on the model
    const before = tf.memory().numTensors;
    const out = await explainInput(model, fmriAdapter, volume, request);
    expect(tf.memory().numTensors).toBe(before);
    expect(out.target).toBe(1);
    expect(out.artefacts.map((a) => a.name)).toEqual(['relevance.nii.gz', 'ortho.png', 'axial.png', 'summary.json', 'fmri-view.json', 'relevance.json']);

    const run = await explainInput(model, fmriAdapter, [file(FMRI_DEMO_FILES.run)], request);
    expect(tf.memory().numTensors).toBe(before);
    expect(run.decoded.samples[0]!.shape).toEqual([12, 32, 32, 16, 1]);
    const csv = new TextDecoder().decode(run.artefacts.find((a) => a.name === 'timecourse.csv')!.bytes).trim().split('\n').slice(1);
    const supra = csv.map((row) => Number(row.split(',')[3]));
    const design = (JSON.parse(readFileSync(FMRI_DEMO_FILES.manifest, 'utf8')) as { run: { design: number[] } }).run.design;
    const mean = (on: number) => supra.filter((_, t) => design[t] === on).reduce((a, b) => a + b, 0) / design.filter((d) => d === on).length;
    console.log(`run: supra-threshold relevance per volume ${supra.map((v) => v.toFixed(2)).join(' ')}`);
    expect(mean(1)).toBeGreaterThan(3 * Math.max(0, mean(0)));
  });
});

/**
 * A 4-D run explained volume by volume: fmri-volumes.json holds one prediction per volume (the
 * model's scores of that volume alone, its predicted and explained class, relevance sums), the
 * CSV and score plot, and fmri-view.json each volume's relevance for the volume picker.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { Value } from 'typebox/value';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadModel, type XaiModel } from '@xai/core';
import {
  explainInput, FMRI_DEMO_FILES, FMRI_DEMO_MODELS, fmriAdapter, fmriDemoModels, FmriViewSchema, FmriVolumesViewSchema, readNifti, type Artefact,
} from '../src/index.js';
import type { FmriView, FmriVolumesView } from '../src/view-schemas.js';

const file = (path: string) => ({ name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(path)) });
const jsonOf = <T>(arts: Artefact[], name: string): T => JSON.parse(new TextDecoder().decode(arts.find((a) => a.name === name)!.bytes)) as T;
const manifest = JSON.parse(readFileSync(FMRI_DEMO_FILES.manifest, 'utf8')) as { run: { tr: number; design: number[] } };

describe('a 4-D run explained volume by volume', () => {
  let model: XaiModel;
  const demo = fmriDemoModels.find((m) => m.name === 'fmri-conv3d')!;
  beforeAll(async () => {
    await initBackend();
    model = await loadModel(FMRI_DEMO_MODELS.conv3d);
  });

  it('fmri-volumes.json: per volume the scores of that volume alone, predicted and explained class, relevance sums; CSV, plot, per-volume relevance', async () => {
    const explained = await explainInput(model, fmriAdapter, [file(FMRI_DEMO_FILES.run)], { method: 'lrp', composite: 'epsilon_plus', decodeOptions: demo.decodeOptions as Record<string, unknown>, classNames: demo.classNames });
    const view = jsonOf<FmriVolumesView>(explained.artefacts, 'fmri-volumes.json');
    expect(Value.Check(FmriVolumesViewSchema, view), JSON.stringify([...Value.Errors(FmriVolumesViewSchema, view)].slice(0, 3))).toBe(true);
    expect(view).toMatchObject({ format: 'xai-fmri-volumes', classNames: ['control', 'activation'], timeUnit: 's', repetitionTime: manifest.run.tr });
    expect(view.volumes).toHaveLength(12);

    // each row equals the model run on that volume alone
    const sample = explained.decoded.samples[0]!;
    const per = sample.values.length / 12;
    for (const t of [0, 4, 11]) {
      const x = tf.tensor(sample.values.slice(t * per, (t + 1) * per), [1, ...sample.shape.slice(1)]);
      const y = model.layersModel.predict(x) as tf.Tensor;
      const row = Array.from(y.dataSync());
      tf.dispose([x, y]);
      view.volumes[t]!.logits.forEach((v, c) => expect(v).toBeCloseTo(row[c]!, 4));
    }
    // the demo run's block design: activation volumes are predicted 'activation', the others 'control'; each volume explained for its own prediction
    expect(view.volumes.map((v) => v.predicted)).toEqual(manifest.run.design);
    expect(view.volumes.map((v) => v.predictedName)).toEqual(manifest.run.design.map((d) => (d ? 'activation' : 'control')));
    expect(view.volumes.map((v) => v.target)).toEqual(manifest.run.design);
    expect(view.volumes.map((v) => v.time)).toEqual(manifest.run.design.map((_, t) => t * manifest.run.tr));

    // relevance sums per volume = the relevance NIfTI's volumes
    const nifti = await readNifti(explained.artefacts.find((a) => a.name === 'relevance.nii.gz')!.bytes, 'relevance.nii.gz', { axes: [3, 0, 1, 2] });
    const vol = nifti.data.length / 12;
    view.volumes.forEach((v, t) => {
      let sum = 0;
      for (let i = t * vol; i < (t + 1) * vol; i++) sum += Number(nifti.data[i]);
      expect(v.relevanceSum).toBeCloseTo(sum, 3);
      expect(v.positiveRelevanceSum).toBeGreaterThanOrEqual(v.relevanceSum - 1e-6);
    });

    const csv = new TextDecoder().decode(explained.artefacts.find((a) => a.name === 'volumes.csv')!.bytes).trim().split('\n');
    expect(csv[0]).toBe('volume,time_s,predicted,explained,score_control,score_activation,relevance,positive_relevance');
    expect(csv).toHaveLength(13);
    expect(csv[4]!.split(',').slice(0, 4)).toEqual(['3', '6', 'activation', 'activation']);
    expect(explained.artefacts.find((a) => a.name === 'scores.png')!.bytes.byteLength).toBeGreaterThan(1000);

    // the interactive view: each volume's relevance, summing to the summed map (within quantisation)
    const fv = jsonOf<FmriView>(explained.artefacts, 'fmri-view.json');
    expect(Value.Check(FmriViewSchema, fv)).toBe(true);
    expect(fv.volumeRelevance).toHaveLength(12);
    const de = (q: { scale: number; steps: number; values: number[] }) => q.values.map((v) => (v / q.steps) * q.scale);
    const summed = de(fv.relevance);
    const perVolume = fv.volumeRelevance!.map(de);
    const tolerance = fv.volumeRelevance!.reduce((a, q) => a + q.scale / q.steps, 0) + fv.relevance.scale / fv.relevance.steps;
    for (const p of [0, 1234, fv.peak[0] * fv.dims[1] * fv.dims[2] + fv.peak[1] * fv.dims[2] + fv.peak[2]]) {
      expect(Math.abs(perVolume.reduce((a, v) => a + v[p]!, 0) - summed[p]!)).toBeLessThanOrEqual(tolerance);
    }
    expect(fv.resampled).toBeUndefined();
  });

  it('a single volume of a run, and scores that do not split into the volumes, give no per-volume table', async () => {
    const one = await explainInput(model, fmriAdapter, [file(FMRI_DEMO_FILES.run)], { method: 'gradient', decodeOptions: { ...demo.decodeOptions, volume: 3 }, classNames: demo.classNames });
    expect(one.artefacts.some((a) => a.name === 'fmri-volumes.json')).toBe(false);
    expect(jsonOf<FmriView>(one.artefacts, 'fmri-view.json').volumeRelevance).toBeUndefined();
    // artefacts of a run drawn without a per-volume score split (logits of another length) leave it out too
    const decoded = await fmriAdapter.decode([file(FMRI_DEMO_FILES.run)], {}, [{ shape: [32, 32, 16, 1], dtype: 'float32' }]);
    const arts = await fmriAdapter.artefacts(decoded, { relevances: [{ values: new Float32Array(12 * 32 * 32 * 16), shape: [12, 32, 32, 16, 1] }], method: 'gradient', target: 0, logits: [1, 2, 3] });
    expect(arts.some((a) => a.name === 'fmri-volumes.json')).toBe(false);
  });
});

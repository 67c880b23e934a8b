/**
 * The README's fMRI pictures and numbers: explains demo volumes with both demo models and writes
 * docs/images/fmri-*.png; measures relevance mass accuracy (CLEVR-XAI, positive relevance) of
 * several methods on unseen synthetic volumes and prints a Markdown table.
 *
 *   npx tsx packages/modalities/scripts/fmri-figures.ts [images|table|both] [volumes=40]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { explain, initBackend, loadModel } from '@xai/core';
import { relevanceMassAccuracy } from '@xai/eval';
import { registerLstmPlugin } from '@xai/lstm';
import { explainInput, modelInputSpecs } from '../src/explain-input.js';
import { FMRI_DEMO_FILES, FMRI_DEMO_MODELS, FMRI_MODEL_AXES } from '../src/fmri/demo.js';
import { fmriAdapter } from '../src/fmri/fmri-adapter.js';
import { parseAxisOrder, reorderVolume } from '../src/fmri/fmri-layout.js';
import { writeNifti } from '../src/fmri/nifti-write.js';
import { SYNTHETIC_AFFINE, SYNTHETIC_CLASSES, SYNTHETIC_SHAPE, syntheticDataset } from '../src/fmri/synthetic-volumes.js';

const IMAGES = fileURLToPath(new URL('../../../docs/images/', import.meta.url));
const file = (path: string) => ({ name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(path)) });
const METHODS: { label: string; request: Record<string, unknown> }[] = [
  { label: 'LRP epsilon_plus', request: { method: 'lrp', composite: 'epsilon_plus' } },
  { label: 'LRP epsilon_plus_flat', request: { method: 'lrp', composite: 'epsilon_plus_flat' } },
  { label: 'LRP epsilon_alpha2_beta1', request: { method: 'lrp', composite: 'epsilon_alpha2_beta1' } },
  { label: 'LRP epsilon_gamma_box (−2, 4)', request: { method: 'lrp', composite: 'epsilon_gamma_box', low: -2, high: 4 } },
  { label: 'gradient × input', request: { method: 'gradient_x_input' } },
  { label: 'integrated gradients (32 steps)', request: { method: 'integrated_gradients', steps: 32 } },
  { label: 'gradient (sensitivity)', request: { method: 'gradient' } },
];

async function main() {
  await initBackend();
  registerLstmPlugin();
  mkdirSync(IMAGES, { recursive: true });
  const what = process.argv[2] ?? 'both';
  const count = Number(process.argv[3] ?? 40);
  const models = { conv3d: await loadModel(FMRI_DEMO_MODELS.conv3d), cnnLstm: await loadModel(FMRI_DEMO_MODELS.cnnLstm) };
  const request = { method: 'lrp', composite: 'epsilon_plus', target: 1, classNames: SYNTHETIC_CLASSES };

  if (what !== 'table') await pictures(models, request);
  if (what !== 'images') await table(models, count);
}

type Models = Record<'conv3d' | 'cnnLstm', Awaited<ReturnType<typeof loadModel>>>;

/** One activation volume over the anatomy (both models), the mosaic, the 4-D run with ROIs, the input preview. */
async function pictures(models: Models, request: Parameters<typeof explainInput>[3]) {
  const volume = [file(FMRI_DEMO_FILES.volumes[0]!), file(FMRI_DEMO_FILES.anatomical)];
  const save = (name: string, bytes: Uint8Array) => {
    writeFileSync(join(IMAGES, name), bytes);
    console.log(`wrote docs/images/${name}`);
  };
  for (const kind of ['conv3d', 'cnnLstm'] as const) {
    const out = await explainInput(models[kind], fmriAdapter, volume, { ...request, decodeOptions: { axes: FMRI_MODEL_AXES[kind] } });
    const suffix = kind === 'conv3d' ? 'conv3d' : 'cnn-lstm';
    save(`fmri-ortho-${suffix}.png`, out.artefacts.find((a) => a.name === 'ortho.png')!.bytes);
    if (kind === 'conv3d') {
      save('fmri-axial-conv3d.png', out.artefacts.find((a) => a.name === 'axial.png')!.bytes);
      save('fmri-input.png', (await fmriAdapter.preview(out.decoded)).bytes);
    }
  }
  const run = await explainInput(models.conv3d, fmriAdapter, [file(FMRI_DEMO_FILES.run), file(FMRI_DEMO_FILES.roi)], { ...request, decodeOptions: { roi: 'roi.nii.gz' } });
  save('fmri-timecourse.png', run.artefacts.find((a) => a.name === 'timecourse.png')!.bytes);
  save('fmri-run-ortho.png', run.artefacts.find((a) => a.name === 'ortho.png')!.bytes);
  console.log(new TextDecoder().decode(run.artefacts.find((a) => a.name === 'timecourse.csv')!.bytes));
}

/** Relevance mass accuracy of each method on `count` unseen volumes, as a Markdown table. */
async function table(models: Models, count: number) {
  const volumes = syntheticDataset(count, 6);
  const [ni, nj, nk] = SYNTHETIC_SHAPE;
  const rows: string[] = ['| method | Conv3D | CNN + LSTM |', '|---|---|---|'];
  const accuracy: Record<string, number> = {};
  for (const m of METHODS) {
    const cells: string[] = [];
    for (const kind of ['conv3d', 'cnnLstm'] as const) {
      const masses: number[] = [];
      let correct = 0;
      let ms = 0;
      for (const [n, v] of volumes.entries()) {
        const bytes = writeNifti({ data: v.values, shape: [ni, nj, nk], affine: SYNTHETIC_AFFINE, datatype: 'int16', gzip: true });
        const decoded = await fmriAdapter.decode([{ name: `v${n}.nii.gz`, bytes }], { axes: FMRI_MODEL_AXES[kind] }, modelInputSpecs(models[kind]));
        const x = tf.tensor(decoded.samples[0]!.values, [...decoded.samples[0]!.shape]);
        const result = await explain(models[kind], x, { ...m.request, target: 1 } as Parameters<typeof explain>[2]);
        ms += result.elapsedMs;
        const logits = result.logits.dataSync();
        const predicted = logits[1]! > logits[0]! ? 1 : 0;
        if (predicted === v.label) correct++;
        if (v.label === 1 && predicted === 1) {
          const mask = reorderVolume(v.mask, [ni, nj, nk], parseAxisOrder(FMRI_MODEL_AXES[kind]));
          masses.push(relevanceMassAccuracy(result.relevance.dataSync(), mask, decoded.samples[0]!.shape));
        }
        result.dispose();
        x.dispose();
      }
      accuracy[kind] = correct / volumes.length;
      const mean = masses.reduce((a, b) => a + b, 0) / masses.length;
      cells.push(`${mean.toFixed(3)} (min ${Math.min(...masses).toFixed(2)}, ${(ms / volumes.length).toFixed(0)} ms)`);
    }
    rows.push(`| ${m.label} | ${cells.join(' | ')} |`);
    console.log(rows[rows.length - 1]);
  }
  console.log(`\naccuracy on the ${count} volumes: Conv3D ${accuracy.conv3d}, CNN + LSTM ${accuracy.cnnLstm}; mask share of the volume ${(volumes.find((v) => v.label === 1)!.mask.reduce((a, b) => a + b, 0) / (ni * nj * nk)).toFixed(4)}\n`);
  console.log(rows.join('\n'));
}

await main();

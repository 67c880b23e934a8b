/**
 * The shipped fMRI demo: two models trained by `scripts/fmri-train.ts` and volumes written by
 * `scripts/fmri-make-data.ts` (synthetic, see synthetic-volumes.ts), under demo/fmri/.
 */
import { fileURLToPath } from 'node:url';
import type { DemoInput, DemoModel } from '../adapter.js';
import { SYNTHETIC_AFFINE, SYNTHETIC_CLASSES } from './synthetic-volumes.js';

export const FMRI_DEMO_DIR = fileURLToPath(new URL('../../demo/fmri/', import.meta.url));
const at = (path: string) => fileURLToPath(new URL(`../../demo/fmri/${path}`, import.meta.url));

export const FMRI_DEMO_MODELS = {
  /** Volumetric CNN: Conv3D → MaxPool3D → Conv3D → MaxPool3D → Dense, input [32, 32, 16, 1] (axes 'ijk'). */
  conv3d: at('conv3d/model.json'),
  /** Slice-wise CNN + LSTM (Thomas et al. 2019): TimeDistributed Conv2D over axial slices, Bidirectional LSTM across them, input [16, 32, 32, 1] (axes 'kji'). */
  cnnLstm: at('cnn-lstm/model.json'),
} as const;

/** The demo models' grid: 32×32×16 voxels of 3 mm (SYNTHETIC_AFFINE); inputs on another grid are resampled onto it. */
const GRID = SYNTHETIC_AFFINE.map((row) => [...row]);

/** Decoding options each demo model needs. */
export const FMRI_MODEL_AXES = { conv3d: 'ijk', cnnLstm: 'kji' } as const;

/** The demo files: four single volumes, a 4-D run, an anatomical volume and an ROI label volume. */
export const FMRI_DEMO_FILES = {
  volumes: ['activation-01.nii.gz', 'activation-02.nii.gz', 'control-01.nii.gz', 'control-02.nii.gz'].map((f) => at(`volumes/${f}`)),
  run: at('run.nii.gz'),
  anatomical: at('anatomical.nii.gz'),
  roi: at('roi.nii.gz'),
  manifest: at('volumes.json'),
} as const;

export const fmriDemoModels: DemoModel[] = [
  { name: 'fmri-conv3d', path: FMRI_DEMO_MODELS.conv3d, description: 'Conv3D classifier of synthetic 32×32×16 fMRI maps (activation vs control)', classNames: SYNTHETIC_CLASSES, decodeOptions: { axes: 'ijk', gridAffine: GRID } },
  { name: 'fmri-cnn-lstm', path: FMRI_DEMO_MODELS.cnnLstm, description: 'slice-wise CNN + bidirectional LSTM over axial slices (Thomas et al. 2019) on the same data', classNames: SYNTHETIC_CLASSES, decodeOptions: { axes: 'kji', gridAffine: GRID } },
];

export const fmriDemoInputs: DemoInput[] = [
  ...FMRI_DEMO_FILES.volumes.map((path) => {
    const name = path.split('/').pop()!.replace('.nii.gz', '');
    return { name: `fmri-${name}`, files: [path, FMRI_DEMO_FILES.anatomical], description: `synthetic fMRI map (${name.replace(/-\d+$/, '')}) with the anatomical volume as underlay`, model: 'fmri-conv3d' };
  }),
  { name: 'fmri-run', files: [FMRI_DEMO_FILES.run], description: 'synthetic 4-D run, 12 volumes, activation in two blocks (explained volume by volume)', model: 'fmri-conv3d' },
];

/**
 * Writes the fMRI demo volumes to demo/fmri/ (deterministic; run by hand, the files are committed):
 *
 *   volumes/{activation,control}-0{1,2}.nii.gz  single 32×32×16 maps (int16 + scl_slope, 3 mm, LAS)
 *   run.nii.gz                                  a 4-D run of 12 volumes (TR 2 s), activation in two blocks
 *   anatomical.nii.gz                           a T1-like 64×64×32 uint8 volume at 1.5 mm, same space
 *   roi.nii.gz                                  labels on the functional grid: 1 = activation site, 2 = its mirror
 *   volumes.json                                seeds, labels and activation centres (the tests regenerate masks)
 *
 *   npx tsx packages/modalities/scripts/fmri-make-data.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FMRI_DEMO_DIR } from '../src/fmri/demo.js';
import { writeNifti } from '../src/fmri/nifti-write.js';
import {
  ACTIVATION_SITE, SYNTHETIC_AFFINE, SYNTHETIC_CLASSES, SYNTHETIC_SHAPE, syntheticAnatomy, syntheticSeries, syntheticVolume,
} from '../src/fmri/synthetic-volumes.js';

/** Seeds of the demo volumes (disjoint from the training seeds, see fmri-train.ts). */
const DEMO_VOLUMES = [
  { file: 'activation-01.nii.gz', seed: 900_001, label: 1 },
  { file: 'activation-02.nii.gz', seed: 900_003, label: 1 },
  { file: 'control-01.nii.gz', seed: 900_002, label: 0 },
  { file: 'control-02.nii.gz', seed: 900_004, label: 0 },
] as const;
const RUN_SEED = 900_100;
const RUN_TR = 2;

function main() {
  const dir = FMRI_DEMO_DIR;
  mkdirSync(join(dir, 'volumes'), { recursive: true });
  const manifest: unknown[] = [];
  for (const v of DEMO_VOLUMES) {
    const vol = syntheticVolume(v.seed, v.label);
    const bytes = writeNifti({
      data: vol.values, shape: [...SYNTHETIC_SHAPE], affine: SYNTHETIC_AFFINE, datatype: 'int16', gzip: true, spatialUnit: 'mm',
      description: `xai synthetic fMRI map, class ${SYNTHETIC_CLASSES[v.label]}, seed ${v.seed}`,
    });
    writeFileSync(join(dir, 'volumes', v.file), bytes);
    manifest.push({ ...v, className: SYNTHETIC_CLASSES[v.label], activationCenter: vol.activationCenter, distractorCenter: vol.distractorCenter, maskVoxels: vol.mask.reduce((a, b) => a + b, 0) });
    console.log(`${v.file}: ${bytes.length} bytes`);
  }
  const run = syntheticSeries(RUN_SEED);
  const runBytes = writeNifti({
    data: run.values, shape: [...run.shape], affine: SYNTHETIC_AFFINE, datatype: 'int16', gzip: true, spatialUnit: 'mm', temporalUnit: 's', timeStep: RUN_TR,
    description: `xai synthetic fMRI run, block design ${run.design.join('')}`,
  });
  writeFileSync(join(dir, 'run.nii.gz'), runBytes);
  console.log(`run.nii.gz: ${runBytes.length} bytes`);

  const anat = syntheticAnatomy();
  const anatBytes = writeNifti({ data: anat.values, shape: anat.shape, affine: anat.affine, datatype: 'uint8', gzip: true, calRange: [0, 255], description: 'xai synthetic T1-like anatomy' });
  writeFileSync(join(dir, 'anatomical.nii.gz'), anatBytes);
  console.log(`anatomical.nii.gz: ${anatBytes.length} bytes`);

  // ROI labels: a sphere (radius 3 voxels) at the activation site and one at its left-right mirror.
  const [ni, nj, nk] = SYNTHETIC_SHAPE;
  const roi = new Float32Array(ni * nj * nk);
  const mirror = [ni - 1 - ACTIVATION_SITE[0], ACTIVATION_SITE[1], ACTIVATION_SITE[2]];
  for (let i = 0, p = 0; i < ni; i++) for (let j = 0; j < nj; j++) for (let k = 0; k < nk; k++, p++) {
    if (Math.hypot(i - ACTIVATION_SITE[0], j - ACTIVATION_SITE[1], k - ACTIVATION_SITE[2]) <= 3) roi[p] = 1;
    else if (Math.hypot(i - mirror[0]!, j - mirror[1]!, k - mirror[2]!) <= 3) roi[p] = 2;
  }
  const roiBytes = writeNifti({ data: roi, shape: [...SYNTHETIC_SHAPE], affine: SYNTHETIC_AFFINE, datatype: 'uint8', gzip: true, calRange: [0, 2], description: 'xai ROI labels: 1 activation site, 2 mirror' });
  writeFileSync(join(dir, 'roi.nii.gz'), roiBytes);
  writeFileSync(join(dir, 'volumes.json'), JSON.stringify({ volumes: manifest, run: { file: 'run.nii.gz', seed: RUN_SEED, tr: RUN_TR, design: run.design }, anatomical: 'anatomical.nii.gz', roi: { file: 'roi.nii.gz', labels: { 1: 'activation site', 2: 'mirror site' } } }, null, 2) + '\n');
  console.log(`written to ${dir}`);
}

main();

/**
 * Ground truth on the committed demo models: held-out synthetic clips (seed 5, never seen in
 * training) go through the adapter as PNG frame folders and are explained with LRP for their true
 * class; on the correctly classified clips at least 70 % of the temporal relevance must fall in the
 * frames where the discriminative event happens (the square moving; the patch flashing) — mean
 * over the clips, the worst clip reported. A frame's relevance is r_t = Σ R over its pixels (what
 * the frame contributes, as a word's relevance sums its embedding); the share is Σ_event |r_t| /
 * Σ_t |r_t|. The share of the heatmap's Σ |R| is logged beside it: on the CNN + LSTM it is low,
 * because static frames carry large opposite pixel relevances that cancel (see the README, "Video").
 * Also: the demo inputs are classified as labelled, and repeated explanations leak no tensors.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadModel, type XaiModel } from '@xai/core';
import { registerLstmPlugin } from '@xai/lstm';
import { CLIP_CLASSES, explainInput, temporalGroundTruth, VIDEO_DEMO_FILES, VIDEO_DEMO_PAIRS, videoDemoModelPath, videoAdapter, type GroundTruthResult } from '../src/index.js';

/** The LRP setting checked here: core's default composite (the README compares others). */
const GROUND_TRUTH_LRP = { method: 'lrp', composite: 'epsilon_plus' } as const;
const CLIPS = 16;
const file = (path: string) => ({ name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(path)) });


describe('video ground truth: relevance in the event frames', () => {
  const models = new Map<string, XaiModel>();
  const results = new Map<string, GroundTruthResult>();
  beforeAll(async () => {
    await initBackend();
    registerLstmPlugin();
    for (const { task, arch } of VIDEO_DEMO_PAIRS) models.set(`${task}/${arch}`, await loadModel(videoDemoModelPath(task, arch)));
  });

  for (const { task, arch } of VIDEO_DEMO_PAIRS) {
    const key = `${task}/${arch}`;
    it(`${key}: ≥ 90 % of the held-out clips classified correctly`, async () => {
      const r = await temporalGroundTruth(models.get(key)!, task, CLIPS, GROUND_TRUTH_LRP);
      results.set(key, r);
      console.log(`${key}: ${r.correct}/${r.clips} correct; share in event frames of Σ|r_t|: mean ${r.mean.toFixed(3)}, worst ${r.worst.toFixed(3)}; of Σ|R|: mean ${r.absMean.toFixed(3)}, worst ${r.absWorst.toFixed(3)} (uniform ${r.uniform.toFixed(3)}); ${Math.round(r.msPerClip)} ms/clip`);
      expect(r.correct / r.clips).toBeGreaterThanOrEqual(0.9);
    });
    it(`${key}: ≥ 70 % of the temporal relevance in the event frames (mean over correct clips)`, () => {
      expect(results.get(key)!.mean).toBeGreaterThanOrEqual(0.7);
    });
  }

  it('the demo inputs (MP4, GIF, frame folder) are classified as labelled by their models', async () => {
    const manifest = JSON.parse(readFileSync(VIDEO_DEMO_FILES.manifest, 'utf8')) as { inputs: { file: string; task: 'motion' | 'flash'; label: number }[] };
    for (const { task, arch } of VIDEO_DEMO_PAIRS) {
      const model = models.get(`${task}/${arch}`)!;
      for (const input of manifest.inputs.filter((i) => i.task === task)) {
        const demo = videoAdapter.demos!.inputs.find((d) => d.files[0]!.includes(input.file))!;
        const out = await explainInput(model, videoAdapter, demo.files.map(file), { ...GROUND_TRUTH_LRP, classNames: CLIP_CLASSES[task], renderOptions: { mp4: false } });
        expect(out.target, `${arch} on ${input.file}`).toBe(input.label);
      }
    }
  });

  it('repeated explanations leak no tensors (both models)', async () => {
    const request = { ...GROUND_TRUTH_LRP, renderOptions: { mp4: false, frameImages: false } };
    for (const [key, input] of [['motion/conv3d', VIDEO_DEMO_FILES.motion.gif], ['flash/cnn-lstm', VIDEO_DEMO_FILES.flash.gif]] as const) {
      const model = models.get(key)!;
      await explainInput(model, videoAdapter, [file(input)], request); // warm-up: caches derived kernels on the model
      const before = tf.memory().numTensors;
      for (let n = 0; n < 2; n++) await explainInput(model, videoAdapter, [file(input)], request);
      expect(tf.memory().numTensors, key).toBe(before);
    }
  });
});

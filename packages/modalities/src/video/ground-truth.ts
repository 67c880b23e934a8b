/**
 * The temporal ground-truth check of the video demo: held-out synthetic clips go through the
 * adapter (as PNG frame folders, lossless), are explained in batches for their true class, and on
 * the correctly classified ones the share of the temporal relevance (|r_t|, r_t = Σ R of frame t)
 * that falls in the clip's event frames is measured, and beside it the share of Σ |R|. Used by the test (test/video-ground-truth.test.ts) and the README table
 * (scripts/video-figures.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { encodePng, explain, type ExplainRequest, type XaiModel } from '@xai/core';
import { modelInputSpecs } from '../explain-input.js';
import { syntheticClips, CLIP_FPS, CLIP_FRAMES, CLIP_SIZE, type ClipTask, type SyntheticClip } from './synthetic-clips.js';
import { absShareInFrames, shareInFrames, temporalRelevance } from './temporal-relevance.js';
import { videoAdapter } from './video-adapter.js';

/** Clip seed of the held-out ground-truth clips (training uses 1, its test 2, the demo inputs 900 001…). */
export const GROUND_TRUTH_SEED = 5;

export interface GroundTruthResult {
  readonly clips: number;
  readonly correct: number;
  /** Share of the temporal relevance Σ_t |r_t| (r_t = Σ R of frame t) in the event frames, per correctly classified clip. */
  readonly shares: number[];
  readonly mean: number;
  readonly worst: number;
  /** Share of the heatmap's Σ |R| in the event frames, per correctly classified clip (reported beside). */
  readonly absShares: number[];
  readonly absMean: number;
  readonly absWorst: number;
  /** What the same share would be with relevance spread evenly over the frames. */
  readonly uniform: number;
  readonly msPerClip: number;
}

/** A clip as the PNG frames of a folder upload. */
export function clipAsFrameFiles(clip: SyntheticClip): { name: string; bytes: Uint8Array }[] {
  const n = CLIP_SIZE * CLIP_SIZE;
  return Array.from({ length: CLIP_FRAMES }, (_, t) => {
    const rgba = new Uint8Array(n * 4);
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(255 * clip.values[(t * n + p) * 3 + c]!);
      rgba[p * 4 + 3] = 255;
    }
    return { name: `frame-${t + 1}.png`, bytes: encodePng({ rgba, width: CLIP_SIZE, height: CLIP_SIZE }) };
  });
}

export async function temporalGroundTruth(model: XaiModel, task: ClipTask, count: number, request: ExplainRequest, batch = 8): Promise<GroundTruthResult> {
  const clips = syntheticClips(task, count, GROUND_TRUTH_SEED);
  const specs = modelInputSpecs(model);
  const shares: number[] = [];
  const absShares: number[] = [];
  let correct = 0;
  let uniform = 0;
  const started = performance.now();
  for (let start = 0; start < clips.length; start += batch) {
    const group = clips.slice(start, start + batch);
    const decoded = await Promise.all(group.map((c) => videoAdapter.decode(clipAsFrameFiles(c), {}, specs)));
    const shape = decoded[0]!.samples[0]!.shape;
    const flat = new Float32Array(group.length * decoded[0]!.samples[0]!.values.length);
    decoded.forEach((d, n) => flat.set(d.samples[0]!.values, n * d.samples[0]!.values.length));
    const x = tf.tensor(flat, [group.length, ...shape]);
    const result = await explain(model, x, { ...request, target: group.map((c) => c.label) });
    try {
      const logits = result.logits.arraySync() as number[][];
      const relevance = result.relevance.dataSync() as Float32Array;
      const per = relevance.length / group.length;
      group.forEach((clip, n) => {
        const predicted = logits[n]![1]! > logits[n]![0]! ? 1 : 0;
        if (predicted !== clip.label) return;
        correct++;
        const frames = Array.from({ length: CLIP_FRAMES }, (_, t) => t);
        const rows = temporalRelevance(relevance.subarray(n * per, (n + 1) * per), CLIP_FRAMES, frames.map((t) => t / CLIP_FPS), frames);
        shares.push(shareInFrames(rows, clip.eventFrames));
        absShares.push(absShareInFrames(rows, clip.eventFrames));
        uniform += clip.eventFrames.length / CLIP_FRAMES;
      });
    } finally {
      result.dispose();
      x.dispose();
    }
  }
  return {
    clips: clips.length,
    correct,
    shares,
    mean: shares.reduce((a, b) => a + b, 0) / Math.max(1, shares.length),
    worst: Math.min(...shares),
    absShares,
    absMean: absShares.reduce((a, b) => a + b, 0) / Math.max(1, absShares.length),
    absWorst: Math.min(...absShares),
    uniform: uniform / Math.max(1, shares.length),
    msPerClip: (performance.now() - started) / clips.length,
  };
}

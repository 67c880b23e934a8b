/**
 * The spoken-digit demo models on their held-out test voices: accuracy, and the ground-truth
 * check that LRP puts its relevance where the utterance is (frames with energy above a threshold).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain, initBackend, loadModel, type XaiModel } from '@xai/core';
import {
  AUDIO_DEMO_MODELS, AUDIO_DEMO_TEST, AUDIOMNIST, audioAdapter, DIGIT_CLASSES, explainInput, hannWindow, modelInputSpecs,
  type AudioInternal, type DecodedInput,
} from '../src/index.js';

type Kind = keyof typeof AUDIO_DEMO_MODELS;

/** Every second held-out recording: 120 of the 240 (3 test voices × 8 accents × 10 digits). */
const FILES = readdirSync(AUDIO_DEMO_TEST).filter((f) => f.endsWith('.wav')).sort().filter((_, i) => i % 2 === 0);
const digitOf = (file: string) => Number(file.split('_')[0]);
const read = (file: string) => ({ name: file, bytes: new Uint8Array(readFileSync(join(AUDIO_DEMO_TEST, file))) });

/** "Voiced": Hann-windowed frame energy (455 samples, centred every 35) within 30 dB of the loudest frame. */
const VOICED_DB = -30;

/** Voiced flag of every STFT frame f (centre 35·f) of the model's 8000-sample window. */
function voicedFrames(window: Float32Array): boolean[] {
  const { windowLength: L, hop } = AUDIOMNIST;
  const w = hannWindow(L);
  const frames = Math.floor(window.length / hop) + 1;
  const energy = Array.from({ length: frames }, (_, f) => {
    let e = 0;
    for (let i = 0; i < L; i++) e += ((window[f * hop - Math.floor(L / 2) + i] ?? 0) * w[i]!) ** 2;
    return e;
  });
  const max = Math.max(...energy);
  return energy.map((e) => e > max * 10 ** (VOICED_DB / 10));
}

/** Share of Σ|R| on voiced frames: per spectrogram column, or per waveform sample (nearest frame centre). */
function voicedShare(kind: Kind, relevance: Float32Array, voiced: boolean[]): number {
  let inVoiced = 0;
  let total = 0;
  if (kind === 'spectrogram') {
    for (let b = 0; b < AUDIOMNIST.bins; b++) {
      for (let j = 0; j < AUDIOMNIST.frames; j++) {
        const r = Math.abs(relevance[b * AUDIOMNIST.frames + j]!);
        total += r;
        if (voiced[j + AUDIOMNIST.firstFrame]) inVoiced += r;
      }
    }
  } else {
    for (let s = 0; s < relevance.length; s++) {
      const r = Math.abs(relevance[s]!);
      total += r;
      if (voiced[Math.round(s / AUDIOMNIST.hop)]) inVoiced += r;
    }
  }
  return total > 0 ? inVoiced / total : 0;
}

/** |R| moved by `shift` frames/samples (circularly) along time: a control that must fail the check. */
function shifted(kind: Kind, relevance: Float32Array, seconds: number): Float32Array {
  const out = new Float32Array(relevance.length);
  if (kind === 'spectrogram') {
    const n = AUDIOMNIST.frames;
    const shift = Math.round((seconds * AUDIOMNIST.sampleRate) / AUDIOMNIST.hop);
    for (let b = 0; b < AUDIOMNIST.bins; b++) for (let j = 0; j < n; j++) out[b * n + ((j + shift) % n)] = relevance[b * n + j]!;
  } else {
    const shift = Math.round(seconds * AUDIOMNIST.sampleRate);
    for (let s = 0; s < relevance.length; s++) out[(s + shift) % relevance.length] = relevance[s]!;
  }
  return out;
}

for (const kind of ['spectrogram', 'waveform'] as const) {
  describe(`audio demo, ${kind} model`, () => {
    let model: XaiModel;
    let decoded: DecodedInput[];
    let predicted: number[];

    beforeAll(async () => {
      await initBackend();
      model = await loadModel(AUDIO_DEMO_MODELS[kind]);
      const spec = modelInputSpecs(model);
      decoded = await Promise.all(FILES.map((f) => audioAdapter.decode([read(f)], {}, spec)));
      predicted = [];
      for (let s = 0; s < decoded.length; s += 30) {
        const batch = decoded.slice(s, s + 30);
        const x = tf.stack(batch.map((d) => tf.tensor(d.samples[0]!.values, [...d.samples[0]!.shape])));
        const out = tf.tidy(() => (model.layersModel.predict(x) as tf.Tensor).argMax(-1));
        predicted.push(...(await out.data()));
        tf.dispose([x, out]);
      }
    });

    it('classifies ≥ 90% of the held-out voices correctly (the accuracy training.json records)', () => {
      const correct = predicted.filter((p, i) => p === digitOf(FILES[i]!)).length;
      const training = JSON.parse(readFileSync(join(AUDIO_DEMO_MODELS[kind], '..', 'training.json'), 'utf8'));
      expect(training.testAccuracy).toBeGreaterThanOrEqual(0.9);
      expect(correct / FILES.length).toBeGreaterThanOrEqual(0.9);
    });

    it('LRP (epsilon_plus) puts ≥ 80% of |relevance| on the voiced frames of correctly classified digits', async () => {
      const correct = FILES.map((f, i) => i).filter((i) => predicted[i] === digitOf(FILES[i]!));
      const shares: number[] = [];
      const controls = { uniform: [] as number[], shifted: [] as number[] };
      for (let s = 0; s < correct.length; s += 30) {
        const idx = correct.slice(s, s + 30);
        const x = tf.stack(idx.map((i) => tf.tensor(decoded[i]!.samples[0]!.values, [...decoded[i]!.samples[0]!.shape])));
        const result = await explain(model, x, { method: 'lrp', composite: 'epsilon_plus', target: idx.map((i) => digitOf(FILES[i]!)) });
        const relevance = await result.relevance.data() as Float32Array;
        const size = relevance.length / idx.length;
        idx.forEach((i, k) => {
          const r = relevance.subarray(k * size, (k + 1) * size);
          const voiced = voicedFrames((decoded[i]!.internal as AudioInternal).window);
          shares.push(voicedShare(kind, r, voiced));
          controls.uniform.push(voicedShare(kind, new Float32Array(size).fill(1), voiced));
          controls.shifted.push(voicedShare(kind, shifted(kind, r, 0.5), voiced));
        });
        result.dispose();
        x.dispose();
      }
      const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
      console.log(`${kind}: ${shares.length} correct held-out digits, voiced share of |R|: mean ${mean(shares).toFixed(3)}, min ${Math.min(...shares).toFixed(3)}; ` +
        `controls: uniform ${mean(controls.uniform).toFixed(3)}, shifted by 0.5 s ${mean(controls.shifted).toFixed(3)}`);
      expect(shares.length).toBeGreaterThanOrEqual(100);
      expect(mean(shares)).toBeGreaterThanOrEqual(0.8);
      // the check can fail: relevance spread evenly, or put 0.5 s away from the speech, does
      expect(mean(controls.uniform)).toBeLessThan(0.7);
      expect(mean(controls.shifted)).toBeLessThan(0.5);
    });

    it('explains a recording end to end into artefacts; the audio round trip leaks no tensors of its own', async () => {
      const file = FILES.find((f, i) => predicted[i] === digitOf(f))!;
      await explainInput(model, audioAdapter, [read(file)], { method: 'lrp', composite: 'epsilon_plus' }); // warms the rule caches
      // What core's explain() itself leaves behind on this model (0 once core's MaxPooling1D forward
      // disposes its 2-D reshapes; until then 2 tensors per MaxPooling1D layer of the waveform model).
      const sample = decoded[FILES.indexOf(file)]!.samples[0]!;
      const x = tf.tensor(sample.values, [...sample.shape]);
      let before = tf.memory().numTensors;
      (await explain(model, x, { method: 'lrp', composite: 'epsilon_plus' })).dispose();
      const coreLeak = tf.memory().numTensors - before;
      x.dispose();
      before = tf.memory().numTensors;
      const out = await explainInput(model, audioAdapter, [read(file)], { method: 'lrp', composite: 'epsilon_plus', classNames: DIGIT_CLASSES });
      expect(tf.memory().numTensors - before).toBe(coreLeak);
      if (kind === 'spectrogram') expect(coreLeak).toBe(0);
      expect(out.target).toBe(digitOf(file));
      const names = out.artefacts.map((a) => a.name);
      expect(names).toEqual(kind === 'spectrogram'
        ? ['relevance-spectrogram.png', 'waveform.png', 'relevance-time.csv', 'relevance-time.json', 'audio-view.json', 'relevance.json']
        : ['waveform.png', 'relevance-time.csv', 'relevance-time.json', 'audio-view.json', 'relevance.json']);
      for (const a of out.artefacts.filter((x) => x.mediaType === 'image/png')) {
        const png = decode(a.bytes);
        expect(png.width * png.height).toBeGreaterThan(100_000);
      }
      const timeJson = JSON.parse(new TextDecoder().decode(out.artefacts.find((a) => a.name === 'relevance-time.json')!.bytes));
      expect(timeJson.targetName).toBe(DIGIT_CLASSES[digitOf(file)]);
      const inside = timeJson.windows.reduce((a: number, w: { absRelevance: number }) => a + w.absRelevance, 0);
      const padding = timeJson.padding.before.absRelevance + timeJson.padding.after.absRelevance;
      expect(inside / (inside + padding)).toBeGreaterThan(0.8); // in the recording's own time base, not in the zero padding
    });
  });
}
